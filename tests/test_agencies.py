"""Tests of the agency gazetteer, agency mentions and section lead agencies."""

from __future__ import annotations

from functools import partial
from importlib import resources
from pathlib import Path

import opencc
import pandas as pd
import pytest
import yaml
from ahocorasick_rs import AhoCorasick, MatchKind
from hypothesis import given, settings
from hypothesis import strategies as st

from szpolicy import schema
from szpolicy.io.read import Document
from szpolicy.stages import agencies
from szpolicy.stages.agencies import (
    agency_mentions,
    agency_table,
    lead_agencies,
    load_gazetteer,
    packaged_matcher,
    surface_index,
    validate_gazetteer,
)
from szpolicy.stages.bodies import FOREIGN_WINDOW, foreign_before, form_index, leftmost_longest
from szpolicy.stages.jurisdictions import detect_jurisdiction, lookup
from szpolicy.text.distinct import where_found
from szpolicy.text.segment import RE_HAN_INTERNAL, pos_tags

from .conftest import sentence_rows

T2S = opencc.OpenCC("t2s")
HK2S = opencc.OpenCC("hk2s")
COLUMNS = [
    "agency_id",
    "name_zh_hant",
    "name_zh_hans",
    "name_en",
    "kind",
    "level",
    "aliases",
    "role_id",
    "jurisdiction_code",
]
TABLE_COLUMNS = [*COLUMNS, "jurisdiction_name"]
SHENZHEN = lookup("深圳市")


def city(report_id: str = "r", genre: str = "rule_of_law_review") -> dict:
    """The contexts of a report by a city (Shenzhen, as the seed)."""
    return {report_id: (SHENZHEN, genre)}


KINDS = {
    "legislature",
    "cppcc",
    "court",
    "procuratorate",
    "government",
    "arbitration",
    "mass_organisation",
    "party",
    "military",
    "other",
}

# The seed's lead organisation per section, as a reader would name it.
SEED_LEADS = [
    "city_npc_standing_committee",
    "city_npc_standing_committee",
    "city_npc_standing_committee",
    "city_cppcc",
    "city_cppcc",
    "city_intermediate_court",
    "national_prosecutors_college_gba_branch",
    None,  # 我市連續兩年舉辦…: the city, not an organisation, acts
    "city_justice_bureau",
    "city_veterans_affairs_bureau",
    "sz_court_of_international_arbitration",
    "city_federation_of_trade_unions",
    "city_communist_youth_league",
    "city_womens_federation",
    "city_federation_of_industry_commerce",
]

# Every organisation the seed names, with the id it must resolve to.
SEED_ORGANISATIONS = {
    "市人大常委會": "city_npc_standing_committee",
    "全國人大常委會法工委": "npc_legislative_affairs_commission",
    "全國人大財經委": "npc_financial_economic_committee",
    "全國人大": "npc",
    "福田區人大常委會": "sz_futian_npc_standing_committee",
    "蓮花街道人大工委": "sz_lianhua_subdistrict_npc_working_committee",
    "市人大": "city_peoples_congress",
    "廣東省人大": "gd_peoples_congress",
    "深圳市政協": "city_cppcc",
    "市政協": "city_cppcc",
    "區政協": "city_district_cppccs",
    "市中級人民法院": "city_intermediate_court",
    "全市法院": "city_courts",
    "市審計局": "city_audit_bureau",
    "人民政協報": "cppcc_daily",
    "中國人大": "china_peoples_congress_magazine",
    "最高檢": "spp",
    "中央依法治國委": "central_rule_of_law_commission",
    "國家檢察官學院粵港澳大灣區分院": "national_prosecutors_college_gba_branch",
    "大灣區分院": "national_prosecutors_college_gba_branch",
    "我市": "city_municipality",
    "市司法局": "city_justice_bureau",
    "律師事務所": "law_firms",
    "行業協會": "industry_associations",
    "相關部門": "relevant_departments",
    "市退役軍人事務局": "city_veterans_affairs_bureau",
    "巴士集團": "sz_bus_group",
    "深圳國際仲裁院": "sz_court_of_international_arbitration",
    "世界貿易組織(WTO)": "wto",
    "深圳市政府": "city_municipal_government",
    "市總工會": "city_federation_of_trade_unions",
    "團市委": "city_communist_youth_league",
    "市育新學校": "sz_yuxin_school",
    "市婦聯": "city_womens_federation",
    "APEC": "apec",
    "市工商聯": "city_federation_of_industry_commerce",
    "全國工商聯": "acfic",
    "司法部門": "judicial_organs",
    "司法機關": "judicial_organs",
    "商會調解委員會": "chamber_mediation_committees",
    "商會": "chambers_of_commerce",
    "龍崗區": "sz_longgang_district",
}


