"""Digitisation comparison: hits and their use, per-agency scores, stability and evidence."""

from __future__ import annotations

from dataclasses import replace
from functools import partial
from pathlib import Path

import opencc
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from szpolicy import schema
from szpolicy.analysis.digitisation import (
    COUNTS,
    SCORE_COLUMNS,
    evidence,
    score_agencies,
    score_panel,
    sensitivity,
    sentence_counts,
    with_families,
)
from szpolicy.errors import SzpolicyError
from szpolicy.stages import matcher
from szpolicy.stages.lexicon import load_lexicon
from szpolicy.stages.matcher import lexicon_hits
from szpolicy.text.distinct import where_found

from .conftest import sentence_rows

SEED = Path(__file__).resolve().parents[1] / "data" / "raw" / "000_90487d465f63e9bb.txt"
# Lead agency per section of the seed, written by hand for this test (section 8 names none).
LEADS = {
    1: "npc",
    2: "npc",
    3: "npc",
    4: "cppcc",
    5: "cppcc",
    6: "court",
    7: "procuratorate",
    9: "justice",
    10: "veterans",
    11: "arbitration",
    12: "unions",
    13: "youth",
    14: "women",
    15: "commerce",
}
HK2S = opencc.OpenCC("hk2s")
FULL = load_lexicon("digitisation_lexicon")


def build(text: str, report_id: str = "seed") -> tuple[pd.DataFrame, pd.DataFrame]:
    """Sentences and sections cut by the real structure stage, with the hand-written leads."""
    sentences = sentence_rows(text, report_id)
    sections = sentences[sentences["role"] == "heading"][["report_id", "part", "section_no"]]
    sections = sections.assign(lead_agency_id=sections["section_no"].map(LEADS))
    return sentences, sections.reset_index(drop=True)


def gazetteer(ids) -> pd.DataFrame:
    ids = sorted(ids)
    return pd.DataFrame(
        {
            "agency_id": ids,
            "name_zh_hant": [f"機構{i}" for i in ids],
            "name_zh_hans": [f"机构{i}" for i in ids],
            "name_en": [f"Agency {i}" for i in ids],
        }
    )


def one_sentence(text: str) -> pd.DataFrame:
    return pd.DataFrame(
        [dict(report_id="t", part=1, section_no=1, sentence_no=1, text=text, char_start=100)]
    )


@pytest.fixture(scope="module")
def text() -> str:
    return SEED.read_text("utf-8")


@pytest.fixture(scope="module")
def seed(text: str):
    sentences, sections = build(text)
    hits = lexicon_hits(sentences, FULL)
    return sentences, sections, hits, gazetteer(set(LEADS.values()))


@pytest.fixture(scope="module")
def scores(seed) -> pd.DataFrame:
    return score_agencies(*seed, n_boot=200, seed=1).set_index("agency_id")


def test_hits_point_at_their_surface_in_the_report_without_overlaps(seed, text) -> None:
    hits = seed[2]
    assert list(hits.columns) == schema.columns("digitisation_hits")
    assert all(text[r.char_start : r.char_end] == r.surface for r in hits.itertuples())
    assert (hits["char_start"].iloc[1:].to_numpy() >= hits["char_end"].iloc[:-1].to_numpy()).all()
    assert set(hits["use"]) == {"tool", "subject"}
    assert (hits["lexicon_version"] == FULL.version).all()


def test_ai_industry_law_enforcement_inspection_is_a_policy_subject(seed) -> None:
    hits = seed[2]
    inspection = hits[hits["section_no"] == 2]
    assert len(inspection) >= 5
    assert set(inspection["use"]) == {"subject"}
    assert set(inspection["term"]) >= {"人工智能"}


def test_tools_and_subjects_are_counted_apart(scores) -> None:
    """Mechanics, not a ranking: the legislature's AI hits name a law, so none is a tool."""
    legislature = scores.loc["npc"]
    assert legislature["n_hits_tool"] == 0 and legislature["n_hits_subject"] >= 5
    assert (scores["n_hits"] == scores["n_hits_tool"]).all()  # use="tool" scores tools only


