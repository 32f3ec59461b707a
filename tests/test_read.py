"""Reading: encodings, script detection, and clear errors for what is not a text report."""

from __future__ import annotations

import hashlib
from operator import ne

import opencc
import pytest

from szpolicy.errors import SzpolicyError
from szpolicy.io.manifest import Entry, read_entry
from szpolicy.io.read import read_report
from szpolicy.text import script
from szpolicy.text.script import (
    HANS_CHANGES,
    HANT_CHANGES,
    SEPARATOR,
    TO_HANS,
    _char_changes,
    detect_script,
    to_hans,
    to_hans_all,
    to_hant,
)

from .conftest import SEED


def test_seed_is_utf8_traditional(seed):
    assert seed.encoding == "utf-8"
    assert seed.script == "hant"
    assert seed.text == SEED.read_bytes().decode("utf-8")


@pytest.mark.parametrize(
    ("encoding", "bom", "recorded"),
    [
        ("utf-8", b"\xef\xbb\xbf", "utf-8-sig"),
        ("utf-16-le", b"\xff\xfe", "utf-16-le"),
        ("utf-16-be", b"\xfe\xff", "utf-16-be"),
        ("utf-32-le", b"\xff\xfe\x00\x00", "utf-32-le"),
        ("utf-32-be", b"\x00\x00\xfe\xff", "utf-32-be"),
        ("gb18030", b"", "gb18030"),
        ("big5hkscs", b"", "big5hkscs"),
    ],
)
def test_encodings_decode_to_the_same_text(seed, write_report, encoding, bom, recorded):
    text = seed.text.replace("\n", "\r\n")
    doc = read_report(write_report(bom + text.encode(encoding)))
    assert doc.text == text  # BOM removed, CRLF kept
    assert doc.encoding == recorded
    assert doc.script == "hant"


def test_simplified_gb18030_is_hans(seed, write_report):
    doc = read_report(write_report(to_hans(seed.text).encode("gb18030")))
    assert (doc.encoding, doc.script) == ("gb18030", "hans")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty file"),
        (b" \n\t\r\n\xe3\x80\x80\n", "only whitespace"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "PNG image"),
        (b"PK\x03\x04rest", "ZIP archive"),
        (b"%PDF-1.7\n", "PDF document"),
        ("一、標題\n正文\x00。".encode(), "NUL byte"),
        ("一、標題\n".encode("utf-16-le"), "UTF-16 or UTF-32 without a byte-order mark"),
        ("一、標題\n".encode("utf-32-le"), "UTF-16 or UTF-32 without a byte-order mark"),
        ("これは日本語の報告書です。市民のための政策。\n".encode("shift_jis"), "Japanese text"),
        ("一、標題\n正文".encode() + b"\xff\xfe\xfd" + "。".encode(), "invalid UTF-8"),
        ("一、標題\n".encode() + "正文。".encode("gb18030"), "invalid UTF-8"),
        ("<html><body><p>一、標題</p></body></html>".encode(), "HTML markup"),
    ],
)
def test_bad_input_names_file_and_place(write_report, data, message):
    path = write_report(data)
    with pytest.raises(SzpolicyError) as err:
        read_report(path)
    assert message in str(err.value)
    assert str(path) in str(err.value)


def test_a_less_than_sign_in_prose_is_no_markup(write_report):
    doc = read_report(write_report("一、結果\n差異顯著（<p 0.05），樣本<div 3組。\n".encode()))
    assert "<p 0.05" in doc.text


def test_chinese_in_legacy_encodings_is_never_taken_for_japanese(seed, write_report):
    for text, encoding in ((to_hans(seed.text), "gb18030"), (seed.text, "big5hkscs")):
        assert read_report(write_report(text.encode(encoding))).encoding == encoding


def test_damaged_utf8_reports_line_and_byte(write_report):
    data = "第一行。\n第二行。\n".encode() + b"\xff" + "。".encode()
    with pytest.raises(SzpolicyError) as err:
        read_report(write_report(data))
    assert err.value.line == 3
    assert err.value.byte == data.index(b"\xff")


def test_oversized_file_is_refused(write_report, monkeypatch):
    monkeypatch.setattr("szpolicy.io.read.MAX_BYTES", 100)
    with pytest.raises(SzpolicyError, match="over the 100-byte limit"):
        read_report(write_report("一、標題\n" + "正文。" * 50))


def _script_by_converting(text: str) -> str:
    """The script rule applied to the whole text, as OpenCC converts it in context."""
    trad = sum(map(ne, text, to_hans(text)))
    simp = sum(map(ne, text, to_hant(text)))
    return "hant" if trad > simp else "hans"


def test_character_flags_match_converting_each_character():
    text = "發发乾干後后臺台著着a1\n。「」𠀀𪚥"
    expected = [(to_hans(c) != c) * HANS_CHANGES | (to_hant(c) != c) * HANT_CHANGES for c in text]
    assert _char_changes(text).tolist() == expected


@pytest.mark.parametrize("odd", ["", f"乾{SEPARATOR}隆"])
def test_converting_texts_together_equals_converting_each(seed, monkeypatch, odd):
    """Phrases that convert unlike their characters (乾隆), texts with line breaks, repeats and
    (then each converts alone) a text holding the separator come out as converted one by one."""
    monkeypatch.setattr(script, "_hans", {})  # nothing cached: all converted together
    lines = seed.text.split("\n")
    texts = [*lines, "乾隆", "乾", "隆", "後\n面", "\n".join(lines[:5]), "", lines[3], odd]
    alone = opencc.OpenCC(TO_HANS)
    assert to_hans_all(texts) == [alone.convert(t) for t in texts]
    assert [to_hans(t) for t in texts] == [alone.convert(t) for t in texts]


def test_script_agrees_with_converting_mixed_and_short_texts(seed):
    hans = to_hans(seed.text)
    texts = [seed.text, hans, "乾隆", "後面", "头发", "", "abc"]
    texts += [seed.text[:cut] + hans[cut:] for cut in range(0, len(hans), len(hans) // 20)]
    texts += [hans[:cut] + seed.text[cut:] for cut in range(0, len(hans), len(hans) // 20)]
    assert [detect_script(t) for t in texts] == [_script_by_converting(t) for t in texts]


def test_a_manifest_entry_is_read_once_checked_then_decoded(write_report):
    path = write_report("一、標題\n正文。\n")
    data = path.read_bytes()
    doc = read_entry(Entry(path, "r", hashlib.sha256(data).hexdigest()))
    assert (doc.report_id, doc.text, doc.n_bytes) == ("r", data.decode("utf-8"), len(data))
    assert doc == read_report(path, "r")
    path.write_bytes(b"\xff\xfe\x00bad")  # changed, and no longer text: the hash is the error
    with pytest.raises(SzpolicyError, match="does not match the manifest"):
        read_entry(Entry(path, "r", hashlib.sha256(data).hexdigest()))
