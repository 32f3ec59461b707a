"""The research site (reports/site/): an index of the notebooks' questions and key figures, the
executed notebooks, the data dictionary and one page per collection, built with MkDocs."""

from __future__ import annotations

import base64
import html
import json
import re
import shutil
import tempfile
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

import pandas as pd
import yaml

from .analysis.plotting import cjk_font_path
from .errors import SzpolicyError
from .io import paths
from .io.manifest import read_manifest
from .schema import FIELDS_FILE, TABLES, spec

FONT_FAMILY = "szpolicy CJK"
SYMBOL_FAMILY = "szpolicy symbols"  # what Noto Sans CJK lacks (superscripts, arrows …)
PNG_NAME = re.compile(r"""["']([^"'/\\]+\.png)["']""")
SITE_FONTS = f'"{FONT_FAMILY}", "{SYMBOL_FAMILY}"'
TEXT_FONTS = f"Helvetica, Arial, {SITE_FONTS}"
CODE_FONTS = f'SFMono-Regular, Consolas, Menlo, "DejaVu Sans Mono", {SITE_FONTS}'
# Latin text keeps the reader's fonts; Chinese and symbols come from the site's own fonts.
CSS = f"""@font-face {{ font-family: "{FONT_FAMILY}"; src: url("../fonts/cjk.otf"); }}
@font-face {{ font-family: "{SYMBOL_FAMILY}"; src: url("../fonts/symbols.ttf"); }}
:root {{ --md-text-font: {TEXT_FONTS}; --md-code-font: {CODE_FONTS}; }}
.jupyter-wrapper {{
  --jp-ui-font-family: {TEXT_FONTS}, sans-serif;
  --jp-content-font-family: {TEXT_FONTS}, sans-serif;
  --jp-code-font-family: {CODE_FONTS}, monospace;
}}
.jupyter-wrapper pre, .jupyter-wrapper code {{ font-family: {CODE_FONTS}, monospace; }}
.jupyter-wrapper .jp-OutputArea-output,
.jupyter-wrapper .jp-InputArea-editor {{ overflow-x: auto; }}
.md-grid {{ max-width: 90rem; }}
.key-figure {{ max-width: 100%; }}
"""


def cell_text(cell: dict) -> str:
    """A notebook cell's source as one string (nbformat allows a list of lines)."""
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def title_and_question(nb: dict, name: str) -> tuple[str, str]:
    """The notebook's first heading and the paragraph after it (the question it asks)."""
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "markdown":
            continue
        lines = cell_text(cell).splitlines()
        for i, line in enumerate(lines):
            if line.startswith("#"):
                rest = "\n".join(lines[i + 1 :]).strip()
                return line.lstrip("#").strip(), rest.split("\n\n")[0].replace("\n", " ")
    raise SzpolicyError("notebook has no heading to title it", name)


def key_figure(nb: dict, reports: Path, stem: str) -> tuple[str, bytes] | None:
    """The notebook's key figure (file name, PNG bytes): the first PNG its code names that is in
    `reports`, else the first PNG it shows (a committed notebook run elsewhere)."""
    code = [c for c in nb.get("cells", []) if c.get("cell_type") == "code"]
    for c in code:
        for png in PNG_NAME.findall(cell_text(c)):
            if (reports / png).is_file():
                return png, (reports / png).read_bytes()
    for c in code:
        for output in c.get("outputs", []):
            if "image/png" in output.get("data", {}):
                return f"{stem}.png", base64.b64decode(output["data"]["image/png"])
    return None


def cell(value: object) -> str:
    """A value escaped for a Markdown table cell (missing values empty)."""
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return ""
    return html.escape(str(value)).replace("|", "&#124;").replace("\n", " ")


def link(url: object) -> str:
    """A source as a link named by its site when it is a URL, else as text."""
    text = cell(url)
    if not text.startswith(("http://", "https://")):
        return text
    return f'<a href="{text}">{cell(urlsplit(str(url)).netloc)}</a>'