def test_the_simplified_report_gives_the_same_hits(seed) -> None:
    sentences = seed[0].assign(text=seed[0]["text"].map(HK2S.convert))
    simplified = lexicon_hits(sentences, FULL)
    keys = ["sentence_no", "category", "term", "use", "char_start"]
    pd.testing.assert_frame_equal(simplified[keys], seed[2][keys])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("市局建成全市大數據平台。", [("大數據", "tool")]),
        ("市局打造智慧系统。", [("智慧系統", "tool")]),
        ("促進大數據產業發展。", [("大數據", "subject")]),
        ("審議《數據條例》。", [("數據", "subject")]),
        ("大力發展人工智能。", [("人工智能", "subject")]),
        ("開通12355熱線。", [("12355熱線", "tool")]),
        ("在線下12345服務站辦理。", []),
        ("推出手機app和小程序。", [("APP", "tool"), ("小程序", "tool")]),
        ("SCIAPP 與 123456 不是命中。", []),
        ("運用人工智能,提高效率。", [("人工智能", "tool")]),
        ("依法打造環境,人工智能研究。", [("人工智能", "subject")]),
    ],
)
def test_tool_and_subject_come_from_general_cues(text: str, expected) -> None:
    hits = lexicon_hits(one_sentence(text), FULL)
    assert list(zip(hits["term"], hits["use"], strict=True)) == expected
    assert all(text[r.char_start - 100 : r.char_end - 100] == r.surface for r in hits.itertuples())


def test_longest_term_wins() -> None:
    hits = lexicon_hits(one_sentence("全市大數據中心"), FULL)
    assert list(hits["term"]) == ["大數據"]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["人工智能", "大數據", "數據", "熱線", "12355", "平台", "產業", "、", "《", "》", "市"]
        ),
        max_size=12,
    )
)
def test_hits_never_overlap_and_match_their_offsets(pieces) -> None:
    text = "".join(pieces)
    hits = lexicon_hits(one_sentence(text), FULL)
    spans = list(zip(hits["char_start"] - 100, hits["char_end"] - 100, strict=True))
    assert all(text[a:b] == s for (a, b), s in zip(spans, hits["surface"], strict=True))
    assert all(b <= c for (_, b), (c, _) in zip(spans, spans[1:], strict=False))


def test_recurring_sentences_keep_their_own_rows(text: str) -> None:
    """A batch scans each distinct sentence once, yet each report keeps its own rows, whether
    its strings are Python objects (as the build passes them) or pandas 'str' columns."""
    reports = [
        sentence_rows(text, "a"),
        sentence_rows(HK2S.convert(text), "b"),  # other surfaces, other offsets
        sentence_rows(text, "c"),
    ]
    one_by_one = pd.concat([lexicon_hits(s, FULL) for s in reports], ignore_index=True)
    batch = pd.concat(reports, ignore_index=True)
    assert batch["text"].duplicated().any()
    for strings in ("str", object):
        typed = batch.astype({"report_id": strings, "text": strings})
        pd.testing.assert_frame_equal(lexicon_hits(typed, FULL), one_by_one)


def test_lexicons_never_share_hits(seed) -> None:
    """Hits are kept per sentence text and lexicon: a lexicon loaded otherwise gets its own."""
    sentences, hits = seed[0], seed[2]
    tool_default = lexicon_hits(sentences, replace(FULL, default_use="tool"))
    assert (tool_default["use"] == "tool").sum() > (hits["use"] == "tool").sum()
    pd.testing.assert_frame_equal(tool_default.drop(columns="use"), hits.drop(columns="use"))
    narrow_lexicon = load_lexicon("digitisation_lexicon_narrow")
    narrow = lexicon_hits(sentences, narrow_lexicon)
    assert set(narrow["term"]) <= {t.zh_hant for c in narrow_lexicon.categories for t in c.terms}
    assert set(narrow["term"]) < set(hits["term"])
    pd.testing.assert_frame_equal(lexicon_hits(sentences, FULL), hits)


