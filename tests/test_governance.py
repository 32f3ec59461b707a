"""Governance mechanisms: the lexicon, counts per lead agency, and legal instruments cited."""

from __future__ import annotations

from pathlib import Path

import opencc
import pandas as pd
import pytest

from szpolicy.analysis.governance import (
    DEFAULT_LEXICON,
    INSTRUMENT_COLUMNS,
    MECHANISM_COLUMNS,
    instruments_by_agency,
    mechanisms_by_agency,
    plot_mechanisms,
)
from szpolicy.errors import SzpolicyError
from szpolicy.stages.lexicon import LexiconError, load_lexicon
from szpolicy.stages.matcher import lexicon_hits

from .conftest import seed_table

HK2S = opencc.OpenCC("hk2s")
LEX = load_lexicon(DEFAULT_LEXICON)
CATEGORIES = [c.id for c in LEX.categories]


def report(lines: dict[int, list[tuple[str, str]]], leads: dict[int, str | None]):
    """Sentences (role, text) per section and the sections with their lead agencies."""
    sentences, offset = [], 0
    for section_no, items in lines.items():
        for role, text in items:
            sentences.append(
                dict(
                    report_id="t",
                    part=1,
                    section_no=section_no,
                    sentence_no=len(sentences) + 1,
                    role=role,
                    text=text,
                    char_start=offset,
                    char_end=offset + len(text),
                )
            )
            offset += len(text) + 1
    sections = pd.DataFrame(
        [
            dict(report_id="t", part=1, section_no=n, lead_agency_id=lead)
            for n, lead in leads.items()
        ]
    )
    return pd.DataFrame(sentences), sections


def gazetteer(*ids: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "agency_id": list(ids),
            "name_zh_hant": list(ids),
            "name_zh_hans": list(ids),
            "name_en": list(ids),
        }
    )


def test_packaged_lexicon_loads_and_covers_the_categories_in_both_scripts():
    assert CATEGORIES == [
        "legislation",
        "supervision",
        "consultation",
        "dispute_resolution",
        "legal_services",
    ]
    assert LEX.name == "governance" and LEX.version
    for category in LEX.categories:
        for term in category.terms:
            assert HK2S.convert(term.zh_hant) == term.zh_hans


def test_lexicon_by_path_and_unknown_name(tmp_path: Path):
    source = Path(LEX.source)
    copy = tmp_path / "mine.yaml"
    copy.write_text(source.read_text("utf-8"), encoding="utf-8")
    assert load_lexicon(copy).categories == LEX.categories
    with pytest.raises(LexiconError, match="no_such_lexicon.*governance_lexicon"):
        load_lexicon("no_such_lexicon")


def test_hits_in_both_scripts_and_longest_term_wins():
    text = "制定出台公園條例,打造集法規查詢、法律援助等功能於一體的平台。"
    sentences, _ = report({1: [("body", text), ("body", HK2S.convert(text))]}, {1: "a"})
    hits = lexicon_hits(sentences, LEX)
    per = hits.groupby("sentence_no")["category"].apply(list).to_dict()
    assert per[1] == per[2] == ["legislation", "legal_services", "legal_services"]
    assert "法規" not in set(hits["term"])  # 法規查詢 is a legal service, not legislation


def test_titles_are_named_and_institution_names_are_not_mechanisms():
    sentences, _ = report(
        {
            1: [
                ("body", "開展《人工智能產業促進條例》執法檢查。"),
                ("body", "深圳國際仲裁院受理仲裁案件。"),
            ]
        },
        {1: "a"},
    )
    hits = lexicon_hits(sentences, LEX)
    assert list(zip(hits["term"], hits["use"], strict=True)) == [
        ("條例", "subject"),
        ("執法檢查", "tool"),
        ("仲裁", "tool"),
    ]


def test_mechanisms_are_attributed_to_the_lead_agency_with_zeros():
    sentences, sections = report(
        {
            0: [("intro", "堅持立法與監督。")],
            1: [
                ("heading", "加強立法"),
                ("body", "開展執法檢查,推進立法。"),
                ("caption", "立法沙龍。"),
            ],
            2: [("body", "開展協商活動。")],
            3: [("body", "舉辦調解活動。")],
        },
        {1: "npc", 2: "cppcc", 3: None},
    )
    hits = lexicon_hits(sentences, LEX)
    table = mechanisms_by_agency(
        sentences, sections, hits, gazetteer("npc", "cppcc"), categories=CATEGORIES
    )
    assert list(table.columns) == MECHANISM_COLUMNS
    assert len(table) == 2 * len(CATEGORIES)
    counts = table.set_index(["agency_id", "category"])["n_hits"]
    assert counts["npc", "legislation"] == 2  # heading + body; the caption is left out
    assert counts["npc", "supervision"] == 1
    assert counts["cppcc", "consultation"] == 1
    assert counts["cppcc", "legislation"] == 0
    assert table["n_hits"].sum() == 4  # lede/intro and the section without a lead are left out
    npc = table[table["agency_id"] == "npc"].iloc[0]
    assert npc["n_sentences"] == 2 and npc["n_chars"] == len("加強立法開展執法檢查,推進立法。")


