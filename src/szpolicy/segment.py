"""Chinese word segmentation with part-of-speech tags (jieba), loaded quietly and once."""

from __future__ import annotations

import logging
import warnings
from functools import lru_cache

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # jieba imports the deprecated pkg_resources
    import jieba
    import jieba.posseg

jieba.setLogLevel(logging.WARNING)


@lru_cache(maxsize=4096)
def pos_tags(text: str) -> tuple[tuple[str, str], ...]:
    """(word, tag) pairs of jieba's part-of-speech segmentation of `text`."""
    return tuple((w.word, w.flag) for w in jieba.posseg.cut(text))
