"""Which texts OpenCC's hk2s conversion leaves as they are, known without converting them.

OpenCC converts a text by dictionary entries, each matched whole; an entry changes only the
characters where its value differs from its key. A text holding none of those characters, of
any entry of any dictionary the conversion reads, matches no entry that changes anything, so it
converts to itself. Most sentences of a Simplified report are such texts; converting only the
others takes a fifth of the time. The characters are listed in CHANGING (made by
scripts/make_hk2s_changing.py from the installed OpenCC's dictionaries) for the OpenCC version
named there; under any other version every text is converted.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
from collections.abc import Iterable, Iterator
from functools import cache
from importlib import resources
from pathlib import Path

import numpy as np
import opencc

CHANGING = "hk2s_changing.txt"  # beside this module: a table of OpenCC, not a rule file
HEADER = "# OpenCC "  # the first line names the version the characters were read from
OPENCC_DICT = Path(opencc.__file__).parent / "clib" / "bin" / "opencc_dict"


@cache
def _changing() -> np.ndarray | None:
    """Per code point whether hk2s may change it in some text, or None when CHANGING was made
    for another OpenCC version than the one installed."""
    lines = resources.files(__package__).joinpath(CHANGING).read_text("utf-8").splitlines()
    if lines[0] != HEADER + getattr(opencc, "__version__", "(unknown)"):
        return None
    flags = np.zeros(0x110000, dtype=bool)
    flags[[ord(c) for line in lines[1:] if not line.startswith("#") for c in line]] = True
    return flags


def unchanged(texts: list[str]) -> np.ndarray:
    """Per text whether hk2s leaves it as it is (False also where it may not, or where the
    installed OpenCC is not the one CHANGING describes)."""
    flags = _changing()
    if flags is None:
        return np.zeros(len(texts), dtype=bool)
    codes = np.frombuffer("".join(texts).encode("utf-32-le"), dtype="<u4")
    ends = np.cumsum(np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)))
    out = np.ones(len(texts), dtype=bool)
    out[np.searchsorted(ends, np.flatnonzero(flags.take(codes)), side="right")] = False
    return out


def changing_characters(entries: Iterable[tuple[str, str]]) -> set[str]:
    """The characters where an entry's value (key, value) differs from its key: all of the key
    when they differ in length."""
    found: set[str] = set()
    for key, value in entries:
        if len(key) != len(value):
            found.update(key)
        else:
            found.update(k for k, v in zip(key, value, strict=True) if k != v)
    return found


def dictionary_entries(config: str) -> Iterator[tuple[str, str]]:
    """Every (key, value OpenCC uses) of the dictionaries an OpenCC configuration reads, dumped
    as text by the opencc_dict tool that ships with OpenCC."""
    path = Path(opencc.OpenCC(config).config)
    files = sorted(set(_dictionary_files(json.loads(path.read_text("utf-8")))))
    with tempfile.TemporaryDirectory() as tmp:
        for name in files:
            out = Path(tmp) / f"{name}.txt"
            command = [OPENCC_DICT, "-i", path.parent / name, "-o", out, "-f", "ocd2", "-t", "text"]
            subprocess.run(command, check=True, capture_output=True)
            for line in out.read_text("utf-8").splitlines():
                key, values = line.split("\t")
                yield key, values.split(" ")[0]


def _dictionary_files(node: object) -> Iterator[str]:
    """The file of every dictionary named anywhere in a configuration."""
    if isinstance(node, dict):
        if "file" in node:
            yield node["file"]
        for value in node.values():
            yield from _dictionary_files(value)
    elif isinstance(node, list):
        for value in node:
            yield from _dictionary_files(value)