def test_score_table_has_the_documented_columns_and_order(seed) -> None:
    table = score_agencies(*seed, n_boot=50)
    assert list(table.columns[:9]) == [
        "agency_id",
        "name_zh_hant",
        "name_en",
        "score",
        "ci_low",
        "ci_high",
        "rank",
        "n_chars",
        "n_hits",
    ]
    assert list(table.columns) == SCORE_COLUMNS
    assert table[["rank", "agency_id"]].equals(
        table[["rank", "agency_id"]].sort_values(["rank", "agency_id"]).reset_index(drop=True)
    )
    zero = table[table["n_hits"] == 0]
    assert zero["rank"].nunique() == 1 and (zero[["score", "ci_low"]] == 0).all().all()
    # a zero count is not [0, 0]: its exact upper bound is 3.689 events over the agency's text
    assert (zero["ci_high"] - 3.688879 / (zero["n_chars"] / 1000)).abs().max() < 1e-4
    assert (table["ci_low"] <= table["score"]).all() and (table["score"] <= table["ci_high"]).all()
    assert (table["rank_low"] <= table["rank"]).all() and (
        table["rank"] <= table["rank_high"]
    ).all()


def test_scores_are_deterministic_and_the_seed_matters(seed) -> None:
    first = score_agencies(*seed, n_boot=100, seed=3, unit="section")
    pd.testing.assert_frame_equal(first, score_agencies(*seed, n_boot=100, seed=3))
    # the seed's agencies lead one to three sections: too few to resample, so exact bounds only
    assert (first["interval"] == "exact").all() and (first["n_units"] < 5).all()
    pooled = pd.concat([seed[0].assign(report_id=f"r{i}") for i in range(6)], ignore_index=True)
    sections = pd.concat([seed[1].assign(report_id=f"r{i}") for i in range(6)], ignore_index=True)
    hits = lexicon_hits(pooled, FULL)
    third = score_agencies(pooled, sections, hits, seed[3], n_boot=100, seed=3)
    other = score_agencies(pooled, sections, hits, seed[3], n_boot=100, seed=4)
    assert (third["unit"] == "report").all() and (third["n_units"] == 6).all()
    assert (third["interval"] == "exact+bootstrap").all()
    pd.testing.assert_series_equal(third["score"], other["score"])


def test_normalisations(seed) -> None:
    raw = score_agencies(*seed, normalise="raw", n_boot=20).set_index("agency_id")
    per = score_agencies(*seed, normalise="per_sentence", n_boot=20).set_index("agency_id")
    chars = score_agencies(*seed, n_boot=20).set_index("agency_id")
    assert (raw["score"] == raw["n_hits"]).all()
    terms = score_agencies(*seed, normalise="raw", n_boot=20, count="terms").set_index("agency_id")
    shares = score_agencies(*seed, normalise="per_sentence", count="sentences", n_boot=20)
    assert (terms["n_hits"] >= raw["n_hits"]).all()
    assert shares["ci_high"].le(1).all()  # Clopper–Pearson bounds of a share of sentences
    assert (per["score"] == per["n_hits"] / per["n_sentences"]).all()
    assert (chars["score"] == 1000 * chars["n_hits"] / chars["n_chars"]).all()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"normalise": "per_word"},
            "normalise='per_word' is not allowed; choose one of: 'per_1000",
        ),
        ({"use": "tools"}, "use='tools' is not allowed; choose one of: 'tool', 'subject', 'all'"),
        ({"n_boot": 0}, "n_boot must be a positive integer"),
        ({"roles": ()}, "roles must name at least one"),
        ({"count": "words"}, "count='words' is not allowed"),
        ({"unit": "sentence"}, "unit='sentence' is not allowed"),
    ],
)
def test_bad_parameters_are_named(seed, kwargs, message) -> None:
    with pytest.raises((ValueError, SzpolicyError), match=message):
        score_agencies(*seed, **kwargs)


