"""Workbooks in and out: reading a ledger from a file or from Excel (reader.py over a source.py
GridSource, bounded.py for files), the lossless writer (writer/), new workbooks from scratch
(template.py for `taizhang new`, unit_book.py for `split`), returned unit workbooks (returned.py),
LibreOffice conversions (convert.py) and the Excel add-in (addin/). The only package that opens
workbook files."""
