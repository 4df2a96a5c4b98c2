"""The review as a reference: citation labels, a page per paper, the claims explorer, numbered tables, the PDF.

Label rules are checked on references.bib directly; everything else on one small copy of the book (the
inference chapter, the citation page, a table page, the bibliography, the explorer and the paper pages)
built once, with a paper added to it as rows alone.
"""

from __future__ import annotations

import csv
import functools
import html
import http.server
import io
import re
import threading
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup
from conftest import ROOT, build, copy_project, small_toc

from lcreview import bibstyle
from lcreview.paperpages import FOLDER, included

KEY = "fixture-reference-2024"
FIXTURE = {
    "key": KEY,
    "arxiv_id": "2405.99999",
    "title": "A Fixture Paper *Added* as Rows & <2 [x] `code` 'quoted' -- $1",
    "short": "FixtureRef",
    "date": "",
    "published": "2024-05-20",
    "theme": "inference",
    "themes_secondary": "benchmark",
    "included": "true",
    "exclusion_reason": "",
    "n_authors": "3",
    "votes": "",
    "venue": "",
    "code_url": "https://example.org/fixture",
    "summary": "A fixture paper; 5 < 6 & *not bold* `not code`.",
}
QUOTE = "FixtureRef reaches up to 12.5x the throughput of its baseline 'as written' -- *star* _under_"
CLAIM = {
    "id": f"{KEY}.1",
    "paper": KEY,
    "quantity": "throughput gain",
    "value": "12.5",
    "value_text": "12.5x",
    "unit": "x",
    "qualifier": "up to",
    "model": "Toy-1B",
    "hardware": "1xA100",
    "baseline": "FlashAttention",
    "baseline_kind": "optimized-kernel",
    "location": "abstract",
    "quote": QUOTE,
}
GPUS = {
    "id": f"{KEY}.2",
    "paper": KEY,
    "quantity": "GPUs",
    "value": "64",
    "value_text": "64",
    "unit": "GPUs",
    "qualifier": "exact",
    "task": "training",
    "location": "Section 4",
    "quote": "FixtureRef trains on 64 GPUs",
}
BIB = (
    "\n@article{" + KEY + ",\n  title = {{A Fixture Paper Added as Rows}},\n"
    "  author = {Li, Ada and Tester, Bo and Case, Cy},\n  journal = {arXiv preprint arXiv:2405.99999},\n"
    "  year = {2024},\n  eprint = {2405.99999},\n  archivePrefix = {arXiv},\n"
    "  url = {https://arxiv.org/abs/2405.99999}\n}\n"
)
TABLE_PAGE = """# Table test

See {numref}`tab-tabletest-t`.

```{lcr-table} /book/tabletest.csv
:name: tab-tabletest-t
:links: Benchmark=url

Two rows, one cited {cite:p}`longbench-2023`.
```
"""
TABLE_CSV = (
    'Benchmark,url,Note\nLongBench,https://arxiv.org/abs/2308.14508,"</script><b>bold</b> *y* {cite:p}`z`"\n'
    "Evil,javascript:alert(1),plain\n"
)


def bib_entries(root: Path):
    from pybtex.database import parse_file

    keys = {r["key"] for r in included(root)}
    return [e for k, e in parse_file(str(root / "references.bib")).entries.items() if k in keys]


def test_labels_are_unique_and_lettered():
    bibstyle.FIRST_VERSION.update({r["key"]: r["published"] for r in included(ROOT)})
    labels = bibstyle.labels(bib_entries(ROOT))
    texts = [bibstyle.label_of(*parts) for parts in labels.values()]
    assert len(texts) == len(set(texts)) == len(included(ROOT))
    groups: dict = {}
    for who, year in labels.values():
        groups.setdefault((who, year[:4]), []).append(year[4:])
    for (who, year), letters in groups.items():
        assert sorted(letters) == ([""] if len(letters) == 1 else list("abcdefghijklmnopqrstuvwxyz"[: len(letters)])), (
            who,
            year,
            letters,
        )


def test_label_year_is_the_first_version():
    bibstyle.FIRST_VERSION.update({r["key"]: r["published"] for r in included(ROOT)})
    entries = bib_entries(ROOT)
    labels = bibstyle.labels(entries)
    for e in entries:
        assert labels[e.key][1][:4] == bibstyle.FIRST_VERSION[e.key][:4]


