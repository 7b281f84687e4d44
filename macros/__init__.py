"""The application: the command line (cli/), the jobs it and the ribbon run (jobs/), the live Excel
layer and the ribbon entry (excel/), the weekly unattended run (weekly/), and where each of them
logs (logs.py). Thin shells over the library (taizhang.analysis, taizhang.writeback)."""
