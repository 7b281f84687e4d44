"""Names of the sheets the tool owns or reads, so no job mistakes one for the ledger."""

from __future__ import annotations

from taizhang.core.settings import SETTINGS_SHEETS

CHECK_SHEET = "校验结果"
OVERDUE_SHEET = "逾期清单"
SUMMARY_SHEET = "汇总"
BULLETIN_SHEET = "通报"
CHART_SHEET = "图表"
CHANGES_SHEET = "变更记录"
INSTRUCTIONS_SHEET = "填报说明"
LEDGER_SHEET = "台账"
SEND_LOG_SHEET = "分发记录"  # one row per unit book sent out (core/exchange.py)
SEND_DETAIL_SHEET = "分发明细"  # hidden: the MAC key and each case sent (core/exchange.py)

TOOL_SHEETS = (CHECK_SHEET, OVERDUE_SHEET, SUMMARY_SHEET, BULLETIN_SHEET, CHART_SHEET, CHANGES_SHEET,
               INSTRUCTIONS_SHEET, SEND_LOG_SHEET, SEND_DETAIL_SHEET)

# Sheets never taken for the ledger, whatever their headers look like.
NOT_LEDGER = frozenset((*TOOL_SHEETS, *SETTINGS_SHEETS))
