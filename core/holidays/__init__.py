"""The State Council's yearly holiday notice: parsed into 节假日 rows (`notice`), merged into the sheet
(`table`), and a reminder when next year is not known yet (`reminder`). Pure: no workbook library
here. Import the modules themselves: `due` needs only the reminder, not the notice parser."""
