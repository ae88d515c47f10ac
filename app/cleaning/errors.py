"""The one error the cleaner raises for bad input or options: the CLI prints it and exits 2."""

from __future__ import annotations


class CleanError(Exception):
    """Something a person can fix: the message says what and where, never a traceback."""
