"""The tagger (text/segment.py) gives jieba.posseg's own words and tags, its Viterbi jieba's
path and probability, over the store of jieba's data (text/dictionary.py), which is rebuilt
when missing, of another version or damaged."""

from __future__ import annotations

import marshal
import os
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from szpolicy.io import paths
from szpolicy.text import dictionary, segment
from szpolicy.text.segment import (
    RE_HAN_INTERNAL,
    _block_tags,
    _viterbi,
    model,
    parts,
    pos_tags,
    word_frequencies,
)

pytestmark = pytest.mark.heavy  # run early: see conftest.py

REPORTS = sorted((paths.RAW / "national_gwr").glob("*.txt"))
SEED = sorted(paths.RAW.glob("000_*.txt"))
CLAUSE_END = re.compile(r"[，。；：！？、\n]")


@pytest.fixture(scope="module")
def posseg():
    """jieba.posseg itself, its dictionary loaded."""
    return dictionary.jieba_tagger()


@pytest.fixture(scope="module")
def hmm(posseg):
    """jieba's HMM tables and its own Viterbi."""
    from jieba.posseg.viterbi import viterbi

    tables = (posseg.char_state_tab_P, posseg.start_P, posseg.trans_P, posseg.emit_P)
    return tables, viterbi


def jieba_tags(posseg, text: str) -> tuple[tuple[str, str], ...]:
    return tuple((pair.word, pair.flag) for pair in posseg.cut(text))


def runs() -> list[str]:
    """Runs of Han characters from the national reports (3 to 12 long, as the tagger gets
    them), and random strings of known and unknown characters, which reach every branch."""
    text = "".join(p.read_text("utf-8") for p in REPORTS)
    han = re.findall("[\u4e00-\u9fff]{3,12}", text)
    rng = random.Random(19)
    found = rng.sample(han, 300)
    chars = sorted(set(text) - set("\n")) + ["\uf8ff", "a", "1"]
    found += ["".join(rng.choices(chars, k=rng.randint(1, 10))) for _ in range(300)]
    return found


@pytest.fixture(scope="module")
def viterbi_cases(hmm) -> tuple[list[str], list]:
    """The strings of `runs()` and jieba's own Viterbi of each (about 1 s, so computed once)."""
    tables, viterbi = hmm
    strings = runs()
    return strings, [viterbi(s, *tables) for s in strings]


@pytest.mark.parametrize("kept", [segment.EXPECTED_KEPT, 3], ids=["memo", "memo cleared"])
def test_the_viterbi_gives_jiebas_path_and_probability(
    hmm, viterbi_cases, monkeypatch, kept: int
) -> None:
    monkeypatch.setattr(segment, "EXPECTED_KEPT", kept)
    numbered = model(*hmm[0])
    strings, expected = viterbi_cases
    assert [_viterbi(s, numbered) for s in strings] == expected
    assert 0 < len(numbered.expected) <= kept


@pytest.mark.parametrize(
    ("report", "step"),
    # Every clause of reports of three decades; every third of the seed and every tenth of the
    # 1954 report, both in traditional characters (most of them missing from jieba's
    # dictionary, so the HMM tags them: jieba takes 10-20 s over all clauses of either).
    [(p, 1) for p in REPORTS[13::13]] + [(p, 3) for p in SEED] + [(REPORTS[0], 10)],
    ids=lambda value: getattr(value, "stem", str(value)),
)
def test_the_tags_are_jiebas_on_each_clause_of_a_report(posseg, report: Path, step: int) -> None:
    clauses = [c for c in CLAUSE_END.split(report.read_text("utf-8")) if c][::step]
    assert len(clauses) > 50
    assert [pos_tags(c) for c in clauses] == [jieba_tags(posseg, c) for c in clauses]


