"""台账助手 (taizhang): keeps the deputies' suggestions and proposals ledger doing its own work."""

__version__ = "0.1.0"