def test_only_attributed_sections_count_and_captions_are_optional(seed, scores) -> None:
    sentences, sections, hits, agencies = seed
    assert set(scores.index) == set(LEADS.values())
    with_captions = score_agencies(
        sentences, sections, hits, agencies, n_boot=20, roles=("heading", "body", "caption")
    ).set_index("agency_id")
    assert (with_captions["n_chars"] > scores["n_chars"].reindex(with_captions.index)).all()
    assert with_captions.loc["court", "n_hits"] == scores.loc["court", "n_hits"] + 1


def test_use_subject_counts_subject_hits(seed) -> None:
    table = score_agencies(*seed, use="subject", n_boot=20)
    assert (table["n_hits"] == table["n_hits_subject"]).all()


def test_unknown_lead_agency_is_an_error(seed) -> None:
    sentences, sections, hits, agencies = seed
    with pytest.raises(ValueError, match="not in the agencies gazetteer: youth"):
        score_agencies(sentences, sections, hits, agencies[agencies.agency_id != "youth"], n_boot=5)


def test_missing_columns_are_named(seed) -> None:
    sentences, sections, hits, agencies = seed
    with pytest.raises(ValueError, match="sections is missing column.s. lead_agency_id"):
        score_agencies(sentences, sections.drop(columns="lead_agency_id"), hits, agencies)
    with pytest.raises(ValueError, match="agencies is missing column.s. name_zh_hans"):
        score_agencies(sentences, sections, hits, agencies.drop(columns="name_zh_hans"))


def test_narrow_lexicon_changes_the_comparison(seed) -> None:
    sentences, sections, _, agencies = seed
    narrow = lexicon_hits(sentences, load_lexicon("digitisation_lexicon_narrow"))
    table = score_agencies(sentences, sections, narrow, agencies, n_boot=20).set_index("agency_id")
    assert table.loc["youth", "n_hits"] == 0  # its hotline is not in the narrow lexicon


def test_a_sentence_counts_each_distinct_term_once_by_default() -> None:
    sentences = one_sentence("建成熱線,再建熱線,並上線智能客服。")
    hits = lexicon_hits(sentences, FULL)
    assert len(hits) == 3
    counts = {c: sentence_counts(sentences, hits, "tool", c).iloc[0] for c in COUNTS}
    assert counts == {"terms": 3, "distinct": 2, "sentences": 1}


def test_sensitivity_varies_one_choice_at_a_time(seed) -> None:
    sentences, sections, hits, agencies = seed
    narrow = lexicon_hits(sentences, load_lexicon("digitisation_lexicon_narrow"))
    table = sensitivity(sentences, sections, with_families(hits, FULL), narrow, agencies, n_boot=5)
    variants = list(dict.fromkeys(table["variant"]))
    assert variants == [
        "baseline",
        "narrow lexicon",
        "hotlines left out",
        "headings left out",
        "count: terms",
        "count: sentences",
    ]
    n = table.groupby("variant")["n_hits"].sum()
    assert n["hotlines left out"] < n["baseline"] <= n["count: terms"]
    assert n["count: sentences"] <= n["baseline"]
    assert table.groupby("variant")["agency_id"].apply(set).map(len).nunique() == 1
    with pytest.raises(ValueError, match="hits is missing column.s. family"):
        sensitivity(sentences, sections, hits, narrow, agencies)


