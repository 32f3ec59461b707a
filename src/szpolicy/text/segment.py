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
    tables = (posseg.char_state_tab_P, posseg.start_P, posseg.trans_P, posseg.emit_P)
    sources = predecessors(posseg.trans_P)

    @lru_cache(maxsize=65536)
    def run(chars: str) -> tuple[float, list]:
        return _viterbi(chars, *tables, sources)

    posseg.viterbi = lambda chars, *_tables: run(chars)  # the tables are always the module's


def predecessors(trans_p: dict) -> dict[tuple, set[tuple]]:
    """Each HMM state's possible predecessors: the states with a transition to it."""
    sources: dict[tuple, set[tuple]] = {}
    for state, following in trans_p.items():
        for nxt in following:
            sources.setdefault(nxt, set()).add(state)
    return sources


MIN_FLOAT, MIN_INF = -3.14e100, float("-inf")  # jieba.posseg.viterbi's


def _viterbi(obs: str, states: dict, start_p: dict, trans_p: dict, emit_p: dict, sources: dict):
    """jieba.posseg.viterbi's path and probability, the same sums in the same order, but each
    state's best predecessor sought among the states that can precede it (`sources`), and among
    all only when none of those has a finite probability (as jieba, ties go to the greatest)."""
    V, path, all_states = [{}], [{}], trans_p.keys()
    for y in states.get(obs[0], all_states):
        V[0][y] = start_p[y] + emit_p[y].get(obs[0], MIN_FLOAT)
        path[0][y] = ""
    for t in range(1, len(obs)):
        last, here, came = V[t - 1], {}, {}
        prev = [x for x in path[t - 1] if len(trans_p[x]) > 0]
        prev_set = set(prev)
        expect = {y for x in prev for y in trans_p[x]}
        now = set(states.get(obs[t], all_states)) & expect or expect or all_states
        for y in now:
            emit = emit_p[y].get(obs[t], MIN_FLOAT)
            best = max(
                ((last[x] + trans_p[x][y] + emit, x) for x in sources.get(y, ()) & prev_set),
                default=(MIN_INF, None),
            )
            if best[0] == MIN_INF:
                best = max((last[x] + trans_p[x].get(y, MIN_INF) + emit, x) for x in prev)
            here[y], came[y] = best
        V.append(here)
        path.append(came)
    prob, state = max((V[-1][y], y) for y in path[-1])
    route = [None] * len(obs)
    for i in range(len(obs) - 1, -1, -1):
        route[i] = state
        state = path[i][state]
    return prob, route


def word_frequencies() -> dict[str, int]:
    """jieba's dictionary: each word's frequency (loaded on first use)."""
    jieba = _jieba()
    jieba.initialize()
    return jieba.dt.FREQ


@lru_cache(maxsize=4096)
def pos_tags(text: str) -> tuple[tuple[str, str], ...]:
    """(word, tag) pairs of jieba's part-of-speech segmentation of `text`."""
    return tuple((w.word, w.flag) for w in _jieba().posseg.cut(text))