def codebook(table: str) -> dict:
    """The packaged schema of a table."""
    return schema.spec(table)


def found(text: str, contexts: dict | None = None) -> list[tuple[str, str, str]]:
    """(agency_id, surface, role) of every mention in a one-line text of a city's report."""
    m = agency_mentions(sentence_rows(text), city() if contexts is None else contexts)
    return list(zip(m["agency_id"], m["surface"], m["role"], strict=True))


@pytest.fixture(scope="module")
def gazetteer() -> pd.DataFrame:
    return load_gazetteer()


@pytest.fixture(scope="module")
def seed_tables(seed: Document) -> tuple[str, pd.DataFrame, pd.DataFrame]:
    """The seed's decoded text, its sentence rows and its mentions."""
    sentences = sentence_rows(seed.text, "seed")
    return seed.text, sentences, agency_mentions(sentences, seed_contexts(seed))


def seed_contexts(seed: Document, report_id: str = "seed") -> dict:
    """The seed's jurisdiction as the build detects it, and its genre."""
    return {report_id: (detect_jurisdiction(seed.text), "rule_of_law_review")}


# --- gazetteer -----------------------------------------------------------------------------


def test_gazetteer_columns_ids_and_kinds(gazetteer: pd.DataFrame) -> None:
    assert list(gazetteer.columns) == TABLE_COLUMNS
    assert gazetteer["agency_id"].is_unique
    assert list(gazetteer["agency_id"]) == sorted(gazetteer["agency_id"])
    assert gazetteer["agency_id"].str.fullmatch(r"[a-z][a-z0-9_]*").all()
    assert set(gazetteer["kind"]) <= KINDS
    assert (gazetteer[COLUMNS[:-1]] != "").all().all()


def test_gazetteer_names_and_aliases_in_both_scripts(gazetteer: pd.DataFrame) -> None:
    for _, row in gazetteer.iterrows():
        assert row["name_zh_hans"] == HK2S.convert(row["name_zh_hant"])
        forms = row["aliases"].split("|")
        assert len(forms) == len(set(forms)), row["agency_id"]
        for alias in forms:
            assert HK2S.convert(alias) in forms, (row["agency_id"], alias)


def test_gazetteer_has_no_alias_on_two_agencies(gazetteer: pd.DataFrame) -> None:
    owners: dict[str, set[str]] = {}
    for _, row in gazetteer.iterrows():
        for alias in row["aliases"].split("|"):
            owners.setdefault(HK2S.convert(alias), set()).add(row["agency_id"])
    assert all(len(ids) == 1 for ids in owners.values())


def test_gazetteer_covers_every_organisation_of_the_seed(seed: Document) -> None:
    for surface, agency_id in SEED_ORGANISATIONS.items():
        assert surface in seed.text, surface
        for form in (surface, T2S.convert(surface)):
            assert [a for a, _, _ in found(f"有{form}。")] == [agency_id], form


