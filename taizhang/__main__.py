"""`python -m taizhang`: the same as the `taizhang` command."""

from taizhang.macros.cli import main

main()
