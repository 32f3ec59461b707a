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
from typing import NamedTuple

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
    words = load()
    # The split's odd pieces are the pattern's matches, jieba's blocks; the even ones, between
    # them, hold no character of the pattern (jieba's match of each piece tells the same).
    for i, block in enumerate(RE_HAN_INTERNAL.split(text)):
        if i % 2:
            tags += _block_tags(block, words)
        elif block:
            tags += _other_tags(block)
    return tuple(tags)


def parts(text: str) -> list[str]:
    """The non-empty parts of a text that jieba tags each on its own, in order: its blocks and the
    text between them. A text's tags are its parts' (`pos_tags` of each) one after the other, so
    a caller that needs only the words at one end may tag only the parts there."""
    return [part for part in RE_HAN_INTERNAL.split(text) if part]


def _other_tags(block: str) -> list[tuple[str, str]]:
    """jieba's tags of the text between blocks: each white space (or \\r\\n) and each other
    character, x. jieba tests each character for m and the part for eng: neither can match
    here, the block pattern having taken every digit, Latin letter and full stop."""
    tags: list[tuple[str, str]] = []
    for i, part in enumerate(RE_SKIP_INTERNAL.split(block)):  # odd pieces: white space
        if i % 2:
            tags.append((part, "x"))
        else:
            tags += [(char, "x") for char in part]
    return tags


def _block_tags(block: str, words: Dictionary) -> list[tuple[str, str]]:
    """jieba's __cut_DAG: the likeliest words; runs of single characters not themselves a word
    of the dictionary go to the HMM (__cut_detail)."""
    ends, keys = _route(block, words)
    tags: list[tuple[str, str]] = []
    size, start, run = len(block), 0, 0  # run: where the run of single characters starts
    while start < size:
        end = ends[start] + 1
        if end - start > 1:
            if run < start:
                tags += _run_tags(block[run:start], words)
            tags.append((block[start:end], words.tags[words.tag_index[keys[start]]]))
            run = end
        start = end
    if run < size:
        tags += _run_tags(block[run:], words)
    return tags


def _route(block: str, words: Dictionary) -> tuple[list[int], list[int | None]]:
    """jieba's get_DAG and calc in one backward pass: where the likeliest segmentation's word
    starting at each character ends, and its key. A word is in the DAG when its frequency is
    not 0; ties go to the longer word, as jieba's max over (score, end). jieba's walk through
    the dictionary (the next longer string while the last is a key), its first two steps kept."""
    size = len(block)
    score: list[float] = [0] * (size + 1)  # jieba's route[N] = (0, 0)
    ends, keys = list(range(size)), [None] * size
    weight, frequency, unknown, get = words.weight, words.frequency, words.unknown, words.words.get
    heads = words.heads
    for start in range(size - 1, -1, -1):
        head = block[start : start + 2]
        found, more = heads.get(head) or words.starting(head)
        best = None
        for length, here, k in found:
            here += score[start + length]
            if best is None or here >= best:
                best, end, key = here, start + length, k
        after = start + 3
        while more and after <= size:
            k = get(block[start:after])
            more = k is not None
            if more and frequency[k]:
                here = weight[k] + score[after]
                if best is None or here >= best:
                    best, end, key = here, after, k
            after += 1
        if best is None:
            score[start] = unknown + score[start + 1]
        else:
            score[start], ends[start], keys[start] = best, end - 1, key
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
    """jieba's __cut: the words and tags of the HMM's likeliest states, cached by the run (the
    runs, 年的, 将比, 万人, recur across texts)."""
    _, states = _viterbi(chars, _model())
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


class Hmm(NamedTuple):
    """jieba.posseg's HMM with its states numbered in their order, so that a state set is a bit
    mask and jieba's ties, which go to the greatest state, go to the highest bit."""

    states: tuple[tuple[str, str], ...]  # each number's state
    start: list[float]
    emit: list[dict[str, float]]
    into: list[list[float | None]]  # into[y][x]: the log probability of going from x to y
    sources: list[int]  # the states with a transition to each
    successors: list[int]  # the states each has a transition to
    moving: int  # the states with any transition (jieba's prev_states keep only those)
    char_states: dict[str, tuple]  # jieba's char_state_tab_P
    every: int  # all states, for a character char_state_tab_P lacks
    number: dict[tuple[str, str], int]  # each state's number
    masks: dict[str, int]  # each character's states, found as needed (_char_mask), one a character
    expected: dict[int, int]  # each state set's successors, found as needed (_expected)