def test_panel_scores_each_agency_within_each_report(seed) -> None:
    sentences, sections, _, agencies = seed
    two = pd.concat([sentences, sentences.assign(report_id="other")], ignore_index=True)
    both = pd.concat([sections, sections.assign(report_id="other")], ignore_index=True)
    hits = lexicon_hits(two, FULL)
    panel = score_panel(two, both, hits, agencies, n_boot=20)
    assert set(panel["report_id"]) == {"seed", "other"}
    one = panel.pivot(index="agency_id", columns="report_id", values="score")
    pd.testing.assert_series_equal(one["seed"], one["other"], check_names=False)
    assert (panel["kind"] == panel["agency_id"]).all()  # no role_id in this gazetteer
    roles = agencies.assign(role_id=agencies["agency_id"].map({"court": "court_role"}))
    kinds = score_panel(two, both, hits, roles, n_boot=5).set_index("agency_id")["kind"]
    assert kinds["court"].eq("court_role").all() and kinds["npc"].eq("npc").all()
    assert (panel.groupby("report_id")["rank_low"].min() == 1).all()


def test_annex_sections_are_attributed_by_part() -> None:
    """Section numbers that restart in an annex keep their own lead agency."""
    sentences = pd.DataFrame(
        [
            dict(report_id="t", part=p, section_no=1, sentence_no=i, role="body", text=t)
            | dict(char_start=10 * i)
            for i, (p, t) in enumerate([(1, "建成熱線。"), (2, "上線智能客服。")], start=1)
        ]
    )
    sections = pd.DataFrame(
        [
            dict(report_id="t", part=p, section_no=1, lead_agency_id=a)
            for p, a in [(1, "a"), (2, "b")]
        ]
    )
    hits = lexicon_hits(sentences, FULL)
    table = score_agencies(sentences, sections, hits, gazetteer("ab"), n_boot=5)
    assert table.set_index("agency_id")["n_hits"].to_dict() == {"a": 1, "b": 1}
    assert list(evidence(sentences, sections, hits)["agency_id"]) == ["a", "b"]


def test_evidence_traces_every_hit_to_its_sentence_and_agency(seed) -> None:
    sentences, sections, hits, _ = seed
    table = evidence(sentences, sections, hits)
    assert list(table.columns[:6]) == [
        "agency_id",
        "sentence_no",
        "category",
        "term",
        "use",
        "text",
    ]
    assert len(table) == len(hits)
    assert all(r.surface in r.text for r in table.itertuples())
    assert not table.loc[table["role"] == "caption", "counted"].any()
    counted = table[table["counted"] & (table["use"] == "tool")].groupby("agency_id").size()
    scores = score_agencies(*seed, n_boot=5, count="terms").set_index("agency_id")
    assert counted.to_dict() == scores.loc[scores["n_hits"] > 0, "n_hits"].to_dict()


@pytest.mark.parametrize("table", ["digitisation_hits", "digitisation_by_agency"])
def test_schemas_describe_the_columns(table: str) -> None:
    spec = schema.spec(table)
    if table == "digitisation_by_agency":  # a notebook's table, its columns listed in code
        assert [f["name"] for f in spec["fields"]] == SCORE_COLUMNS
    assert all(
        f["description"] and f["type"] in {"string", "integer", "number"} for f in spec["fields"]
    )


def test_hits_are_those_of_each_text_alone_when_texts_without_a_term_are_skipped() -> None:
    """The texts searched joined for a term (Latin terms at their edges, whose word-character
    checks look past them, and the national reports' lines): each text's hits are its own."""
    terms = matcher._terms(FULL)
    hits = partial(
        matcher._text_hits, lexicon=FULL, terms=terms, search=matcher._cue_search(FULL.cues)
    )
    edges = [
        "5G",
        "5G网络",
        "用5G",
        "A5G",
        "5GB",
        "大数据",
        "互联网+",
        "IT",
        "",
        "\n",
        "云计算平台。",
    ]
    texts = [a + b for a in edges for b in edges]
    folder = Path(__file__).resolve().parents[1] / "data/raw/national_gwr"
    texts += [line for path in sorted(folder.glob("*.txt"))[::6] for line in path.open()]
    starts = partial(matcher._starts, terms.regex)
    found = where_found(texts, hits, starts, terms.separator)
    assert found == [hits(t) for t in texts]
    assert 0 < sum(map(bool, found)) < len(texts)
