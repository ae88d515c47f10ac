"""leadgate: keeps a CRM's lead data clean at the door."""

__version__ = "0.1.0"
