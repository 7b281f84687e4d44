"""The jobs behind the commands and buttons: each reads a ledger, runs the library and builds or
writes its results (tool columns and sheets, unit workbooks, the report). No click, no Excel."""
