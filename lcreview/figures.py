"""House style and publishing of figures and tables.

``Page(name).publish(fig, ...)`` writes the figure (SVG, text as text) and exactly the data
it plots (CSV) under ``_generated/<page>/`` of the folder the book is built
from, and returns an object that renders in the book as a numbered figure
with caption, citations, alt text, a download link and a collapsed table of
the evidence behind it. Every text that comes from data is escaped.
"""

from __future__ import annotations

import html
import os
import re
from collections.abc import Iterable
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from lcreview import paths  # noqa: E402
from lcreview.plots import MIN_PT, NEUTRAL, THEME_COLORS, WIDTH, style, theme_color  # noqa: E402,F401

MAX_BYTES = 200_000


def md_escape(text) -> str:
    """Escape text from data for MyST markdown: one line, shown as text, never interpreted."""
    from lcreview.text import one_line

    return re.sub(r"([\\`*_{}\[\]<>()#+\-.!|~^$:&])", r"\\\1", one_line(text))


def cite(keys: Iterable[str]) -> str:
    keys = sorted(dict.fromkeys(k for k in keys if isinstance(k, str) and k))
    return "{cite:p}`" + ",".join(keys) + "`" if keys else ""


def _cell(value, url: bool = False) -> str:
    """A value from data as HTML text on one line (so it cannot end the raw HTML block it sits in).

    url: the value goes into an href; anything but an http(s) address gives "".
    """
    from lcreview.text import one_line

    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return ""
    text = one_line(value)
    return "" if url and not text.startswith(("https://", "http://")) else html.escape(text)


def evidence_html(rows: pd.DataFrame, summary: str) -> str:
    """A collapsed table of claims (value, unit, setting, baseline, location, quote)."""
    from lcreview.select import setting

    head = ["Paper", "Quantity", "As written", "Unit", "Setting", "Baseline", "Where", "Quote"]
    out = [
        f'<details class="lcr-evidence"><summary>{html.escape(summary)}</summary>',
        '<div class="lcr-table-wrap"><table class="lcr-table"><thead><tr>'
        + "".join(f"<th>{h}</th>" for h in head)
        + "</tr></thead><tbody>",
    ]
    for _, r in rows.iterrows():
        written = _cell(r.get("value_text"))
        if isinstance(r.get("value_high_text"), str):
            written += " &rarr; " + _cell(r.get("value_high_text"))
        href = _cell(r.get("url"), url=True)
        paper = f'<a href="{href}">{_cell(r.get("short"))}</a>' if href else _cell(r.get("short"))
        out.append(
            "<tr>"
            f"<td>{paper}</td>"
            f"<td>{_cell(r.get('quantity'))}</td><td>{written}</td><td>{_cell(r.get('unit'))}</td>"
            f"<td>{_cell(setting(r))}</td><td>{_cell(r.get('baseline'))}</td>"
            f"<td>{_cell(r.get('location'))}</td><td><q>{_cell(r.get('quote'))}</q></td></tr>"
        )
    out.append("</tbody></table></div></details>")
    return "".join(out)


def _texts(fig, renderer):
    """The texts ``fig`` actually draws, with their boxes in display pixels.

    Tick labels are taken from the ticks drawn at the current limits (an axis
    keeps spare tick objects that are never drawn).
    """
    from matplotlib.text import Text

    spare, drawn = set(), []
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            for tick in axis.majorTicks + axis.minorTicks:
                spare.update((tick.label1, tick.label2))
            if ax.get_visible() and ax.axison and axis.get_visible():
                for tick in axis._update_ticks():
                    drawn += [lab for lab in (tick.label1, tick.label2) if lab.get_visible()]
    texts = [
        t for t in fig.findobj(Text) if t not in spare and t.get_visible() and (t.axes is None or t.axes.get_visible())
    ] + drawn
    return [(t, t.get_window_extent(renderer)) for t in texts if t.get_text().strip()]


LINE_PAD = 0.09  # em added above and below each text's box when looking for overlaps


