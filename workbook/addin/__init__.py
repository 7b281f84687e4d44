"""The 台账助手 Excel add-in (taizhang.xlam), built from the text sources in this folder."""

from taizhang.workbook.addin.build import ADDIN_NAME, CALLBACK_MODULE, CONF_SHEET, addin_bytes, build_addin

__all__ = ["ADDIN_NAME", "CALLBACK_MODULE", "CONF_SHEET", "addin_bytes", "build_addin"]