def test_the_tags_are_jiebas_when_the_kept_lookups_are_dropped(posseg, monkeypatch) -> None:
    monkeypatch.setattr(dictionary, "HEADS_KEPT", 2)
    dictionary.load()  # the store is saved
    words = dictionary.read(dictionary.store_path())
    text = REPORTS[-1].read_text("utf-8")
    blocks = [b for b in RE_HAN_INTERNAL.findall(text) if len(b) > 1][::5]
    assert len(blocks) > 100
    assert [_block_tags(b, words) for b in blocks] == [list(jieba_tags(posseg, b)) for b in blocks]
    assert 0 < len(words.heads) <= 2


def test_the_tags_are_jiebas_on_a_whole_report(posseg) -> None:
    text = REPORTS[-1].read_text("utf-8")
    assert pos_tags(text) == jieba_tags(posseg, text)


# Han characters common and rare (beyond jieba's U+9FD5 too), digits, Latin, the marks jieba
# keeps inside a block (+#&._), full-width forms, punctuation and white space.
CHARS = (
    "中华人民共和国国务院政府工作报告经济增长发展年的将比万亿元人左右百分之点美英俄"
    "龘鱻\u9fd6\u9fef\u3400"
    "0123456789.abcxyzABCXYZ+#&_-%"
    "０１２３ＡＢＣａｂｃ．％＋"
    "，。、；：！？“”（）《》"
    " \t\r\n\u3000\xa0"
)


@settings(max_examples=400, deadline=None)
@given(st.text(st.sampled_from(CHARS), max_size=40))
def test_the_tags_are_jiebas_on_any_mix_of_scripts(posseg, text: str) -> None:
    assert pos_tags(text) == jieba_tags(posseg, text)


def _tagged_by_parts(text: str) -> tuple[tuple[str, str], ...]:
    assert "".join(parts(text)) == text
    return tuple(tag for part in parts(text) for tag in pos_tags(part))


def test_a_texts_tags_are_its_parts_tags_on_a_report() -> None:
    """Each part of a text (a block, the text between blocks) is tagged on its own: a caller may
    tag only the parts at one end of a text (every clause of a report)."""
    clauses = [c for c in CLAUSE_END.split(REPORTS[-1].read_text("utf-8")) if c]
    assert sum(len(parts(c)) > 1 for c in clauses) > 50
    assert [_tagged_by_parts(c) for c in clauses] == [pos_tags(c) for c in clauses]


@settings(max_examples=400, deadline=None)
@given(st.text(st.sampled_from(CHARS), max_size=40))
def test_a_texts_tags_are_its_parts_tags_on_any_mix_of_scripts(text: str) -> None:
    assert _tagged_by_parts(text) == pos_tags(text)


def test_the_frequencies_are_jiebas_for_words_prefixes_and_others(posseg) -> None:
    freq = posseg.dt.tokenizer.FREQ
    ours = word_frequencies()
    assert len(ours) == len(freq)
    assert [ours.get(w) for w in freq] == list(freq.values())
    assert 0 in freq.values() and ours.get("中华人民共") == freq["中华人民共"] == 0
    others = ["", "中华人民共和国万岁", "abc", "\u3400\u3400", "资本市场x"]
    assert [ours.get(w) for w in others] == [freq.get(w) for w in others]


# 中国人 is listed at 0; 中国|人 and 中|国人 tie (jieba takes the longer first word).
TINY_DICTIONARY = """中国 100 ns
中国人 0 n
国人 100 n
中 7 f
人 7 n
人民 50 n
国 20 n
好的 7 a
的 0 uj
民 5 ng
"""


@settings(max_examples=300, deadline=None)
@given(st.text(st.sampled_from("中国人民好的"), min_size=1, max_size=12))
@example("中国人")
def test_a_word_listed_at_frequency_zero_is_no_word_of_the_segmentation(tiny, text) -> None:
    tagger, store = tiny
    assert _block_tags(text, store) == [(p.word, p.flag) for p in tagger.cut(text)]