def legibility(fig) -> list[str]:
    """What makes ``fig`` hard to read where it is shown; empty when nothing does.

    Checks: width is :data:`WIDTH` inches (drawn for the column); no text smaller
    than :data:`MIN_PT`; no text cut by the figure's edge; no two texts overlapping.
    """
    problems = []
    w, h = fig.get_size_inches()
    if abs(w - WIDTH) > 0.01:
        problems.append(f"figure is {w:.2f} in wide; draw it {WIDTH} in wide (the content column)")
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    texts = _texts(fig, renderer)
    W, H = fig.bbox.width, fig.bbox.height
    boxes = []
    for t, bb in texts:
        label = " ".join(t.get_text().split())[:60]
        if t.get_fontsize() < MIN_PT - 1e-6:
            problems.append(f"text {label!r} is {t.get_fontsize():.1f} pt; the smallest allowed is {MIN_PT} pt")
        if bb.x0 < -1 or bb.y0 < -1 or bb.x1 > W + 1 or bb.y1 > H + 1:
            problems.append(f"text {label!r} is cut by the figure's edge")
        # a browser's box for a line of text is the font's whole line (ascent + descent, 1.16 em for DejaVu Sans),
        # taller than matplotlib's: texts that only just clear here touch on the page
        pad = LINE_PAD * t.get_fontsize() * fig.dpi / 72
        boxes.append((bb.x0 + 0.5, bb.y0 + 0.5 - pad, bb.x1 - 0.5, bb.y1 - 0.5 + pad, label))
    if boxes:
        import numpy as np

        arr = np.array([b[:4] for b in boxes])
        x0, y0, x1, y1 = arr.T
        ox = np.minimum(x1[:, None], x1[None, :]) - np.maximum(x0[:, None], x0[None, :])
        oy = np.minimum(y1[:, None], y1[None, :]) - np.maximum(y0[:, None], y0[None, :])
        hit = np.triu((ox > 0) & (oy > 0), k=1)
        for i, j in zip(*np.nonzero(hit)):
            problems.append(f"texts {boxes[i][4]!r} and {boxes[j][4]!r} overlap")
    return problems


def save_svg(fig, path: Path) -> int:
    """Save ``fig`` as SVG with text kept as text, on white, exactly as sized. Returns bytes written."""
    import io

    buf = io.StringIO()
    fig.savefig(buf, format="svg", facecolor="white", metadata={"Date": None})
    plt.close(fig)
    text = buf.getvalue()
    # matplotlib names clip paths by a hash of their float geometry, which can differ in the last bits between
    # runs; number them in order of appearance so an unchanged figure is written to the same bytes
    ids = dict.fromkeys(re.findall(r'<clipPath id="(p[0-9a-f]+)"', text))
    for n, old_id in enumerate(ids, 1):
        text = text.replace(f'id="{old_id}"', f'id="clip{n}"').replace(f"url(#{old_id})", f"url(#clip{n})")
    data = text.encode("utf-8")
    path.write_bytes(data)
    return len(data)


class Published:
    """What a notebook cell returns: rendered by MyST-NB as markdown."""

    def __init__(self, markdown: str, image: Path | None = None):
        self.markdown, self.image = markdown, image

    def _repr_markdown_(self) -> str:
        return self.markdown

    def __repr__(self) -> str:  # the same on every run, so an unchanged chapter executes to the same bytes
        return f"<figure or table: {self.image.name if self.image else 'table'}>"

    def _repr_svg_(self):
        # Only outside the build, so JupyterLab users see the figure too.
        if self.image is not None and not os.environ.get("LCREVIEW_SITE_SRC"):
            return self.image.read_text(encoding="utf-8")
        return None


