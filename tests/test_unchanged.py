"""Texts that OpenCC's hk2s leaves as they are: the packaged list of changing characters is the
installed OpenCC's, every text it calls unchanged converts to itself, and to_hans agrees."""

from __future__ import annotations

from functools import cache

import opencc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from szpolicy.text import script, unchanged
from szpolicy.text.script import TO_HANS, to_hans_all
from szpolicy.text.unchanged import changing_characters, dictionary_entries

CONVERT = opencc.OpenCC(TO_HANS).convert


@cache
def entries() -> list[tuple[str, str]]:
    """The installed hk2s dictionaries' entries (dumped by OpenCC's tool: once a process)."""
    return list(dictionary_entries(TO_HANS))


def test_the_packaged_list_is_the_installed_dictionaries():
    flags = unchanged._changing()
    assert flags is not None, "hk2s_changing.txt names another OpenCC: rerun its script"
    assert {chr(c) for c in flags.nonzero()[0]} == changing_characters(entries())


def test_changing_characters_are_where_values_differ():
    entries = [("乾隆", "乾隆"), ("著手", "着手"), ("後", "后"), ("瞭望台", "了望")]
    assert changing_characters(entries) == {"著", "後", "瞭", "望", "台"}


def test_every_key_in_context_converts_as_unchanged_says():
    """Each dictionary key, alone and between characters that no entry changes, and with one
    character the conversion keeps: what `unchanged` keeps, OpenCC keeps too."""
    keys = [key for key, _ in entries()]
    texts = keys + [f"在{key}上" for key in keys] + ["的", "中华人民共和国", "", "abc 1,2"]
    kept = unchanged.unchanged(texts)
    assert all(CONVERT(t) == t for t, same in zip(texts, kept, strict=True) if same)
    assert not kept[: len(keys)].all()  # the keys that change are found


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(st.sampled_from("的是著手乾隆後面发發台臺覆了望瞭a,\n"), max_size=6)))
def test_to_hans_all_equals_converting_each(texts):
    script._hans.clear()  # nothing cached: every text goes through _converted
    assert to_hans_all(texts) == [CONVERT(t) for t in texts]


def test_another_opencc_version_converts_every_text(monkeypatch):
    monkeypatch.setattr(opencc, "__version__", "0.0.0")
    monkeypatch.setattr(unchanged, "_changing", unchanged._changing.__wrapped__)
    assert unchanged._changing() is None
    assert unchanged.unchanged(["的", "中华"]).tolist() == [False, False]
    script._hans.clear()
    assert to_hans_all(["的", "後面"]) == ["的", "后面"]


@pytest.mark.parametrize("texts", [[], [""], ["", "的", ""], ["後", "", "的"]])
def test_unchanged_of_empty_and_few_texts(texts):
    assert unchanged.unchanged(texts).tolist() == [CONVERT(t) == t for t in texts]
