"""The live Excel layer: the ribbon's entry (`ribbon.run`) and the buttons' handlers, which read and
write the workbook open in Excel through xlwings within a call budget. Light to import: each
module loads what its own button needs."""
