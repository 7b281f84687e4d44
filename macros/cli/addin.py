"""`taizhang addin build|install`: the Excel add-in (taizhang.xlam) and its Windows installation."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import click

from taizhang.core.errors import BadInput, ExitCode
from taizhang.macros.cli.common import CONTEXT, friendly_errors
from taizhang.macros.jobs.addin_bundle import BAT_NAME, DEFAULT_PYTHONS, make_bundle
from taizhang.workbook.addin import ADDIN_NAME, build_addin
from taizhang.workbook.addin.config import user_config_path, user_config_text


@click.group("addin", context_settings=CONTEXT)
def addin() -> None:
    """Excel 加载项（台账助手选项卡）：生成与安装。

    \b
    例：    taizhang addin build --out taizhang.xlam
    离线包：taizhang addin bundle --out D:\\台账助手安装包   （拷到内网电脑，双击其中的“安装.bat”）
    安装：  taizhang addin install        （仅 Windows，需已安装 Excel；安装.bat 会调用它）
    """


@addin.command("build", context_settings=CONTEXT)
@click.option("--out", type=click.Path(path_type=Path), default=Path("taizhang.xlam"), show_default=True,
              help="加载项文件（.xlam）或其所在文件夹")
@friendly_errors
def build_cmd(out: Path) -> None:
    """由仓库中的文本源文件（功能区 XML、VBA 模块）生成 taizhang.xlam；相同源文件生成的文件逐字节相同。

    例：taizhang addin build --out dist/
    """
    click.echo(f"已生成加载项：{build_addin(out)}")


@addin.command("install", context_settings=CONTEXT)
@click.option("--file", "xlam", type=click.Path(dir_okay=False, path_type=Path),
              help="已生成的加载项（默认现场生成一份）")
@friendly_errors
def install_cmd(xlam: Path | None) -> None:
    """把台账助手加载项装入 Excel 的启动文件夹（XLSTART），并写入 Python 解释器的位置。
    装好后重新打开 Excel，功能区会出现“台账助手”选项卡。

    例：taizhang addin install
    """
    if sys.platform != "win32":
        click.echo("加载项只能安装在装有 Excel 的 Windows 电脑上；本机不是 Windows。"
                   "可在本机运行 taizhang addin build 生成 taizhang.xlam，再拷到 Windows 电脑上安装。", err=True)
        sys.exit(ExitCode.BAD_INPUT)
    if not sys.executable.isascii():
        click.echo(f"提醒：Python 安装在含中文的路径（{sys.executable}），Excel 可能找不到它；"
                   "建议把 Python 重新安装到如 C:\\Python311 这样的纯英文路径。", err=True)
    if xlam is None:
        xlam = build_addin(Path(tempfile.mkdtemp(prefix="taizhang-")) / ADDIN_NAME)
    if not xlam.is_file():
        raise BadInput(f"找不到加载项文件“{xlam}”")
    # `xlwings addin install -f` of the same interpreter (xlwings has no `python -m xlwings`).
    done = subprocess.run([sys.executable, "-c", "from xlwings.cli import main; main()",
                           "addin", "install", "-f", str(xlam)],
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BadInput("安装加载项失败：" + (done.stderr or done.stdout).strip()[-500:]
                       + "\n请关闭所有 Excel 窗口后重试；仍失败时按安装指南手动复制 taizhang.xlam 到 XLSTART 文件夹。")
    config = user_config_path()
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(user_config_text(sys.executable), encoding="mbcs")
    click.echo(f"已安装加载项：{xlam.name}\n已写入配置：{config}（Python：{sys.executable}）\n"
               "请重新打开 Excel，功能区会出现“台账助手”选项卡。")


@addin.command("bundle", context_settings=CONTEXT)
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="安装包文件夹（不存在则新建）")
@click.option("--python-version", "pythons", multiple=True, metavar="3.11",
              help="内网电脑上 Python 的版本，可写多次（默认 3.11 和 3.12）")
@friendly_errors
def bundle_cmd(out: Path, pythons: tuple[str, ...]) -> None:
    r"""生成离线安装包：台账助手和全部依赖的 Windows 64 位 wheel（含 pywin32）、taizhang.xlam 和“安装.bat”。
    需要在能上网的电脑上、在台账助手的源码目录中运行；把整个文件夹拷到内网电脑，双击“安装.bat”。

    例：taizhang addin bundle --out D:\台账助手安装包
    """
    found = make_bundle(out, tuple(pythons) or DEFAULT_PYTHONS)
    counts = "，".join(f"Python {p}：{len(names)} 个" for p, names in found.items())
    click.echo(f"已生成离线安装包：{out}\n依赖包（{counts}）在 wheels 文件夹；请把整个文件夹拷到内网电脑，双击“{BAT_NAME}”。")
