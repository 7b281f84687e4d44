from taizhang.macros.cli import main

main()
