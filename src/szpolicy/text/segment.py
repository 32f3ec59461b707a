"""Chinese word segmentation with part-of-speech tags: jieba.posseg.cut's (HMM on), word for
word and tag for tag, over jieba's data as text/dictionary.py stores it.

Why our own code and not jieba's: jieba's start loads its dictionary, its tags and its models
(a second of a one-report build), and its tagger was the numbers stage's largest cost; this one
reads a stored trie in milliseconds and looks up a position's words in one call. It follows
jieba 0.42.1's jieba/posseg/__init__.py (cut, __cut_internal, __cut_DAG, __cut_detail, __cut)
and jieba/__init__.py (get_DAG, calc) step by step, the same float sums in the same order, its
regular expressions copied; tests/test_segment.py checks the tags equal jieba's on real reports
and random strings."""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache, lru_cache

from .dictionary import Dictionary, load

# jieba.posseg's patterns (the same strings; jieba writes them undoubled, \. and \s).
RE_HAN_DETAIL = re.compile("([\u4e00-\u9fd5]+)")
RE_SKIP_DETAIL = re.compile("([\\.0-9]+|[a-zA-Z0-9]+)")
RE_HAN_INTERNAL = re.compile("([\u4e00-\u9fd5a-zA-Z0-9+#&\\._]+)")
RE_SKIP_INTERNAL = re.compile("(\r\n|\\s)")
RE_ENG = re.compile("[a-zA-Z0-9]+")
RE_NUM = re.compile("[\\.0-9]+")

Tags = tuple[tuple[str, str], ...]


def word_frequencies() -> Mapping[str, int]:
    """jieba's dictionary: each word's frequency, and its prefixes' (0), as jieba's FREQ."""
    return load()


@lru_cache(maxsize=4096)
def pos_tags(text: str) -> Tags:
    """(word, tag) pairs of jieba's part-of-speech segmentation of `text` (jieba.posseg.cut)."""
    tags: list[tuple[str, str]] = []
    for block in RE_HAN_INTERNAL.split(text):
        if RE_HAN_INTERNAL.match(block):
            tags += _block_tags(block, load())
            continue
        for part in RE_SKIP_INTERNAL.split(block):
            if RE_SKIP_INTERNAL.match(part):
                tags.append((part, "x"))
                continue
            # jieba tests each character for m and the part for eng: neither can match here,
            # the block pattern having taken every digit, Latin letter and full stop.
            tags += ((char, "x") for char in part)
    return tuple(tags)


def _block_tags(block: str, words: Dictionary) -> list[tuple[str, str]]:
    """jieba's __cut_DAG: the likeliest words; runs of single characters not themselves a word
    of the dictionary go to the HMM (__cut_detail)."""
    ends, keys = _route(block, words)
    tags: list[tuple[str, str]] = []
    start, run = 0, ""
    while start < len(block):
        end = ends[start] + 1
        if end - start == 1:
            run += block[start]
        else:
            if run:
                tags += _run_tags(run, words)
                run = ""
            tags.append((block[start:end], words.tags[words.tag_index[keys[start]]]))
        start = end
    if run:
        tags += _run_tags(run, words)
    return tags


def _route(block: str, words: Dictionary) -> tuple[list[int], list[int | None]]:
    """jieba's get_DAG and calc in one backward pass: where the likeliest segmentation's word
    starting at each character ends, and its key. A word is in the DAG when its frequency is
    not 0; ties go to the longer word, as jieba's max over (score, end)."""
    size = len(block)
    score: list[float] = [0] * (size + 1)  # jieba's route[N] = (0, 0)
    ends, keys = [0] * size, [None] * size
    weight, frequency, longest = words.weight, words.frequency, words.longest
    for start in range(size - 1, -1, -1):
        best, end, key = None, start, None
        for word, k in words.words.iter_prefixes_with_ids(block[start : start + longest]):
            if frequency[k]:
                last = start + len(word) - 1
                here = weight[k] + score[last + 1]
                if best is None or here >= best:
                    best, end, key = here, last, k
        if best is None:
            best = words.unknown + score[start + 1]
        score[start], ends[start], keys[start] = best, end, key
    return ends, keys


def _run_tags(run: str, words: Dictionary) -> list[tuple[str, str]]:
    """jieba's tags of a run of single characters: one character alone, the characters one by
    one when the run is itself a word, else __cut_detail (HMM on the Han parts)."""
    if len(run) == 1:
        return [(run, words.tag(run))]
    if words.get(run):
        return [(char, words.tag(char)) for char in run]
    tags: list[tuple[str, str]] = []
    for block in RE_HAN_DETAIL.split(run):
        if RE_HAN_DETAIL.match(block):
            tags += _hmm_tags(block)
            continue
        for part in filter(None, RE_SKIP_DETAIL.split(block)):
            tags.append((part, "m" if RE_NUM.match(part) else "eng" if RE_ENG.match(part) else "x"))
    return tags


@lru_cache(maxsize=65536)
def _hmm_tags(chars: str) -> Tags:
    """jieba's __cut: the words and tags of the HMM's likeliest states, cached by the run (half
    the tagging time, and the runs, 年的, 将比, 万人, recur across texts)."""
    tables = load().hmm
    _, states = _viterbi(chars, *tables, _predecessors())
    tags, begin, following = [], 0, 0
    for i, (position, tag) in enumerate(states):
        if position == "B":
            begin = i
        elif position == "E":
            tags.append((chars[begin : i + 1], tag))
            following = i + 1
        elif position == "S":
            tags.append((chars[i], tag))
            following = i + 1
    if following < len(chars):
        tags.append((chars[following:], states[following][1]))
    return tuple(tags)


@cache
def _predecessors() -> dict[tuple, set[tuple]]:
    """The tagger's HMM states' predecessors, found once."""
    return predecessors(load().hmm[2])


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