def index_page(books: list[dict], collections: list[str]) -> str:
    """The front page: what the project is, its collections, then each notebook's question and
    key figure."""
    out = [
        "# szpolicy: tidy datasets from Chinese policy reports",
        "",
        "Each notebook below asks one question of the tables built from the reports; its page",
        "shows the executed notebook. The [data dictionary](data-dictionary.md) describes every",
        "column, and each collection's page lists its reports and where they came from:",
        "",
    ]
    out += [f"- [{cell(c)}](collections/{c}.md)" for c in collections]
    for b in books:
        out += ["", f"## [{cell(b['title'])}](notebooks/{b['file']})", "", b["question"], ""]
        if b["figure"]:
            alt = cell(b["title"])
            out.append(f'<img class="key-figure" src="figures/{b["figure"]}" alt="{alt}">')
    return "\n".join(out) + "\n"


def dictionary_page() -> str:
    """Every table's description, keys and columns, from the schema files."""
    names = list(TABLES) + sorted(
        p.name.removesuffix(".yaml")
        for p in resources.files("szpolicy").joinpath("schema").iterdir()
        if p.name.endswith(".yaml")
        and p.name != FIELDS_FILE
        and p.name.removesuffix(".yaml") not in TABLES
    )
    out = ["# Data dictionary", "", "Generated from the table schemas (`src/szpolicy/schema/`)."]
    for name in names:
        s = spec(name)
        out += ["", f"## {cell(s.get('title', name))} (`{name}`)", "", cell(s["description"]), ""]
        if s.get("primary_key"):
            out += [f"Key: {', '.join(f'`{k}`' for k in s['primary_key'])}", ""]
        out += ["| column | type | required | description |", "|---|---|---|---|"]
        for f in s["fields"]:
            allowed = f" Values: {', '.join(map(str, f['enum']))}." if "enum" in f else ""
            required = "yes" if f.get("required") else "no"
            out.append(
                f"| `{f['name']}` | {f['type']} | {required} | {cell(f['description'])}{allowed} |"
            )
    return "\n".join(out) + "\n"