@pytest.fixture(scope="module")
def tiny(posseg, tmp_path_factory):
    """A jieba tagger over a small dictionary listing words at frequency 0, and its store."""
    import jieba

    folder = tmp_path_factory.mktemp("tiny")
    (folder / "dict.txt").write_text(TINY_DICTIONARY, "utf-8")
    tokenizer = jieba.Tokenizer(str(folder / "dict.txt"))
    tokenizer.tmp_dir = str(folder)
    tagger = posseg.POSTokenizer(tokenizer)
    hmm = (posseg.char_state_tab_P, posseg.start_P, posseg.trans_P, posseg.emit_P)
    store = dictionary.from_tagger(tagger, hmm)
    assert store.get("中国人") == 0 and store.tag("中国人") == "n"
    return tagger, store


def stored_fields() -> list:
    """The fields of the saved store of the installed jieba (load saves it when missing)."""
    dictionary.load()
    return list(marshal.loads(dictionary.store_path().read_bytes()))


def damaged(fields: list) -> dict[str, bytes]:
    """The saved store's bytes spoiled in each way a cache file can be."""
    whole = marshal.dumps(tuple(fields))
    return {
        "truncated": whole[: len(whole) // 2],
        "empty": b"",
        "garbage": bytes(range(256)) * 10,
        "other jieba": marshal.dumps((fields[0], "0.0", *fields[2:])),
        "other format": marshal.dumps((fields[0] + 1, *fields[1:])),
        "short table": marshal.dumps((*fields[:3], fields[3][:-8], *fields[4:])),
        "spoilt trie": marshal.dumps((*fields[:2], fields[2][::-1], *fields[3:])),
        "few fields": marshal.dumps(tuple(fields[:4])),
        "no tuple": marshal.dumps({"a": 1}),
    }


def test_a_damaged_or_foreign_store_is_not_read(tmp_path) -> None:
    fields = stored_fields()
    good = tmp_path / "good.dict"
    good.write_bytes(marshal.dumps(tuple(fields)))
    assert dictionary.read(good) is not None
    assert dictionary.read(tmp_path / "missing.dict") is None
    for name, spoilt in damaged(fields).items():
        (tmp_path / "bad.dict").write_bytes(spoilt)
        assert dictionary.read(tmp_path / "bad.dict") is None, name


@pytest.fixture
def empty_cache(tmp_path, monkeypatch):
    """A fresh cache folder, and no store loaded in this process (again after the test)."""
    monkeypatch.setenv(dictionary.CACHE_ENV, str(tmp_path))
    dictionary.load.cache_clear()
    yield tmp_path
    dictionary.load.cache_clear()


@pytest.fixture(scope="module")
def store() -> dictionary.Dictionary:
    """The user's store (built here when missing)."""
    return dictionary.load()


def same(one: dictionary.Dictionary, other: dictionary.Dictionary) -> bool:
    return (one.words.tobytes(), one.frequency, one.weight, one.tag_index, one.hmm) == (
        other.words.tobytes(),
        other.frequency,
        other.weight,
        other.tag_index,
        other.hmm,
    )


def test_the_store_is_built_when_missing_and_again_when_damaged(store, empty_cache) -> None:
    path = dictionary.store_path()
    assert path.parent == empty_cache and not path.exists()
    assert same(dictionary.load(), store) and path.exists()
    path.write_bytes(b"not a store")
    dictionary.load.cache_clear()
    assert same(dictionary.load(), store)
    assert same(dictionary.read(path), store)


def test_a_store_that_cannot_be_written_is_still_used(store, tmp_path) -> None:
    (tmp_path / "file").write_text("a file, not a folder")
    assert dictionary.save(store, tmp_path / "file" / "store.dict") is store
    assert [p.name for p in tmp_path.iterdir()] == ["file"]


def test_a_stored_build_does_not_import_jieba() -> None:
    word_frequencies()  # the store is saved
    code = (
        "import sys; from szpolicy.text.segment import pos_tags; "
        "print(pos_tags('国务院总理李强作政府工作报告，2024年增长5.2%'), 'jieba' in sys.modules)"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(dictionary.__file__).parents[2])}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    assert out.stdout.split()[-1] == "False" and "('国务院', 'nt')" in out.stdout
