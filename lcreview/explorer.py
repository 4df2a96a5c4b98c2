"""The claims explorer: every recorded number in one table, filtered, sorted and downloaded in the browser.

The ``lcr-explorer`` directive stores the rows (plain strings from data/claims.csv and data/papers.csv)
in a node; the HTML writer renders them, escaped, as an ordinary table that reads without a script.
``book/_static/lcr-explorer.js`` (the project's own, no library, nothing fetched) adds the search box,
the theme and quantity filters, sorting by any column and a CSV download of the rows shown.
"""

from __future__ import annotations

import html
from pathlib import Path

from docutils import nodes
from sphinx.util.docutils import SphinxDirective

from lcreview.paperpages import CLAIM_HEAD, FOLDER, claim_cells, data, included, themes_of, vocabulary
from lcreview.text import one_line

HEAD = ["Paper", *CLAIM_HEAD]


class explorer(nodes.General, nodes.Element):
    """Rows of the explorer; rendered by :func:`visit_html`, left out by other writers."""


class ExplorerDirective(SphinxDirective):
    def run(self):
        src = Path(self.env.srcdir)
        for name in ("papers.csv", "claims.csv", "datapackage.json"):
            self.env.note_dependency(str(src / "data" / name))
        papers = {r["key"]: r for r in included(src)}
        rows = []
        for claim in data(src, "claims"):
            paper = papers.get(claim.get("paper", ""))
            if paper is None:
                continue
            rows.append(
                {
                    "key": paper["key"],
                    "short": paper.get("short") or paper["key"],
                    "title": paper.get("title", ""),
                    "themes": " ".join(themes_of(paper)),
                    "quantity": claim.get("quantity", ""),
                    "value": claim.get("value", ""),
                    "cells": claim_cells(claim),
                }
            )
        node = explorer(rows=rows, themes=vocabulary(src).get("themes", {}))
        return [node]


def _e(text) -> str:
    return html.escape(one_line(text), quote=True)


def _options(values: dict[str, str], everything: str) -> str:
    return f'<option value="">{_e(everything)}</option>' + "".join(
        f'<option value="{_e(k)}">{_e(v)}</option>' for k, v in values.items()
    )


def visit_html(self, node) -> None:
    rows, themes = node["rows"], node["themes"]
    used = {t for r in rows for t in r["themes"].split()}
    quantities = {q: q for q in sorted({r["quantity"] for r in rows})}
    out = [
        '<p class="lcr-print-only">The explorer works in the browser; in print, every number stands on its '
        "paper's page.</p>",
        '<div class="lcr-explorer" data-lcr-explorer>',
        '<div class="lcr-explorer-controls">',
        '<label>Search <input type="search" data-lcr-search placeholder="paper, quantity, quote…"></label>',
        f"<label>Theme <select data-lcr-theme>{_options({k: v for k, v in themes.items() if k in used}, 'All')}"
        "</select></label>",
        f"<label>Quantity <select data-lcr-quantity>{_options(quantities, 'All')}</select></label>",
        '<button type="button" data-lcr-download>Download the rows shown (CSV)</button>',
        f'<span class="lcr-explorer-count" data-lcr-count aria-live="polite">{len(rows)} numbers</span></div>',
        '<div class="lcr-table-wrap"><table class="lcr-table lcr-explorer-table"><thead><tr>',
    ]
    out += [
        f'<th scope="col"><button type="button" data-lcr-sort="{i}">{_e(h)}</button></th>' for i, h in enumerate(HEAD)
    ]
    out.append("</tr></thead><tbody>")
    for r in rows:
        href = self.builder.get_relative_uri(self.builder.current_docname, f"{FOLDER}/{r['key']}")
        cells = [f'<td><a href="{_e(href)}">{_e(r["short"])}</a></td>']
        for i, text in enumerate(r["cells"]):
            sort = f' data-sort="{_e(r["value"])}"' if i == 0 and r["value"] else ""
            cells.append(f"<td{sort}>{_e(text)}</td>")
        out.append(
            f'<tr data-theme="{_e(r["themes"])}" data-quantity="{_e(r["quantity"])}" '
            f'data-search="{_e(r["title"] + " " + r["key"])}">' + "".join(cells) + "</tr>"
        )
    out.append("</tbody></table></div></div>")
    self.body.append("".join(out))
    raise nodes.SkipNode


def skip(self, node) -> None:
    raise nodes.SkipNode


def setup(app) -> None:
    app.add_node(
        explorer, html=(visit_html, None), latex=(skip, None), text=(skip, None), man=(skip, None), texinfo=(skip, None)
    )
    app.add_directive("lcr-explorer", ExplorerDirective)
    app.add_js_file("lcr-explorer.js", loading_method="defer")
