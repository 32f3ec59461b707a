"""Chinese word segmentation with part-of-speech tags (jieba), loaded quietly, once, when first
needed (its import loads the tagger's models: half a second that loading a table need not pay)."""

from __future__ import annotations

import logging
import warnings
from functools import cache, lru_cache
from types import ModuleType


@cache
def _jieba() -> ModuleType:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # jieba imports the deprecated pkg_resources
        import jieba
        import jieba.posseg

    jieba.setLogLevel(logging.WARNING)
    _memoise_hmm(jieba.posseg)
    return jieba


def _memoise_hmm(posseg: ModuleType) -> None:
    """Cache the tagger's HMM (Viterbi over a run of characters missing from the dictionary) by
    the run: it is most of the tagging time, and the runs (年的, 将比, 万人) recur across texts."""
    viterbi, tables = posseg.viterbi, (posseg.char_state_tab_P, posseg.start_P)
    tables += (posseg.trans_P, posseg.emit_P)

    @lru_cache(maxsize=65536)
    def run(chars: str) -> tuple[float, list]:
        return viterbi(chars, *tables)

    posseg.viterbi = lambda chars, *_tables: run(chars)  # the tables are always the module's


def word_frequencies() -> dict[str, int]:
    """jieba's dictionary: each word's frequency (loaded on first use)."""
    jieba = _jieba()
    jieba.initialize()
    return jieba.dt.FREQ


@lru_cache(maxsize=4096)
def pos_tags(text: str) -> tuple[tuple[str, str], ...]:
    """(word, tag) pairs of jieba's part-of-speech segmentation of `text`."""
    return tuple((w.word, w.flag) for w in _jieba().posseg.cut(text))
