"""Blocking keys: strings two writings of one person or company are likely to share.

Namespaced `kind:value` so a phone never collides with an email.
"""

from __future__ import annotations

from app.domain.types import NormalizedLead


def blocking_keys(lead: NormalizedLead) -> tuple[str, ...]:
    keys = [f"phone:{p}" for p in lead.phone]
    keys += [f"email:{e}" for e in lead.email]
    return tuple(dict.fromkeys(keys))