def test_gazetteer_covers_the_generic_city_bodies() -> None:
    for surface in ["市人民檢察院", "市公安局", "市殘聯", "市委", "市政府", "共青團市委"]:
        assert found(f"有{surface}。")[0][0].startswith("city_"), surface


def test_gazetteer_meta_describes_every_column() -> None:
    meta = yaml.safe_load(
        resources.files("szpolicy").joinpath("data", "agencies.meta.yaml").read_text("utf-8")
    )
    assert meta["version"] == 2
    assert list(meta["columns"]) == COLUMNS


def test_gazetteer_schema_matches_the_csv() -> None:
    for name in ("agencies", "agency_mentions"):
        spec = codebook(name)
        assert spec["name"] == name
        assert all(f["description"] for f in spec["fields"])
    agencies_spec = codebook("agencies")
    assert [f["name"] for f in agencies_spec["fields"]] == TABLE_COLUMNS
    kind = next(f for f in agencies_spec["fields"] if f["name"] == "kind")
    assert set(kind["enum"]) == KINDS


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("agency_id", "law_firms", r"agencies\.csv:3: agency_id law_firms repeats line 2"),
        ("agency_id", "Bad-Id", r"agencies\.csv:3: agency_id 'Bad-Id' is not snake-case"),
        ("kind", "ministry", r"agencies\.csv:3: moj: kind 'ministry'"),
        ("level", "city", r"agencies\.csv:3: moj: level 'city'"),
        ("aliases", "司法部| 司法部", r"agencies\.csv:3: .*space-padded alias"),
        ("aliases", "司法部|律所", r"agencies\.csv:3: alias 律所 of moj .*law_firms"),
        ("jurisdiction_code", "999999", r"agencies\.csv:3: unknown jurisdiction_code 999999"),
    ],
)
def test_validate_gazetteer_names_file_and_row(
    gazetteer: pd.DataFrame, column: str, value: str, message: str
) -> None:
    rows = gazetteer[gazetteer["agency_id"].isin(["law_firms", "moj"])]
    bad = rows.drop(columns="jurisdiction_name").reset_index(drop=True)
    bad.loc[1, column] = value
    with pytest.raises(ValueError, match=message):
        validate_gazetteer(bad, "agencies.csv")


def test_validate_gazetteer_rejects_wrong_columns(gazetteer: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="agencies.csv: columns"):
        validate_gazetteer(gazetteer.drop(columns=["level", "jurisdiction_name"]), "agencies.csv")


# --- matching --------------------------------------------------------------------------------


def test_longest_match_wins_and_nothing_overlaps() -> None:
    assert found("國家檢察官學院粵港澳大灣區分院正式揭牌。") == [
        ("national_prosecutors_college_gba_branch", "國家檢察官學院粵港澳大灣區分院", "subject")
    ]
    assert [a for a, _, _ in found("推動福田區人大常委會成為聯繫點。")] == [
        "sz_futian_npc_standing_committee"
    ]
    assert [s for _, s, _ in found("深圳市人大常委會和市人大代表座談。")] == [
        "深圳市人大常委會",
        "市人大",
    ]
    assert [a for a, _, _ in found("團市委和市委聯合發文。")] == [
        "city_communist_youth_league",
        "city_party_committee",
    ]


def test_name_inside_a_longer_title_is_not_a_mention() -> None:
    assert found("制定《關於進一步推進市人大代表聯繫點建設的若干意見》。") == []
    assert found("經驗獲《人民政協報》頭版刊發。") == [("cppcc_daily", "人民政協報", "mentioned")]