@pytest.fixture(scope="module")
def book(tmp_path_factory) -> Path:
    root = small_toc(
        copy_project(tmp_path_factory.mktemp("reference") / "project"),
        ["notebooks/training", "book/cite", "book/tabletest"],
    )
    toc = yaml.safe_load((root / "_toc.yml").read_text())
    toc["chapters"] += [{"file": "book/explorer"}, {"file": "book/papers", "sections": [{"glob": f"{FOLDER}/*"}]}]
    (root / "_toc.yml").write_text(yaml.safe_dump(toc))
    (root / "book" / "tabletest.md").write_text(TABLE_PAGE)
    (root / "book" / "tabletest.csv").write_text(TABLE_CSV)
    append_row(root / "data" / "papers.csv", FIXTURE)
    append_row(root / "data" / "claims.csv", CLAIM)
    append_row(root / "data" / "claims.csv", GPUS)
    (root / "references.bib").write_text((root / "references.bib").read_text() + BIB)
    code, log = build(root)
    assert code == 0, log
    return root


def append_row(path: Path, row: dict) -> None:
    with open(path, newline="", encoding="utf-8") as fh:
        header = csv.DictReader(fh).fieldnames
    buf = io.StringIO()
    csv.DictWriter(buf, fieldnames=header, lineterminator="\n").writerow({k: row.get(k, "") for k in header})
    path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + "\n" + buf.getvalue(), encoding="utf-8")


def soup(book: Path, page: str) -> BeautifulSoup:
    return BeautifulSoup((book / "_build" / "html" / page).read_text(encoding="utf-8"), "html.parser")


def bibliography(book: Path) -> dict[str, tuple[str, str]]:
    """Anchor -> (label, entry text) of the bibliography."""
    out = {}
    for div in soup(book, "book/bibliography.html").select("div.citation"):
        out[div["id"]] = (div.select_one("span.label").get_text().strip("[] "), div.get_text(" ", strip=True))
    return out


@pytest.mark.build
def test_citations_show_the_bibliography_label(book):
    entries = bibliography(book)
    labels = [label for label, _ in entries.values()]
    assert len(labels) == len(set(labels)), "two entries share a label"
    seen = 0
    for path in (book / "_build" / "html").rglob("*.html"):
        for a in BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser").select("span.bibtex-citation a"):
            label = entries[a["href"].split("#")[1]][0]
            text = a.get_text()
            assert text == label or text == bibstyle.split_label(label)[1], (path.name, text, label)
            assert a["title"].startswith(label + ". "), a["title"]
            seen += 1
    assert seen > 50


@pytest.mark.build
def test_bibliography_leaves_out_the_excluded_paper_and_links_paper_pages(book):
    excluded = [r for r in csv.DictReader(open(book / "data" / "papers.csv")) if r["included"] == "false"]
    text = " ".join(t for _, t in bibliography(book).values())
    assert excluded and all(r["title"] not in text for r in excluded)
    links = [
        a["href"]
        for a in soup(book, "book/bibliography.html").select("div.citation a")
        if a["href"].startswith("papers/")
    ]
    assert len(links) == len(included(book))


@pytest.mark.build
def test_every_included_paper_has_its_page(book):
    claims = list(csv.DictReader(open(book / "data" / "claims.csv", encoding="utf-8")))
    for paper in included(book):
        page = soup(book, f"{FOLDER}/{paper['key']}.html")
        assert page.find("h1").get_text().rstrip("#") == paper["title"]
        assert page.find("a", href=f"https://arxiv.org/abs/{paper['arxiv_id']}")
        body = page.select_one("main").get_text(" ")
        for claim in (c for c in claims if c["paper"] == paper["key"]):
            assert " ".join(claim["quote"].split()) in " ".join(body.split()), (paper["key"], claim["id"])
        assert "@" in page.select_one("div.highlight-bibtex").get_text()