def test_use_filter_and_unknown_agency():
    sentences, sections = report(
        {1: [("body", "開展《條例》執法檢查。")]},
        {1: "npc"},
    )
    hits = lexicon_hits(sentences, LEX)
    named = mechanisms_by_agency(sentences, sections, hits, gazetteer("npc"), use="subject")
    assert named.set_index("category")["n_hits"].to_dict() == {"legislation": 1, "supervision": 0}
    with pytest.raises(SzpolicyError, match="use='both'"):
        mechanisms_by_agency(sentences, sections, hits, gazetteer("npc"), use="both")
    with pytest.raises(ValueError, match="gazetteer: npc"):
        mechanisms_by_agency(sentences, sections, hits, gazetteer("x"))


def test_instruments_by_agency_counts_titles_and_short_references():
    # (part, section_no, title, kind, short, draft); part 2 is an annex whose numbering restarts
    cited = [
        (1, 1, "甲條例", "條例", False, False),
        (1, 1, "甲條例", "條例", False, False),
        (1, 1, "條例", "條例", True, False),
        (1, 1, "乙條例(草案)", "條例", False, True),
        (1, 2, "丙方案", "方案", False, False),
        (1, 3, "丁意見", "意見", False, False),
        (2, 1, "戊辦法", "辦法", False, False),
    ]
    instruments = pd.DataFrame(
        [
            dict(report_id="t", section_no=n, sentence_no=i + 1, title=title, kind=kind)
            | dict(is_short_reference=short, is_draft=draft, char_start=i)
            for i, (_, n, title, kind, short, draft) in enumerate(cited)
        ]
    )
    sentences = pd.DataFrame(
        [
            dict(report_id="t", part=part, section_no=n, sentence_no=i + 1, role="body")
            for i, (part, n, *_) in enumerate(cited)
        ]
    )
    sections = pd.DataFrame(
        [
            dict(report_id="t", part=p, section_no=n, lead_agency_id=a)
            for p, n, a in [(1, 1, "npc"), (1, 2, "gov"), (1, 3, None), (2, 1, "gov")]
        ]
    )
    gazette = gazetteer("npc", "gov")
    table = instruments_by_agency(instruments, sentences, sections, gazette)
    assert list(table.columns) == INSTRUMENT_COLUMNS
    npc = table.set_index(["agency_id", "kind"]).loc[("npc", "條例")]
    assert (npc["n_citations"], npc["n_titles"], npc["n_drafts"]) == (3, 2, 1)
    assert npc["titles"] == "甲條例；乙條例(草案)"
    assert set(table["agency_id"]) == {"npc", "gov"}
    assert table.set_index(["agency_id", "kind"]).loc[("gov", "辦法"), "titles"] == "戊辦法"
    with_short = instruments_by_agency(instruments, sentences, sections, gazette, True)
    assert with_short.set_index(["agency_id", "kind"]).loc[("npc", "條例"), "n_citations"] == 4


@pytest.fixture(scope="module")
def seed():
    sentences = seed_table("sentences")
    sections = seed_table("sections")
    agencies = seed_table("agencies")
    hits = lexicon_hits(sentences, LEX)
    table = mechanisms_by_agency(sentences, sections, hits, agencies, CATEGORIES)
    return table, sections, agencies


def _lead_of(sections: pd.DataFrame, kind: str, agencies: pd.DataFrame) -> str:
    leads = sections.merge(agencies, left_on="lead_agency_id", right_on="agency_id")
    return leads[leads["kind"] == kind]["agency_id"].mode()[0]


def test_seed_legislature_legislates_and_supervises_and_cppcc_consults(seed):
    table, sections, agencies = seed
    grid = table.pivot(index="agency_id", columns="category", values="n_hits")
    legislature = grid.loc[_lead_of(sections, "legislature", agencies)]
    cppcc = grid.loc[_lead_of(sections, "cppcc", agencies)]
    assert legislature["legislation"] > 0 and legislature["supervision"] > 0
    assert legislature["legislation"] == grid["legislation"].max()
    assert cppcc["consultation"] > 0 and cppcc["consultation"] == grid["consultation"].max()
    assert cppcc["supervision"] > 0


def test_seed_instruments_and_plot(seed, recwarn):
    table, sections, agencies = seed
    cited = instruments_by_agency(
        seed_table("legal_instruments"), seed_table("sentences"), sections, agencies
    )
    legislature = _lead_of(sections, "legislature", agencies)
    assert "條例" in set(cited[cited["agency_id"] == legislature]["kind"])
    assert cited["n_titles"].le(cited["n_citations"]).all()
    for script in ("hant", "hans", "en"):
        plot_mechanisms(table, LEX, script).canvas.draw()
    plot_mechanisms(table, LEX, "en", "per_1000_chars").canvas.draw()
    assert not [w for w in recwarn if "missing from font" in str(w.message)]
    with pytest.raises(SzpolicyError, match="value='score'"):
        plot_mechanisms(table, LEX, "en", "score")