def test_offsets_index_the_whole_report(
    seed_tables: tuple[str, pd.DataFrame, pd.DataFrame],
) -> None:
    text, sentences, mentions = seed_tables
    assert list(mentions.columns) == [f["name"] for f in codebook("agency_mentions")["fields"]]
    assert set(mentions["role"]) == {"subject", "partner", "mentioned"}
    for _, m in mentions.iterrows():
        assert text[m["char_start"] : m["char_end"]] == m["surface"]
    assert mentions["char_start"].is_monotonic_increasing
    assert (mentions["char_start"].iloc[1:].to_numpy() >= mentions["char_end"].iloc[:-1]).all()
    spans = sentences[["sentence_no", "char_start", "char_end"]]
    inside = mentions.merge(spans, on="sentence_no", suffixes=("", "_s"))
    assert (inside["char_start_s"] <= inside["char_start"]).all()
    assert (inside["char_end"] <= inside["char_end_s"]).all()


def test_simplified_seed_gives_the_same_mentions(
    seed_tables: tuple[str, pd.DataFrame, pd.DataFrame], seed: Document
) -> None:
    text, _, mentions = seed_tables
    hans = T2S.convert(text)
    assert len(hans) == len(text)
    simplified = agency_mentions(sentence_rows(hans, "seed"), seed_contexts(seed))
    cols = ["sentence_no", "agency_id", "role", "char_start", "char_end"]
    pd.testing.assert_frame_equal(simplified[cols], mentions[cols])
    assert simplified["surface"].tolist() == [T2S.convert(s) for s in mentions["surface"]]


def test_seed_mentions(seed_tables: tuple[str, pd.DataFrame, pd.DataFrame]) -> None:
    _, _, mentions = seed_tables
    assert len(mentions) == 69
    assert set(SEED_ORGANISATIONS.values()) <= set(mentions["agency_id"])
    assert mentions["role"].value_counts().to_dict() == {
        "mentioned": 33,
        "subject": 30,
        "partner": 6,
    }
    # 世界貿易組織(WTO)前總幹事…: the organisation only qualifies the person who acts
    assert mentions.loc[mentions["agency_id"] == "wto", "role"].tolist() == ["mentioned"]


def test_matching_falls_back_to_the_original_text(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(agencies, "to_hans", lambda text: HK2S.convert(text) + "…")
    assert agencies.matchable("市婦聯") == "市婦聯"
    assert found("市婦聯聯合市總工會開展活動。") == [
        ("city_womens_federation", "市婦聯", "subject"),
        ("city_federation_of_trade_unions", "市總工會", "partner"),
    ]


def test_empty_and_malformed_input() -> None:
    empty = agency_mentions(sentence_rows("沒有任何機構的句子。"), city())
    assert empty.empty
    assert list(empty.columns)[-3:] == ["char_start", "char_end", "jurisdiction_code"]
    with pytest.raises(ValueError, match="lack columns"):
        agency_mentions(pd.DataFrame({"text": ["市婦聯"]}))


@pytest.mark.parametrize("with_hans", [False, True])
def test_recurring_sentences_keep_their_own_rows(seed: Document, with_hans: bool) -> None:
    """A batch matches each distinct sentence once, yet each report keeps its own rows."""
    reports = [
        sentence_rows(seed.text, "a"),
        sentence_rows(T2S.convert(seed.text), "b"),  # same Simplified rendering, other surfaces
        sentence_rows(seed.text, "c"),
    ]
    if with_hans:
        for sentences in reports:
            sentences["text_hans"] = [HK2S.convert(t) for t in sentences["text"]]
    batch = pd.concat(reports, ignore_index=True)
    mentions = agency_mentions(batch)
    one_by_one = [agency_mentions(sentences) for sentences in reports]
    pd.testing.assert_frame_equal(mentions, pd.concat(one_by_one, ignore_index=True))
    leads = [lead_agencies(s, m) for s, m in zip(reports, one_by_one, strict=True)]
    pd.testing.assert_frame_equal(
        lead_agencies(batch, mentions), pd.concat(leads, ignore_index=True)
    )


ALIASES = sorted({a for a in surface_index(load_gazetteer())})
FILLER = st.text(alphabet="0123456789，。的了", max_size=4)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(FILLER, st.sampled_from(ALIASES)), min_size=1, max_size=6))
def test_mentions_round_trip_on_any_text(pieces: list[tuple[str, str]]) -> None:
    text = "".join(f + a for f, a in pieces) + "。"
    rows = pd.DataFrame(
        [
            {
                "report_id": "r",
                "section_no": 1,
                "sentence_no": 1,
                "text": text,
                "char_start": 7,
            }
        ]
    )
    mentions = agency_mentions(rows, city())
    index = surface_index(load_gazetteer())
    ends = 0
    for _, m in mentions.iterrows():
        assert text[m["char_start"] - 7 : m["char_end"] - 7] == m["surface"]
        assert index[m["surface"]] == m["agency_id"]
        assert m["char_start"] >= ends
        ends = m["char_end"]
    assert len(mentions) >= 1