@pytest.mark.build
def test_a_paper_added_as_rows_gets_page_explorer_rows_and_entry(book):
    page = soup(book, f"{FOLDER}/{KEY}.html")
    assert page.find("h1").get_text().rstrip("#") == FIXTURE["title"]
    assert not page.select("main em, main strong code, main h1 code"), "data was read as markup"
    assert page.find("a", href="https://example.org/fixture")
    assert QUOTE in page.select_one("main").get_text()
    figures = [a["href"] for a in page.select(f"#{KEY}-uses a")]
    assert any(h.startswith("../../notebooks/training.html#fig-training-") for h in figures), figures
    texts = [a.get_text() for a in page.select(f"#{KEY}-uses a") if "#fig-" in a["href"]]
    assert texts and all(re.fullmatch(r"Figure [\d.]+: [^()]{10,120}", t) for t in texts), texts  # opening clause
    assert "../../notebooks/training.html" in figures, "the chapter citing it in a caption"
    rows = [r for r in soup(book, "book/explorer.html").select("tbody tr") if "FixtureRef" in r.get_text()]
    assert len(rows) == 2 and QUOTE in rows[0].get_text() + rows[1].get_text()
    labels = [label for label, text in bibliography(book).values() if "Fixture Paper Added" in text]
    assert len(labels) == 1 and re.fullmatch(r"Li et al\., 2024[a-z]", labels[0]), labels


@pytest.mark.build
def test_table_is_numbered_and_cells_stay_text(book):
    page = soup(book, "book/tabletest.html")
    table = page.select_one("table#tab-tabletest-t")
    number = re.match(r"Table (\d+(\.\d+)*) ", table.caption.get_text())
    assert number, table.caption.get_text()
    assert page.find("a", href="#tab-tabletest-t").get_text() == f"Table {number.group(1)}"
    cells = [td.get_text() for td in table.select("tbody td")]
    assert "</script><b>bold</b> *y* {cite:p}`z`" in cells
    assert not table.select("tbody b") and not table.find("a", href=re.compile("^javascript"))


@pytest.fixture(scope="module")
def server(book):
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(book / "_build" / "html"))
    handler.log_message = lambda *a, **k: None
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.mark.build
@pytest.mark.browser
def test_explorer_filters_sorts_and_downloads_offline(server, tmp_path):
    from browse import ARGS, CHROMIUM
    from playwright.sync_api import sync_playwright

    outside, errors = [], []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(accept_downloads=True)
        context.route(
            lambda url: not url.startswith(server), lambda route: (outside.append(route.request.url), route.abort())
        )
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(f"{server}/book/explorer.html")
        total = page.locator("tbody tr").count()
        page.fill("[data-lcr-search]", "FixtureRef")
        visible = page.locator("tbody tr:visible")
        assert visible.count() == 2 and page.locator("[data-lcr-count]").inner_text() == f"2 of {total} numbers"
        page.select_option("[data-lcr-quantity]", "throughput gain")
        assert visible.count() == 1 and "12.5x" in visible.first.inner_text()
        page.fill("[data-lcr-search]", "")
        quantities = page.locator("tbody tr:visible td:nth-child(3)").all_inner_texts()
        assert quantities and set(quantities) == {"throughput gain"}
        page.select_option("[data-lcr-theme]", "benchmark")
        shown = page.locator("tbody tr:visible").count()
        assert 1 <= shown < len(quantities)
        page.click("[data-lcr-sort='2']")
        with page.expect_download() as info:
            page.click("[data-lcr-download]")
        rows = list(csv.reader(open(info.value.path(), encoding="utf-8")))
        assert rows[0][:3] == ["Paper", "As written", "Quantity"] and len(rows) == shown + 1
        browser.close()
    assert not outside and not errors, (outside, errors)


@pytest.mark.build
def test_make_pdf_holds_every_chapter_and_the_bibliography(book):
    from pypdf import PdfReader

    from lcreview import pdf

    assert pdf.main(["--root", str(book)]) == 0
    made = book / "_build" / "site-src" / pdf.FOLDER / pdf.NAME
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(made).pages)
    for title in (
        "A small copy of the review",
        "How to cite this review",
        "Bibliography",
        "Claims explorer",
        "Table test",
        "A Fixture Paper",
    ):
        assert title in text, title
    assert re.search(r"Fig(ure|\.) \d", text)
    code, log = build(book)
    assert code == 0, log
    cite = soup(book, "book/cite.html").select_one("p.lcr-pdf-link a")
    assert cite is not None and (book / "_build" / "html" / pdf.NAME).is_file()
    assert html.unescape(cite["href"]) == f"../{pdf.NAME}"
