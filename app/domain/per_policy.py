"""Values worked out from a policy once, not once per lead.

A check or a cleaned row reads the same policy for every lead: its weight table, its
rules' fields. Policies are immutable and a tenant keeps one object per config version,
so a value derived from one is kept by the policy's identity; the entry holds the policy,
so its id is not reused while the entry lives, and a replaced policy ages out.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from app.domain.policy import Policy

T = TypeVar("T")
KEPT = 256
"""Entries (policy and derivation) kept before all are dropped and worked out again."""

_KEPT: dict[tuple[int, Callable[[Policy], Any]], tuple[Policy, Any]] = {}


def once_per_policy(policy: Policy, build: Callable[[Policy], T]) -> T:
    key = (id(policy), build)
    entry = _KEPT.get(key)
    if entry is not None:
        found: T = entry[1]
        return found
    if len(_KEPT) >= KEPT:
        _KEPT.clear()
    value = build(policy)
    _KEPT[key] = (policy, value)
    return value