# --- roles -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "roles"),
    [
        ("市工商聯與司法部門持續深化合作。", ["subject", "partner"]),
        ("會同市中級人民法院、市審計局出台制度文件。", ["partner", "partner"]),
        ("会同市中级人民法院、市审计局出台制度文件。", ["partner", "partner"]),
        ("組織企業家走進司法機關，邀請市中級人民法院負責人參加。", ["mentioned", "partner"]),
        ("去年市人大常委會制定若干意見。", ["subject"]),
        ("在組織好全體會議的基礎上，深圳市政協創新協商形式。", ["subject"]),
        ("在组织好全体会议的基础上，深圳市政协创新协商形式。", ["subject"]),
        ("相關做法得到全國人大財經委專刊肯定。", ["mentioned"]),
        ("活動由市司法局主辦。", ["mentioned"]),
        ("今年由市司法局主辦活動。", ["subject"]),
        ("2024年3月市婦聯聯合巴士集團開展活動。", ["subject", "partner"]),
    ],
)
def test_mention_roles(sentence: str, roles: list[str]) -> None:
    assert [r for _, _, r in found(sentence)] == roles


# --- lead agencies ---------------------------------------------------------------------------

HAND_WRITTEN = """\
簡報
前言。
一、完善立法
2024年3月，全市召開大會。作為市人大常委會的舉措，目前我市已建立聯繫點。去年市人大常委會制定意見。
圖片說明。
二、協商議政
在總結經驗的基礎上，深圳市政協創新協商形式，會同市中級人民法院出台文件。
三、市婦聯維權
全年開展服務235場。
四、無機構
全年開展活動100場，惠及群眾16萬人。
五、我市舉辦大會
我市連續兩年舉辦律師大會。
"""
HAND_WRITTEN_LEADS = [
    "city_npc_standing_committee",
    "city_cppcc",
    "city_womens_federation",
    None,
    None,  # the city as a whole is a place, never a section's lead
]


@pytest.mark.parametrize("convert", [str, T2S.convert])
def test_lead_agencies_on_hand_written_sections(convert) -> None:
    sentences = sentence_rows(convert(HAND_WRITTEN))
    leads = lead_agencies(sentences, agency_mentions(sentences, city()), city())
    assert list(leads.columns) == ["report_id", "part", "section_no", "lead_agency_id"]
    assert leads["section_no"].tolist() == [1, 2, 3, 4, 5]
    got = [None if pd.isna(x) else x for x in leads["lead_agency_id"]]
    assert got == HAND_WRITTEN_LEADS


def test_lead_agencies_skip_sections_without_body() -> None:
    sentences = sentence_rows("簡報\n一、市婦聯維權\n正文。\n")
    headings_only = sentences[sentences["role"] != "body"]
    assert lead_agencies(headings_only, agency_mentions(headings_only, city())).empty


@pytest.mark.parametrize("convert", [str, T2S.convert])
def test_seed_lead_agencies(convert, seed: Document) -> None:
    sentences = sentence_rows(convert(seed.text), "seed")
    contexts = seed_contexts(seed)
    leads = lead_agencies(sentences, agency_mentions(sentences, contexts), contexts)
    assert leads["section_no"].tolist() == list(range(1, 16))
    assert [None if pd.isna(x) else x for x in leads["lead_agency_id"]] == SEED_LEADS


