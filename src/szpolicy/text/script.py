"""Chinese script detection and conversion, both through OpenCC."""

from __future__ import annotations

from functools import cache
from operator import ne

import numpy as np
import opencc

from .distinct import SENTENCES_CACHED, per_text
from .unchanged import unchanged

SCRIPTS = ("hant", "hans")  # Traditional and Simplified, as parameters name them
SCRIPT_KEYS = tuple(f"zh_{s}" for s in SCRIPTS)  # the same as keys of rule files (zh_hant, zh_hans)
TO_HANS = "hk2s"  # Hong Kong / Traditional -> Simplified; the codebook names this configuration
TO_HANT = "s2hk"
HANS_CHANGES = 1  # flag: converting the character to Simplified changes it
HANT_CHANGES = 2  # flag: converting the character to Traditional changes it
UNSEEN = 4
CLOSE_CALL = 64  # with 5% of the text: script leads within which whole texts are converted
# Flags of every code point, filled in the first time a character is met. ASCII is the same in
# both scripts, which also keeps the newline free to separate characters in `_learn`.
_changes = np.full(0x110000, UNSEEN, dtype=np.uint8)
_changes[:0x80] = 0


@cache
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


# Simplified renderings of texts met, for `to_hans`: emptied when SENTENCES_CACHED are kept.
_hans: dict[str, str] = {}
# Joins the texts that `_converted` converts in one OpenCC call: a control character that no
# dictionary entry holds, so each text converts as it would alone.
SEPARATOR = "\x1e"


def to_hans(text: str) -> str:
    """Simplified rendering of a text (OpenCC hk2s), cached: each stage folds every sentence."""
    hans = _hans.get(text)
    if hans is None:
        _keep([text], [hans := _converter(TO_HANS).convert(text)])
    return hans


def to_hans_all(texts: list[str]) -> list[str]:
    """`to_hans` of each text, the ones not yet cached converted together (`_converted`)."""
    new = [text for text in dict.fromkeys(texts) if text not in _hans]
    _keep(new, _converted(new))
    return [to_hans(text) for text in texts]


def _converted(texts: list[str]) -> list[str]:
    """hk2s of each text: those it leaves as they are (`unchanged`) kept, the others converted in
    one OpenCC call (a third faster than one call a text, which costs as much as the conversion
    itself), joined by SEPARATOR, or one by one when one of them holds it."""
    kept = unchanged(texts)
    todo = [text for text, same in zip(texts, kept, strict=True) if not same]
    converted = _converter(TO_HANS).convert(SEPARATOR.join(todo)).split(SEPARATOR) if todo else []
    if len(converted) != len(todo):
        converted = [_converter(TO_HANS).convert(text) for text in todo]
    done = iter(converted)
    return [text if same else next(done) for text, same in zip(texts, kept, strict=True)]


def _keep(texts: list[str], converted: list[str]) -> None:
    """Cache the conversions, first emptying the cache if they would overflow it."""
    if len(_hans) + len(texts) > SENTENCES_CACHED:
        _hans.clear()
    _hans.update(zip(texts, converted, strict=True))


def to_hant(text: str) -> str:
    """Traditional (Hong Kong) rendering of a text (OpenCC s2hk)."""
    return _converter(TO_HANT).convert(text)


def _learn(codes: np.ndarray) -> None:
    """Set the flags of these code points: one OpenCC call per direction, a character a line.

    No dictionary entry spans a newline, so each character converts as it would on its own.
    """
    chars = [chr(code) for code in codes.tolist()]
    joined = "\n".join(chars)
    hans = _converter(TO_HANS).convert(joined).split("\n")
    hant = _converter(TO_HANT).convert(joined).split("\n")
    _changes[codes] = [
        (h != c) * HANS_CHANGES | (t != c) * HANT_CHANGES
        for c, h, t in zip(chars, hans, hant, strict=True)
    ]


def _char_changes(text: str) -> np.ndarray:
    """HANS_CHANGES | HANT_CHANGES flags of each character of `text`, converted on its own.

    Each distinct character goes through OpenCC once per process, not the whole text per report.
    """
    codes = np.frombuffer(text.encode("utf-32-le"), dtype="<u4")
    unseen = np.unique(codes[_changes[codes] == UNSEEN])
    if unseen.size:
        _learn(unseen)
    return _changes[codes]


def detect_script(text: str) -> str:
    """`hant` or `hans`: whichever script changes fewer characters when converted to it.

    Characters are counted one by one, which differs from converting the text only where a phrase
    converts unlike its characters (乾隆, 皇后): a few in a report. A clear lead decides; a close
    count (a short or mixed text) is settled by converting the whole text.
    """
    changes = _char_changes(text)
    trad = np.count_nonzero(changes & HANS_CHANGES)
    simp = np.count_nonzero(changes & HANT_CHANGES)
    if abs(trad - simp) <= CLOSE_CALL + len(text) // 20:
        trad = sum(map(ne, text, _converter(TO_HANS).convert(text)))
        simp = sum(map(ne, text, to_hant(text)))
    return "hant" if trad > simp else "hans"


@per_text
def hans_aligned(text: str) -> str:
    """Simplified rendering with the same length, so offsets found in it index the original.

    Cached like `to_hans`: several stages fold every sentence.
    """
    folded = to_hans(text)
    if len(folded) == len(text):
        return folded
    return "".join(c if len(s := to_hans(c)) != 1 else s for c in text)