EXPECTED_KEPT = 1 << 14  # state sets whose successors _expected keeps (326 on the corpus)


def model(char_states: dict, start_p: dict, trans_p: dict, emit_p: dict) -> Hmm:
    """The numbered HMM of jieba.posseg's tables."""
    states = tuple(sorted(trans_p))
    number = {state: i for i, state in enumerate(states)}
    into: list[list[float | None]] = [[None] * len(states) for _ in states]
    sources, successors = [0] * len(states), [0] * len(states)
    for x, following in trans_p.items():
        for y, probability in following.items():
            into[number[y]][number[x]] = probability
            sources[number[y]] |= 1 << number[x]
            successors[number[x]] |= 1 << number[y]
    return Hmm(
        states,
        [start_p[state] for state in states],
        [emit_p[state] for state in states],
        into,
        sources,
        successors,
        sum(1 << number[x] for x, following in trans_p.items() if following),
        char_states,
        (1 << len(states)) - 1,
        number,
        {},
        {},
    )


@cache
def _model() -> Hmm:
    """The tagger's numbered HMM, made once (a millisecond)."""
    return model(*load().hmm)


def _bits(mask: int) -> list[int]:
    """The numbers of a state set, highest first."""
    found = []
    while mask:
        bit = mask.bit_length() - 1
        found.append(bit)
        mask ^= 1 << bit
    return found


MIN_FLOAT = -3.14e100  # jieba.posseg.viterbi's


def _viterbi(obs: str, hmm: Hmm) -> tuple[float, list[tuple[str, str]]]:
    """jieba.posseg.viterbi's path and probability, the same sums in the same order, but each
    state's best predecessor sought only among the states that can precede it: jieba's others
    add its -inf, and every sum is finite (jieba's floor is -3.14e100). Ties go to the greatest
    state, as jieba's max over (probability, state)."""
    emit, into, sources = hmm.emit, hmm.into, hmm.sources
    keys = _char_mask(hmm, obs[0])
    last = {y: hmm.start[y] + emit[y].get(obs[0], MIN_FLOAT) for y in _bits(keys)}
    path: list[dict[int, int]] = []
    for char in obs[1:]:
        prev = keys & hmm.moving
        if not prev:
            raise ValueError("no state to go on from")  # jieba's max() of nothing
        expect = _expected(hmm, prev)
        keys = _char_mask(hmm, char) & expect or expect
        here, came = {}, {}
        for y in _bits(keys):
            emitted, to_y, best = emit[y].get(char, MIN_FLOAT), into[y], None
            rest = sources[y] & prev
            while rest:  # highest first: a tie keeps the greater (_bits, inline)
                x = rest.bit_length() - 1
                rest ^= 1 << x
                probability = last[x] + to_y[x] + emitted
                if best is None or probability > best:
                    best, state = probability, x
            here[y], came[y] = best, state
        last = here
        path.append(came)
    prob = None
    for y in _bits(keys):
        if prob is None or last[y] > prob:
            prob, state = last[y], y
    route = [state] * len(obs)
    for i in range(len(obs) - 1, 0, -1):
        route[i - 1] = state = path[i - 1][state]
    return prob, [hmm.states[i] for i in route]


def _char_mask(hmm: Hmm, char: str) -> int:
    """The states jieba lets a character take: char_state_tab_P's, else all (kept by character)."""
    mask = hmm.masks.get(char)
    if mask is None:
        states = hmm.char_states.get(char)
        mask = hmm.every if states is None else sum(1 << hmm.number[s] for s in states)
        hmm.masks[char] = mask
    return mask


def _expected(hmm: Hmm, prev: int) -> int:
    """The states those of `prev` have a transition to (jieba's prev_states_expect_next), kept
    by `prev`."""
    found = hmm.expected.get(prev)
    if found is None:
        found = 0
        for x in _bits(prev):
            found |= hmm.successors[x]
        if len(hmm.expected) >= EXPECTED_KEPT:  # random text has many: keep memory bounded
            hmm.expected.clear()
        hmm.expected[prev] = found
    return found
