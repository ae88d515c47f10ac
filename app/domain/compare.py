"""Field-by-field similarity of two normalized leads, 0.0 to 1.0 per field.

A field missing on either side is left out, so a rule never fires on absence.
"""

from __future__ import annotations

from collections.abc import Mapping

from app.domain.types import NormalizedLead

FieldScores = Mapping[str, float]


def _shared(a: tuple[str, ...], b: tuple[str, ...]) -> float | None:
    if not a or not b:
        return None
    return 1.0 if set(a) & set(b) else 0.0


def compare(a: NormalizedLead, b: NormalizedLead) -> FieldScores:
    scores: dict[str, float] = {}
    for name, value in (("phone", _shared(a.phone, b.phone)), ("email", _shared(a.email, b.email))):
        if value is not None:
            scores[name] = value
    return scores
