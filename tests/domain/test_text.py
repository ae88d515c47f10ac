"""fold: full-width to half-width, control and format characters out, whitespace collapsed."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.text import fold


@pytest.mark.parametrize(
    ("value", "folded"),
    [
        ("１３８ ００１３ ８００１", "138 0013 8001"),
        ("  Acme\t\tLtd\n", "Acme Ltd"),
        ("张\u200b伟", "张伟"),
        ("a\u202eb\x00c", "abc"),
        ("line\r\nbreak", "line break"),
        ("\ufeffBOM", "BOM"),
        ("北京　字节跳动", "北京 字节跳动"),
        ("", ""),
    ],
)
def test_fold(value: str, folded: str) -> None:
    assert fold(value) == folded


@given(st.text(max_size=80))
def test_fold_is_idempotent_and_leaves_no_control_character(value: str) -> None:
    once = fold(value)
    assert fold(once) == once
    assert once.isprintable()
