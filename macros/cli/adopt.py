"""`taizhang adopt`: a few lines over jobs/adopt.py."""

from __future__ import annotations

from pathlib import Path

import click

from taizhang.macros.cli.common import CONTEXT, LEDGER, check_output_path, friendly_errors
from taizhang.macros.jobs.adopt import adopt


@click.command("adopt", context_settings=CONTEXT)
@click.argument("ledger", type=LEDGER)
@click.option("--write", is_flag=True, help="把建议的设置表写入台账（无损写入，写前自动备份）")
@click.option("--out", type=LEDGER, help="写到这个新文件，原台账不动（与 --write 合用）")
@friendly_errors
def adopt_cmd(ledger: Path, write: bool, out: Path | None) -> None:
    """为别处制作的台账（没有或只有部分设置表）生成设置表：

    \b
    单位名录：主办单位、协办单位中出现的每个单位名称各一行；疑为简称的并为别名，
              疑为内设机构的标为“内设机构”，都标“请核对”。
    时限规则：默认预设的规则；台账缺少完成日期列的环节写为停用（启用＝否）并说明原因。
    参数：    年度和办理结果分类按台账数据推断；办理机关留空待填。

    不加 --write 只显示建议。加 --write 时只新建缺少的设置表；已有的“单位名录”“参数”只在表末追加
    它缺少的行，已有的“时限规则”不动；台账和其他工作表不动。

    例：taizhang adopt 台账.xlsx --write
    """
    if out is not None:
        check_output_path(out, ledger)
    click.echo(adopt(ledger, write=write or out is not None, out=out))
