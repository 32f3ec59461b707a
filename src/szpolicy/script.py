"""Chinese script detection and conversion, both through OpenCC."""

from __future__ import annotations

from functools import cache, lru_cache
from operator import ne

import opencc

TO_HANS = "hk2s"  # Hong Kong / Traditional -> Simplified; the codebook names this configuration
TO_HANT = "s2hk"


@cache
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


@lru_cache(maxsize=8192)
def to_hans(text: str) -> str:
    """Simplified rendering of a text (OpenCC hk2s), cached: each stage folds every sentence."""
    return _converter(TO_HANS).convert(text)


def to_hant(text: str) -> str:
    """Traditional (Hong Kong) rendering of a text (OpenCC s2hk)."""
    return _converter(TO_HANT).convert(text)


def detect_script(text: str) -> str:
    """`hant` or `hans`: whichever script changes fewer characters when converted to it."""
    trad = sum(map(ne, text, to_hans(text)))
    simp = sum(map(ne, text, to_hant(text)))
    return "hant" if trad > simp else "hans"


def hans_aligned(text: str) -> str:
    """Simplified rendering with the same length, so offsets found in it index the original."""
    folded = to_hans(text)
    if len(folded) == len(text):
        return folded
    return "".join(c if len(s := to_hans(c)) != 1 else s for c in text)
