"""Reading the built site: pages, figures, links (offline)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit


class _Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[tuple[str, str]] = []  # (attribute, value)
        self.images: list[dict] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for key in ("id", "name"):
            if a.get(key):
                self.ids.add(a[key])
        if tag in ("a", "link") and a.get("href"):
            self.links.append(("href", a["href"]))
        if tag in ("img", "script") and a.get("src"):
            self.links.append(("src", a["src"]))
        if tag == "img":
            self.images.append(a)


def parse(path: Path) -> _Page:
    p = _Page()
    p.feed(path.read_text(encoding="utf-8"))
    return p


def pages(html_dir: Path) -> list[Path]:
    return sorted(p for p in html_dir.rglob("*.html") if not {"_sources", "_static"} & set(p.parts))


def check_links(html_dir: Path) -> tuple[list[str], list[str]]:
    """Broken internal links and anchors, and the external links (listed, not fetched)."""
    parsed = {p: parse(p) for p in pages(html_dir)}
    broken, external = [], set()
    for page, info in parsed.items():
        for attr, url in info.links:
            parts = urlsplit(url)
            if parts.scheme in ("http", "https"):
                external.add(url)
                continue
            if parts.scheme in ("mailto", "data", "javascript"):
                continue
            target = page if not parts.path else (page.parent / unquote(parts.path)).resolve()
            if parts.path.endswith("/"):
                target = target / "index.html"
            where = f"{page.relative_to(html_dir)}: {attr}={url}"
            if not target.exists():
                broken.append(f"{where}: no file {target}")
                continue
            if parts.fragment and target.suffix == ".html":
                ids = parsed[target].ids if target in parsed else parse(target).ids
                if unquote(parts.fragment) not in ids:
                    broken.append(f"{where}: no anchor #{parts.fragment}")
    return broken, sorted(external)


def figures(page: Path) -> list[dict]:
    """Figures of a page with their alt text, image path and the CSV link right after them."""
    text = page.read_text(encoding="utf-8")
    out = []
    for m in re.finditer(r'<figure[^>]*id="(fig-[^"]+)".*?</figure>(.*?)(?=<figure|<div class="cell|$)', text, re.S):
        block, after = m.group(0), m.group(2)
        img = re.search(r'<img alt="([^"]*)" src="([^"]+)"', block)
        csv = re.search(r'href="([^"]+\.csv)"', after)
        out.append(
            {
                "id": m.group(1),
                "alt": img.group(1) if img else "",
                "src": img.group(2) if img else "",
                "csv": csv.group(1) if csv else "",
                "caption": re.sub("<[^>]+>", "", block),
            }
        )
    return out
