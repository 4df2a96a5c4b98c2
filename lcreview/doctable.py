"""Tables as real docutils tables: numbered by numfig ("Table 3.1"), captioned, every cell plain text.

``table_node`` builds one from rows of strings; the ``lcr-table`` directive reads a CSV file of the book::

    ```{lcr-table} /_generated/benchmarks/abilities.csv
    :name: tab-benchmarks-abilities
    :links: Benchmark=url

    Caption in MyST markdown, citations allowed: {cite:p}`longbench-2023`.
    ```

``:links: TEXT=URL`` makes the cells of column TEXT links to the address in column URL, which is not
shown (several pairs separated by spaces). A cell's text is never interpreted as markup.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util.docutils import SphinxDirective

from lcreview.text import one_line

SAFE_SCHEMES = ("https://", "http://")


def link_or_text(text: str, url: str | None) -> nodes.Node:
    """A link when ``url`` is an http(s) address, else the text alone."""
    text = one_line(text)
    if url and url.strip().lower().startswith(SAFE_SCHEMES):
        return nodes.reference("", text, refuri=url.strip())
    return nodes.Text(text)


def table_node(
    header: Sequence[str],
    rows: Sequence[Sequence],
    classes: Sequence[str] = ("lcr-table",),
    title: nodes.title | None = None,
) -> nodes.table:
    """A docutils table; a cell is a string (shown as text) or a docutils node."""
    table = nodes.table(classes=list(classes))
    if title is not None:
        table += title
    group = nodes.tgroup(cols=len(header), support_smartquotes=False)  # cells exactly as in the data
    table += group
    group.extend(nodes.colspec(colwidth=1) for _ in header)
    group += nodes.thead("", _row(header))
    group += nodes.tbody("", *[_row(r) for r in rows])
    return table


def _row(cells) -> nodes.row:
    row = nodes.row()
    for cell in cells:
        content = cell if isinstance(cell, nodes.Node) else nodes.Text(one_line("" if cell is None else cell))
        row += nodes.entry("", nodes.paragraph("", "", content))
    return row


def parse_links(spec: str) -> dict[str, str]:
    """'Paper=url Code=code_url' -> {'Paper': 'url', 'Code': 'code_url'}."""
    pairs = {}
    for part in spec.split():
        text, sep, url = part.partition("=")
        if not sep or not text or not url:
            raise ValueError(f"links: {part!r} is not TEXT=URL")
        pairs[text] = url
    return pairs


class TableDirective(SphinxDirective):
    """A numbered table read from a CSV file; the content is its caption."""

    required_arguments = 1
    has_content = True
    option_spec = {"name": directives.unchanged, "links": directives.unchanged, "class": directives.class_option}

    def run(self):
        rel, path = self.env.relfn2path(self.arguments[0])
        where = f"{self.env.docname}: lcr-table {self.arguments[0]}"
        try:
            links = parse_links(self.options.get("links", ""))
            with open(path, newline="", encoding="utf-8") as fh:
                data = list(csv.reader(fh))
        except (OSError, ValueError, csv.Error) as exc:
            raise self.error(f"{where}: {exc}") from None
        if not data:
            raise self.error(f"{where}: the file is empty")
        self.env.note_dependency(rel)
        head, body = data[0], data[1:]
        missing = [c for pair in links.items() for c in pair if c not in head]
        if missing:
            raise self.error(f"{where}: links name columns the file does not have: {', '.join(missing)}")
        hidden = set(links.values())
        shown = [i for i, c in enumerate(head) if c not in hidden]
        url_at = {head.index(t): head.index(u) for t, u in links.items()}
        rows = [
            [link_or_text(r[i], r[url_at[i]]) if i in url_at else r[i] for i in shown]
            for r in (row + [""] * (len(head) - len(row)) for row in body)
        ]
        table = table_node([head[i] for i in shown], rows, ["lcr-table", *self.options.get("class", [])], self._title())
        self.add_name(table)
        return [table]

    def _title(self) -> nodes.title:
        box = nodes.Element()
        self.state.nested_parse(self.content, self.content_offset, box)
        para = box.next_node(nodes.paragraph)
        title = nodes.title("", "")
        if para is not None:
            title.extend(para.children)
        return title


def setup(app) -> None:
    app.add_directive("lcr-table", TableDirective)


def read_rows(path: Path) -> list[dict[str, str]]:
    """The rows of a CSV file as dicts of strings ([] when the file is missing)."""
    if not path.is_file():
        return []
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))