def collection_page(name: str, reports: pd.DataFrame) -> str:
    """A collection's reports (title, year, place, genre, size, source), then their licences."""
    out = [
        "---",
        "hide: [toc]",  # the table needs the width
        "---",
        f"# Collection: {cell(name)}",
        "",
        f"{len(reports)} report(s).",
        "",
        "| report | title | year | jurisdiction | genre | characters | source |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in reports.itertuples():
        out.append(
            f"| `{cell(r.report_id)}` | {cell(r.title)} | {cell(r.year)} | {cell(r.jurisdiction)}"
            f" | {cell(r.genre)} | {cell(r.n_chars)} | {link(r.source)} |"
        )
    out += ["", "## Licences", ""]
    for licence, rows in reports.fillna({"licence": ""}).groupby("licence", sort=True):
        ids = ", ".join(f"`{cell(i)}`" for i in rows["report_id"])
        out.append(f"- {cell(licence) or 'not recorded'}: {ids}")
    return "\n".join(out) + "\n"


def web_fonts() -> dict[str, Path]:
    """The site's font files and the packaged fonts they are cut from: Noto Sans CJK (mplfonts)
    and, for the symbols it lacks, DejaVu Sans (matplotlib)."""
    import matplotlib

    dejavu = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"
    return {"cjk.otf": cjk_font_path(), "symbols.ttf": dejavu}


def subset_font(text: str, source: Path, target: Path) -> None:
    """A font cut to the characters of `text` (and ASCII), so the site ships only what it shows."""
    from fontTools import subset

    options = subset.Options()
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.drop_tables += ["FFTM"]  # a FontForge timestamp the subsetter cannot cut
    font = subset.load_font(str(source), options)
    sub = subset.Subsetter(options)
    sub.populate(unicodes={ord(ch) for ch in text if ord(ch) > 0x7F} | set(range(0x20, 0x7F)))
    sub.subset(font)
    target.parent.mkdir(parents=True, exist_ok=True)
    subset.save_font(font, str(target), options)


def write_sources(docs: Path, reports_dir: Path, processed: Path, manifest: Path) -> list[dict]:
    """Write the site's Markdown, notebooks, figures and font into `docs`; return the nav."""
    from .pipeline.build import load

    executed = sorted(reports_dir.glob("[0-9][0-9]-*.ipynb"))
    if not executed:
        raise SzpolicyError("no executed notebooks; run `szpolicy run` first", reports_dir)
    books = []
    for path in executed:
        nb = json.loads(path.read_text(encoding="utf-8"))
        title, question = title_and_question(nb, str(path))
        figure = key_figure(nb, reports_dir, path.stem)
        (docs / "notebooks").mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, docs / "notebooks" / path.name)
        if figure:
            (docs / "figures").mkdir(exist_ok=True)
            (docs / "figures" / figure[0]).write_bytes(figure[1])
        books.append(
            {
                "file": path.name,
                "title": title,
                "question": question,
                "figure": figure[0] if figure else None,
            }
        )
    sources = pd.DataFrame(
        [(e.report_id, e.source, e.licence) for e in read_manifest(manifest)]
        if manifest.exists()
        else [],
        columns=["report_id", "source", "licence"],
    )
    try:
        reports = load("reports", processed)
    except OSError:
        raise SzpolicyError("no reports table; run `szpolicy build` first", processed) from None
    table = reports.merge(sources, on="report_id", how="left")
    collections = sorted(table["collection"].unique())
    (docs / "collections").mkdir()
    for name in collections:
        rows = table[table["collection"] == name]
        (docs / "collections" / f"{name}.md").write_text(collection_page(name, rows), "utf-8")
    (docs / "index.md").write_text(index_page(books, collections), "utf-8")
    (docs / "data-dictionary.md").write_text(dictionary_page(), "utf-8")
    (docs / "css").mkdir()
    (docs / "css" / "site.css").write_text(CSS, "utf-8")
    return [
        {"Home": "index.md"},
        {"Notebooks": [{b["title"]: f"notebooks/{b['file']}"} for b in books]},
        {"Data dictionary": "data-dictionary.md"},
        {"Collections": [{name: f"collections/{name}.md"} for name in collections]},
    ]


def mkdocs_config(docs: Path, site: Path, nav: list[dict]) -> dict:
    """MkDocs with the Material theme and mkdocs-jupyter; no web fonts or scripts fetched."""
    return {
        "site_name": "szpolicy",
        "docs_dir": str(docs),
        "site_dir": str(site),
        "use_directory_urls": False,  # pages open from the file system as well as a server
        "strict": True,  # a broken internal link fails the build
        "theme": {"name": "material", "font": False, "language": "en"},
        "extra_css": ["css/site.css"],
        "markdown_extensions": ["tables", "md_in_html"],
        "plugins": [
            {"mkdocs-jupyter": {"execute": False, "include_source": False}},
        ],
        "nav": nav,
    }


def build_site(
    out: Path = paths.REPORTS / "site",
    reports_dir: Path = paths.REPORTS,
    processed: Path = paths.PROCESSED,
    manifest: Path = paths.MANIFEST,
) -> Path:
    """Build the site into `out` (replaced whole) from the executed notebooks and the tables."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    with tempfile.TemporaryDirectory(prefix="szpolicy-site-") as tmp:
        docs, site = Path(tmp) / "docs", Path(tmp) / "site"
        docs.mkdir()
        config_file = Path(tmp) / "mkdocs.yml"
        nav = write_sources(docs, reports_dir, processed, manifest)
        config_file.write_text(yaml.safe_dump(mkdocs_config(docs, site, nav), allow_unicode=True))
        try:
            build(load_config(str(config_file)))
        except (MkDocsException, SystemExit) as err:
            raise SzpolicyError(f"site build failed: {err}", out) from None
        shown = "".join(p.read_text(encoding="utf-8") for p in site.rglob("*.html"))
        for name, source in web_fonts().items():
            subset_font(shown, source, site / "fonts" / name)
        if out.exists():
            shutil.rmtree(out)
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(site, out)
    return out
