"""The core: cases, settings, rules, deadlines and statistics. Imports no workbook library."""
