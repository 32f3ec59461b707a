"""The reports a notebook analyses: folder and reports parameters, descriptions, loading."""

from __future__ import annotations

import pandas as pd
import pytest

from szpolicy.analysis.selection import data_folder, describe, load_selected, select_reports
from szpolicy.errors import SzpolicyError
from szpolicy.io import paths

REPORTS = pd.DataFrame(
    {
        "report_id": ["s", "n1", "n2", "x"],
        "title": ["seed", "n one", "n two", "other"],
        "year": [2024, 1954, 2025, None],
        "jurisdiction": ["深圳市", "全国", "全国", ""],
        "genre": ["g", "gwr", "gwr", ""],
        "collection": ["seed", "national_gwr", "national_gwr", ""],
        "source_file": ["a.txt", "b.txt", "c.txt", "d.txt"],
    }
)


def test_reports_name_one_a_list_a_collection_or_all() -> None:
    assert select_reports(None, REPORTS) == ["s"]
    assert select_reports(None, REPORTS, "national_gwr") == ["n1", "n2"]
    assert select_reports(None, REPORTS, "absent") == ["s", "n1", "n2", "x"]
    assert select_reports("all", REPORTS) == ["s", "n1", "n2", "x"]
    assert select_reports("national_gwr", REPORTS) == ["n1", "n2"]
    assert select_reports(["n2", "s"], REPORTS) == ["s", "n2"]  # in the table's order
    assert select_reports(None, REPORTS, report_id="x") == ["x"]


def test_wrong_reports_are_refused_with_the_choices() -> None:
    with pytest.raises(SzpolicyError, match="reports='y' is not allowed; choose one of: 'all'"):
        select_reports("y", REPORTS)
    with pytest.raises(SzpolicyError, match="report_id='y' is not allowed"):
        select_reports(None, REPORTS, report_id="y")
    with pytest.raises(SzpolicyError, match="not both"):
        select_reports("s", REPORTS, report_id="x")
    with pytest.raises(SzpolicyError, match="must be a report id, a list"):
        select_reports(5, REPORTS)


def test_data_folder_needs_a_reports_table(tmp_path) -> None:
    assert data_folder(None) == paths.PROCESSED
    with pytest.raises(SzpolicyError, match="holds no reports table"):
        data_folder(str(tmp_path))
    REPORTS.to_csv(tmp_path / "reports.csv", index=False)
    assert data_folder(str(tmp_path)) == tmp_path.resolve()


def test_describe_names_title_year_place_and_source() -> None:
    table = describe(REPORTS, ["n1", "s"])
    assert list(table.columns) == [
        "report_id", "title", "year", "jurisdiction", "genre", "collection", "source"
    ]  # fmt: skip
    assert list(table["report_id"]) == ["s", "n1"]
    assert (table["source"] != "").all()


def test_load_selected_keeps_the_chosen_reports() -> None:
    sections = load_selected("sections", paths.PROCESSED, ["000_90487d465f63e9bb"])
    assert set(sections["report_id"]) == {"000_90487d465f63e9bb"}
    assert len(load_selected("agencies", paths.PROCESSED, ["none"])) > 0  # no report_id column
