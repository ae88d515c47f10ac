"""Record ids that sort in creation order (UUID version 7, RFC 9562).

The candidate lookup breaks ties between equally good candidates by id, so with
time-ordered ids the oldest record, usually the customer's first and master
record, comes first; new ids also land at the right edge of the primary-key
index instead of anywhere in it.
"""

from __future__ import annotations

import os
import time
import uuid


def time_ordered_id() -> str:
    """48 bits of Unix milliseconds, the version and variant bits, 74 random bits."""
    millis = time.time_ns() // 1_000_000
    value = (millis & (1 << 48) - 1) << 80 | int.from_bytes(os.urandom(10)) & ((1 << 80) - 1)
    value = value & ~(0xF << 76) | 0x7 << 76
    value = value & ~(0x3 << 62) | 0x2 << 62
    return str(uuid.UUID(int=value))