class Page:
    """One book page: the folder its generated files go to and their names."""

    def __init__(self, name: str):
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", name):
            raise ValueError(f"page name {name!r}: use lower-case letters, digits and hyphens")
        self.name = name
        self.folder = paths.generated() / name
        self.folder.mkdir(parents=True, exist_ok=True)
        self._names: set[str] = set()
        style()

    def _claim(self, name: str) -> None:
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", name):
            raise ValueError(f"figure name {name!r}: use lower-case letters, digits and hyphens")
        if name in self._names:
            raise ValueError(f"figure name {name!r} is used twice on page {self.name!r}")
        self._names.add(name)

    def download(self, name: str, data: pd.DataFrame, label: str) -> str:
        """Offer ``data`` as ``NAME.csv`` (a plain file name, unique on the page), written as every figure's data
        is; return the download link for the page."""
        if not re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_.-]*", name) or name in self._names:
            raise ValueError(f"download {name!r} on page {self.name!r}: not a plain file name, or used twice")
        self._names.add(name)
        return self._download(name, data, label)

    def _download(self, name: str, data: pd.DataFrame, label: str) -> str:
        """Write ``data`` as a CSV download; a text cell a spreadsheet would run as a formula gets a leading quote."""
        from lcreview.validate import neutralise

        safe = data.copy()
        for i, (_, column) in enumerate(data.items()):
            if not (pd.api.types.is_numeric_dtype(column) or pd.api.types.is_datetime64_any_dtype(column)):
                safe.isetitem(i, column.map(neutralise))
        safe.rename(columns=neutralise).to_csv(self.folder / f"{name}.csv", index=False)
        return f"{{download}}`{label} </_generated/{self.name}/{name}.csv>`"

    def publish(
        self,
        fig,
        name: str,
        data: pd.DataFrame,
        caption: str,
        alt: str,
        evidence: pd.DataFrame | None = None,
        papers: Iterable[str] | None = None,
        note: str = "",
    ) -> Published:
        """Save ``fig`` and ``data``; return the figure block for the page.

        caption: markdown written by the notebook; citations of ``papers`` (by
        default ``data['paper']``) are appended. alt: plain text, generated from
        the data by the caller. evidence: claims rows shown in a collapsed table.
        """
        self._claim(name)
        if not alt or "Figure size" in alt:
            raise ValueError(f"figure {name!r} needs real alt text")
        problems = legibility(fig)
        if problems:
            plt.close(fig)
            raise ValueError(f"figure {self.name}/{name} is not legible:\n  " + "\n  ".join(problems))
        svg = self.folder / f"{name}.svg"
        size = save_svg(fig, svg)
        if size > MAX_BYTES:
            raise ValueError(f"figure {name!r} is {size} bytes; the limit is {MAX_BYTES}")
        keys = list(papers) if papers is not None else list(data.get("paper", []))
        sources = cite(keys)
        text = caption.strip() + (f" Sources: {sources}." if sources else "")
        alt_clean = " ".join(str(alt).split()).replace('"', "'")
        md = [
            f"```{{figure}} /_generated/{self.name}/{name}.svg",
            f":name: fig-{self.name}-{name}",
            f":alt: {alt_clean}",
            ":width: 100%",
            ":figclass: lcr-fig",
            "",
            text,
            "```",
            "",
        ]
        links = [self._download(name, data, f"Data behind this figure (CSV, {len(data)} rows)")]
        md.append(" · ".join(links) + (f" · {note}" if note else ""))
        md.append("")
        if evidence is not None and len(evidence):
            md.append(evidence_html(evidence, f"Evidence: the {len(evidence)} reported numbers behind this figure"))
            md.append("")
        return Published("\n".join(md), svg)

    def table(
        self,
        frame: pd.DataFrame,
        name: str,
        caption: str,
        links: dict[str, str] | None = None,
        papers: Iterable[str] | None = None,
    ) -> Published:
        """A numbered table (``tab-<page>-<name>``) built by Sphinx from its CSV: every cell stays text.

        links: {text column: url column}; the url column is not shown.
        """
        self._claim(name)
        sources = cite(papers or [])
        download = self._download(name, frame, f"This table as CSV ({len(frame)} rows)")
        spec = " ".join(f"{text}={url}" for text, url in (links or {}).items())
        md = [f"```{{lcr-table}} /_generated/{self.name}/{name}.csv", f":name: tab-{self.name}-{name}"]
        md += [f":links: {spec}"] if spec else []
        md += ["", caption.strip() + (f" Sources: {sources}." if sources else ""), "```", "", download, ""]
        return Published("\n".join(md))