# --- jurisdictions and resolution in context ----------------------------------------------


def report_of(place: str, genre: str = "rule_of_law_review") -> dict:
    """The contexts of a report speaking for a place (a name any script, or a code)."""
    return {"r": (lookup(place), genre)}


@pytest.mark.parametrize(
    ("text", "title", "declared", "code"),
    [
        ("各位代表：", "", "陕西省", "610000"),
        ("各位代表：", "", "全国", "100000"),
        ("各位代表：", "", "深圳", "440300"),
        ("各位代表：", "2024年陝西省人民政府工作報告", None, "610000"),
        (
            "各位代表：现在，我代表国务院，向大会报告政府工作。西安、广州的经验……",
            "",
            None,
            "100000",
        ),
        ("全過程人民民主深圳實踐煥發勃勃生機。深圳市人大常委會……", "", None, "440300"),
        ("2023年，西安市经济运行稳中有进。西安……陕西省委", "", None, "610100"),
    ],
)
def test_detect_jurisdiction(text: str, title: str, declared: str | None, code: str) -> None:
    assert detect_jurisdiction(text, title, declared).code == code


def test_detect_jurisdiction_of_the_seed_and_of_nothing(seed: Document) -> None:
    found_place = detect_jurisdiction(seed.text)
    assert (found_place.code, found_place.name, found_place.level) == (
        "440300",
        "深圳市",
        "prefecture",
    )
    assert detect_jurisdiction("沒有地名的報告。") is None
    assert lookup("吉林").level == "provincial"  # a short name two places share: the higher one


def test_jurisdictions_cover_provinces_and_prefectures() -> None:
    from szpolicy.stages.jurisdictions import jurisdictions

    table = jurisdictions()
    assert sum(j.level == "provincial" for j in table.values()) == 34
    assert sum(j.level == "prefecture" for j in table.values()) > 300
    assert all(table[j.parent_code].level != "prefecture" for j in table.values() if j.parent_code)
    assert lookup("廣西壯族自治區").slug == "gx" and lookup("广东省").slug == "gd"
    meta = yaml.safe_load(
        resources.files("szpolicy").joinpath("data", "jurisdictions.meta.yaml").read_text("utf-8")
    )
    from szpolicy.stages.jurisdictions import COLUMNS as J_COLUMNS

    assert list(meta["columns"]) == J_COLUMNS


def test_validate_jurisdictions_names_file_and_row() -> None:
    from szpolicy.stages.jurisdictions import COLUMNS as J_COLUMNS
    from szpolicy.stages.jurisdictions import validate_jurisdictions

    row = dict.fromkeys(J_COLUMNS, "x") | {
        "code": "61000",
        "level": "provincial",
        "parent_code": "",
    }
    with pytest.raises(ValueError, match=r"j\.csv:2: code '61000' is not six digits"):
        validate_jurisdictions(pd.DataFrame([row]), "j.csv")
    with pytest.raises(ValueError, match="j.csv: columns"):
        validate_jurisdictions(pd.DataFrame([row]).drop(columns="slug"), "j.csv")


