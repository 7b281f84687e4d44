"""The weekly unattended run: read, validate and time every ledger of a TOML config, write a dated
report workbook, email a summary, and (with `schedule`) do it again every week.

config.py  the TOML file and its example        run.py      one run over all ledgers
changes.py what changed since the last run      report.py   the dated report workbook
summary.py the email bodies                     mail.py     sending them
loop.py    the forever loop of `taizhang schedule`
"""
