"""The research site: built from the executed notebooks and the tables, then opened page by
page in a real headless Chromium (the Debian package; .ci/run installs it)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import matplotlib
import pandas as pd
import pytest

from szpolicy.cli import main
from szpolicy.errors import SzpolicyError
from szpolicy.io import paths
from szpolicy.schema import TABLES, columns
from szpolicy.site import build_site, title_and_question

from .browser import Browser, crawl

pytestmark = pytest.mark.heavy  # run early: see conftest.py


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site of the committed (executed) notebooks and datasets."""
    return build_site(tmp_path_factory.mktemp("site") / "site", paths.NOTEBOOKS)


@pytest.fixture(scope="module")
def browser():
    """Chromium that sees no system font but matplotlib's DejaVu (no Chinese), so every Chinese
    glyph must come from the site's own font, as on a reader's machine without CJK fonts."""
    with Browser(fonts=Path(matplotlib.get_data_path()) / "fonts" / "ttf") as b:
        yield b


def test_every_page_loads_renders_its_images_and_glyphs_and_links(site: Path, browser) -> None:
    pages, problems = crawl(browser, site / "index.html")
    assert problems == []
    names = {p.relative_to(site).as_posix() for p in pages}
    books = sorted(paths.NOTEBOOKS.glob("[0-9][0-9]-*.ipynb"))
    collections = set(pd.read_csv(paths.PROCESSED / "reports.csv")["collection"])
    assert {f"notebooks/{b.stem}.html" for b in books} <= names
    assert {f"collections/{c}.html" for c in collections} <= names
    assert "data-dictionary.html" in names


def test_index_gives_each_notebook_its_title_question_and_figure(site: Path) -> None:
    index = (site / "index.html").read_text(encoding="utf-8")
    for book in sorted(paths.NOTEBOOKS.glob("[0-9][0-9]-*.ipynb")):
        title, question = title_and_question(json.loads(book.read_text("utf-8")), book.name)
        page = (site / "notebooks" / f"{book.stem}.html").read_text(encoding="utf-8")
        assert f"<title>{title} - szpolicy</title>" in page.replace("&amp;", "&")
        assert title in index.replace("&amp;", "&")
        assert question.split()[0] in index
    shown = re.findall(r'<img[^>]+src="(figures/[^"]+\.png)"', index)
    assert shown and all((site / src).stat().st_size > 1000 for src in shown)


def test_data_dictionary_lists_every_table_and_column(site: Path) -> None:
    page = (site / "data-dictionary.html").read_text(encoding="utf-8")
    for table in TABLES:
        section = page.split(f"(<code>{table}</code>)</h2>")[1].split("<h2")[0]
        for column in columns(table):
            assert f"<code>{column}</code>" in section


def test_collection_pages_list_their_reports_with_source_and_licence(site: Path) -> None:
    reports = pd.read_csv(paths.PROCESSED / "reports.csv", dtype=str)
    manifest = pd.read_csv(paths.MANIFEST, dtype=str, keep_default_na=False)
    for name, rows in reports.groupby("collection"):
        page = (site / "collections" / f"{name}.html").read_text(encoding="utf-8")
        for row in rows.itertuples():
            assert row.report_id in page
            source = manifest.loc[manifest["report_id"] == row.report_id, "source"].item()
            if source.startswith("http"):
                assert f'href="{source}"' in page


def test_the_browser_check_finds_broken_images_links_and_missing_glyphs(
    tmp_path: Path, browser
) -> None:
    (tmp_path / "index.html").write_text(
        '<html><head><title>t</title></head><body><p>中文</p><p id="here">\U0002ebf0</p>'
        '<img src="none.png"><a href="gone.html">x</a><a href="index.html#nowhere">y</a>'
        '<a href="index.html#here">z</a></body></html>',
        encoding="utf-8",
    )
    _, problems = crawl(browser, tmp_path / "index.html")
    assert any("console error" in p and "ERR_FILE_NOT_FOUND" in p for p in problems)
    assert any("image not rendered" in p and "none.png" in p for p in problems)
    assert any("missing glyph '\\U0002ebf0'" in p for p in problems)
    assert any("missing glyph '中'" in p for p in problems)  # no CJK font but the site's
    assert any("broken link" in p and "gone.html" in p for p in problems)
    assert any("broken link to index.html#nowhere" in p for p in problems)


def test_a_site_without_notebooks_or_tables_is_refused_by_name(tmp_path, capsys) -> None:
    assert main(["site", "--reports", str(tmp_path), "--out", str(tmp_path / "site")]) == 2
    assert f"{tmp_path}: no executed notebooks; run `szpolicy run` first" in capsys.readouterr().err
    with pytest.raises(SzpolicyError, match="no reports table; run `szpolicy build` first"):
        build_site(tmp_path / "site", paths.NOTEBOOKS, tmp_path / "processed")
    assert not (tmp_path / "site").exists()