@pytest.mark.parametrize(
    ("place", "text", "expected"),
    [
        # generic forms are the report's own bodies, whatever the place
        (
            "陕西省",
            "省政府、省政协和省人大常委会召开会议。",
            ["province_government", "province_cppcc", "province_npc_standing_committee"],
        ),
        (
            "陕西省",
            "我省推动省农业农村厅出台意见。",
            ["province_whole", "province_agriculture_rural_affairs_department"],
        ),
        (
            "广西壮族自治区",
            "自治区党委、自治区人民政府部署工作。",
            ["province_party_committee", "province_government"],
        ),
        (
            "西安市",
            "市委、市政府和市发展改革委研究。",
            [
                "city_party_committee",
                "city_municipal_government",
                "city_development_reform_commission",
            ],
        ),
        # a bare 省 in a city's report is the province the city lies in
        ("西安市", "省政府批复同意。", ["sn_government"]),
        # named ones are their own place's
        (
            "陕西省",
            "深圳市中级人民法院与国务院、财政部会商。",
            ["gd_shenzhen_intermediate_court", "state_council", "national_finance_ministry"],
        ),
        (
            "深圳市",
            "中共陕西省委、陕西省人民政府印发通知。",
            ["sn_party_committee", "sn_government"],
        ),
        (
            "陕西省",
            "中共陕西省委、陕西省人民政府印发通知。",
            ["province_party_committee", "province_government"],
        ),
        # no jurisdiction of the report's kind: dropped, not given to another place
        ("陕西省", "自治区党委和市政府。", []),
        ("全国", "市政府和省政府。", []),
        (
            "全国",
            "工会、共青团、妇联和人民政协。",
            ["acftu", "cylc_central", "acwf", "cppcc_national"],
        ),
        (
            "陕西省",
            "工会、共青团、妇联等群团组织。",
            [
                "province_federation_of_trade_unions",
                "province_communist_youth_league",
                "province_womens_federation",
            ],
        ),
        # words that only contain a form
        ("深圳市", "资本市场、城市政府、节省政府开支和农工商联合企业。", []),
        ("陕西省", "江苏省委派团考察。", []),
        ("全国", "财政部门、各级人民政府、基层工会律师库和共产党员。", []),
        ("全国", "美国国务院和苏联政府外交部，我们要联合国际力量。", []),
    ],
)
def test_mentions_resolve_in_the_report_jurisdiction(
    place: str, text: str, expected: list[str]
) -> None:
    assert [a for a, _, _ in found(text, report_of(place))] == expected


def test_mentions_carry_the_jurisdiction_code() -> None:
    m = agency_mentions(sentence_rows("省政府会同深圳市中院和国务院。"), report_of("陕西省"))
    assert m["jurisdiction_code"].tolist() == ["610000", "440300", "100000"]


def test_in_a_report_of_unknown_place_bare_forms_are_its_own() -> None:
    m = agency_mentions(sentence_rows("省政府、市婦聯、我省和陕西省人民政府。"), {})
    assert m["agency_id"].tolist() == [
        "province_government",
        "city_womens_federation",
        "province_whole",
        "sn_government",  # a named place is itself
    ]
    assert m["jurisdiction_code"].tolist() == ["", "", "", "610000"]


def test_agency_table_rows_of_generated_bodies() -> None:
    ids = [
        "sn_government",
        "city_municipal_government",
        "gd_shenzhen_intermediate_court",
        "npc",
        "national_statistics_bureau",
        "national_finance_ministry",
    ]
    table = agency_table(ids).set_index("agency_id")
    assert list(table.reset_index().columns) == TABLE_COLUMNS
    assert table.loc["sn_government", "name_en"] == "Shaanxi Provincial People's Government"
    assert table.loc["sn_government", "name_zh_hant"] == "陝西省人民政府"
    assert table.loc["city_municipal_government", "name_en"] == "Municipal People's Government"
    assert table.loc["city_municipal_government", "jurisdiction_code"] == ""
    assert table.loc["gd_shenzhen_intermediate_court", "jurisdiction_code"] == "440300"
    assert table.loc["gd_shenzhen_intermediate_court", "level"] == "municipal"
    assert table.loc["npc", "role_id"] == "npc"
    assert table.loc["national_statistics_bureau", "name_zh_hans"] == "国家统计局"
    assert table.loc["national_finance_ministry", "name_zh_hans"] == "财政部"
    assert table.loc["sn_government", ["role_id", "kind"]].tolist() == ["government", "government"]


