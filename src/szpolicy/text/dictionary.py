"""jieba's dictionary and tagger tables, stored once per jieba version in a per-user cache in a
form that loads in milliseconds: jieba's own loading, paid once here to build the store, takes
a second at each start (its 5 MB dictionary file parsed for the tags, its 9 MB cache read)."""

from __future__ import annotations

import logging
import marshal
import math
import os
import tempfile
import warnings
from array import array
from collections.abc import Iterator, Mapping
from contextlib import suppress
from functools import cache
from importlib.metadata import version
from pathlib import Path
from types import ModuleType
from typing import Any

import marisa_trie

FORMAT = 1  # of the stored file: raise it when its layout changes
CACHE_ENV = "SZPOLICY_CACHE"  # a folder for the store, instead of the user's cache folder


Heads = tuple[tuple[tuple[int, float, int], ...], bool]  # Dictionary.starting's
HEADS_KEPT = 1 << 15  # pairs of characters a Dictionary keeps (12,000, 4 MB, on the corpus)


class Dictionary(Mapping[str, int]):
    """jieba's words and their prefixes (at 0), as in jieba's FREQ, with each one's weight in
    the segmentation, log(frequency or 1) - log(total), and its part-of-speech tag; and the
    tagger's HMM tables (char_state_tab_P, start_P, trans_P, emit_P)."""

    def __init__(
        self,
        words: marisa_trie.Trie,
        frequency: array,
        weight: array,
        tag_index: bytes,
        tags: tuple[str, ...],
        total: int,
        longest: int,
        hmm: tuple[dict, dict, dict, dict],
    ) -> None:
        self.words, self.frequency, self.weight = words, frequency, weight
        self.tag_index, self.tags, self.total, self.longest = tag_index, tags, total, longest
        self.hmm = hmm
        self.unknown = math.log(1) - math.log(total)  # the weight of a character jieba lacks
        self.heads: dict[str, Heads] = {}  # starting's, kept (most pairs of characters recur)

    def __getitem__(self, word: str) -> int:
        return self.frequency[self.words[word]]

    def __iter__(self) -> Iterator[str]:
        return iter(self.words)

    def __len__(self) -> int:
        return len(self.words)

    def get(self, word: str, default: int | None = None) -> int | None:
        """The word's frequency (0 for a prefix of a word only), else `default` (no KeyError)."""
        key = self.words.get(word)
        return default if key is None else self.frequency[key]

    def starting(self, head: str) -> Heads:
        """The first steps of jieba's walk through its dictionary at a character, kept in heads:
        the words of frequency not 0 among `head` (one or two characters) and its first
        character, as (length, weight, key), and whether longer words may start with it (it is
        a key of two characters)."""
        get, frequency, weight = self.words.get, self.frequency, self.weight
        found: tuple[tuple[int, float, int], ...] = ()
        key = get(head[0])
        if key is not None and frequency[key]:
            found = ((1, weight[key], key),)
        key = get(head) if key is not None and len(head) == 2 else None
        if key is not None and frequency[key]:
            found += ((2, weight[key], key),)
        entry = (found, key is not None)
        if len(self.heads) >= HEADS_KEPT:  # keep memory bounded
            self.heads.clear()
        self.heads[head] = entry
        return entry

    def tag(self, word: str) -> str:
        """The word's part-of-speech tag, x when it has none (as jieba.posseg)."""
        key = self.words.get(word)
        return "x" if key is None else self.tags[self.tag_index[key]]


@cache
def load() -> Dictionary:
    """The store for the installed jieba: read from the cache, or built from jieba and saved."""
    path = store_path()
    stored = read(path)
    return save(build(), path) if stored is None else stored


def store_path() -> Path:
    """Where the store for the installed jieba is kept."""
    return cache_folder() / f"jieba-{version('jieba')}.v{FORMAT}.dict"


def cache_folder() -> Path:
    """$SZPOLICY_CACHE, else the user's cache folder ($XDG_CACHE_HOME or ~/.cache), else (when
    that one cannot be written) a folder of this user's own in the temporary folder."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    try:
        folder = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "szpolicy"
        folder.mkdir(parents=True, exist_ok=True)
        if os.access(folder, os.W_OK):
            return folder
    except (OSError, RuntimeError):  # RuntimeError: no home folder
        pass
    return Path(tempfile.gettempdir()) / f"szpolicy-cache-{os.getuid()}"


def read(path: Path) -> Dictionary | None:
    """The store saved at `path`, or None when it is missing, of another jieba or format, or
    damaged (then it is built again)."""
    try:
        # The user's own cache, written by save (as jieba's own cache); marshal.load would read
        # the file piece by piece, five times slower than loads.
        stored = marshal.loads(path.read_bytes())  # noqa: S302
        form, jieba_version, trie, frequency, weight, tag_index, *rest = stored
        if (form, jieba_version) != (FORMAT, version("jieba")):
            return None
        words = marisa_trie.Trie().frombytes(trie)
        frequencies, weights = array("q"), array("d")
        frequencies.frombytes(frequency)
        weights.frombytes(weight)
        if not len(words) == len(frequencies) == len(weights) == len(tag_index):
            return None
        return Dictionary(words, frequencies, weights, tag_index, *rest)
    except (OSError, EOFError, ValueError, TypeError, RuntimeError):  # RuntimeError: marisa's
        return None


def save(dictionary: Dictionary, path: Path) -> Dictionary:
    """Write the store to `path` atomically (parallel builds may write it at once); when it
    cannot be written, the next run builds it again."""
    stored = (
        FORMAT,
        version("jieba"),
        dictionary.words.tobytes(),
        dictionary.frequency.tobytes(),
        dictionary.weight.tobytes(),
        dictionary.tag_index,
        dictionary.tags,
        dictionary.total,
        dictionary.longest,
        dictionary.hmm,
    )
    with suppress(OSError):  # not writable: the next run builds the store again
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)  # no other user writes it
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=path.name)
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(marshal.dumps(stored))
            os.replace(temporary, path)
        finally:
            Path(temporary).unlink(missing_ok=True)  # there only when the writing failed
    return dictionary


def build() -> Dictionary:
    """The store, from jieba's own loading of its dictionary and tagger."""
    posseg = jieba_tagger()
    return from_tagger(
        posseg.dt, (posseg.char_state_tab_P, posseg.start_P, posseg.trans_P, posseg.emit_P)
    )


def from_tagger(tagger: Any, hmm: tuple[dict, dict, dict, dict]) -> Dictionary:
    """The store of a jieba.posseg.POSTokenizer's dictionary and tags, with the HMM tables."""
    tagger.tokenizer.check_initialized()
    freq, total = tagger.tokenizer.FREQ, tagger.tokenizer.total
    words = marisa_trie.Trie(freq)
    keys = sorted((key, word) for word, key in words.iteritems())
    frequency = array("q", (freq[word] for _, word in keys))
    log_total = math.log(total)
    weight = array("d", (math.log(f or 1) - log_total for f in frequency))  # as jieba's calc
    word_tags = tagger.word_tag_tab
    tags = ("x", *sorted(set(word_tags.values()) - {"x"}))
    index = {tag: i for i, tag in enumerate(tags)}
    tag_index = bytes(index[word_tags.get(word, "x")] for _, word in keys)
    longest = max(map(len, freq), default=1)
    return Dictionary(words, frequency, weight, tag_index, tags, total, longest, hmm)


def jieba_tagger() -> ModuleType:
    """jieba.posseg with jieba's dictionary loaded, quietly (jieba logs its loading and imports
    the deprecated pkg_resources)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import jieba
        import jieba.posseg

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba.posseg