PROVINCE_REPORT = """\
政府工作报告
各位代表：
一、过去一年的工作
全省经济稳中有进。省人大常委会审议通过条例。
二、今年的主要任务
扎实推进高质量发展。
三、省人大常委会开展监督
省人大常委会开展执法检查。
"""


def test_lead_of_a_government_work_report_is_the_reporting_government() -> None:
    sentences = sentence_rows(PROVINCE_REPORT)
    contexts = report_of("陕西省", "government_work_report")
    leads = lead_agencies(sentences, agency_mentions(sentences, contexts), contexts)
    assert leads["lead_agency_id"].tolist() == [
        "province_government",
        "province_government",
        "province_npc_standing_committee",  # the heading says another organisation acts
    ]
    national = {"r": (lookup("全国"), "government_work_report")}
    leads = lead_agencies(sentences, agency_mentions(sentences, national), national)
    assert leads["lead_agency_id"].tolist()[:2] == ["state_council", "state_council"]
    review = report_of("陕西省")
    leads = lead_agencies(sentences, agency_mentions(sentences, review), review)
    assert [None if pd.isna(x) else x for x in leads["lead_agency_id"]] == [
        "province_npc_standing_committee",
        None,
        "province_npc_standing_committee",
    ]


def test_a_body_followed_by_any_word_stays_a_mention() -> None:
    assert [
        a for a, _, _ in found("市政府分别召开会议，省政府长期支持。", report_of("西安市"))
    ] == [
        "city_municipal_government",
        "sn_government",
    ]


PLACES = sorted(form_index().kinds)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(FILLER, st.sampled_from(PLACES)), min_size=1, max_size=8))
def test_leftmost_longest_is_the_automatons(pieces: list[tuple[str, str]]) -> None:
    text = "".join(f + p for f, p in pieces)
    every = AhoCorasick(PLACES).find_matches_as_indexes(text, overlapping=True)
    searched = AhoCorasick(PLACES, matchkind=MatchKind.LeftmostLongest)
    expected = [(s, e) for _, s, e in searched.find_matches_as_indexes(text)]
    assert leftmost_longest([(s, e) for _, s, e in every]) == expected
    assert expected


def test_mentions_are_those_of_each_text_alone_when_texts_without_a_word_are_skipped() -> None:
    """The texts searched joined (some holding the separator, a line break) for a word of the
    matcher: each text's mentions are its own, the texts without a word have none."""
    known = packaged_matcher()
    texts = ["", "国务院", "今天天气很好。", "市政府和\n财政部", "\n", "审计署", "无", "美国国务院"]
    texts += [t + "\n" + u for t in texts for u in texts]
    mentions = partial(agencies._text_mentions, known=known)
    starts = partial(agencies._word_starts, known)
    found = where_found(texts, mentions, starts, known.separator)
    assert found == [mentions(t) for t in texts]
    assert 0 < sum(map(bool, found)) < len(texts)


def test_after_a_character_outside_jieba_s_blocks_the_last_word_is_tagged_x() -> None:
    """What lets `foreign_before` skip segmenting there: at every such position of the national
    reports' lines (and after 美国 itself), the window's last word is that character, tagged x."""
    folder = Path(__file__).resolve().parents[1] / "data/raw/national_gwr"
    lines = [line for path in sorted(folder.glob("*.txt"))[::4] for line in path.open()]
    skipped = [
        (line, i)
        for line in lines
        for i in range(1, len(line))
        if RE_HAN_INTERNAL.fullmatch(line, i - 1, i) is None
    ]
    assert len(skipped) > 1000
    for line, i in skipped:
        word, flag = pos_tags(line[max(0, i - FOREIGN_WINDOW) : i])[-1]
        assert flag == "x" and len(word) <= 2, (line, i)
    assert foreign_before("美国国务院", 2) and foreign_before("美国，美国国务院", 5)
