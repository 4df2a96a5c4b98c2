"""A number derived in two chapters is the same in both: every glued name shown by several chapters agrees."""

from __future__ import annotations

import json
from collections import defaultdict

import pytest

pytestmark = pytest.mark.build


def glued(notebook) -> dict[str, str]:
    """The texts a notebook glued for its prose ({glue:text}), by name."""
    out = {}
    for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]:
        for o in cell.get("outputs", []):
            book = o.get("metadata", {}).get("scrapbook", {})
            if book.get("name"):
                out[book["name"]] = "".join(o["data"].get(book.get("mime_prefix", "") + "text/plain", ""))
    return out


def test_a_number_glued_by_several_chapters_is_the_same_in_each(site):
    staged = site.parent / "site-src"
    values = defaultdict(dict)
    for nb in sorted(staged.glob("**/*.ipynb")):
        for name, text in glued(nb).items():
            values[name][nb.stem] = text
    # derived numbers quoted by several chapters under one name: GPU-hours of a training run (names end in _gpuh)
    shared = {n: v for n, v in values.items() if len(v) > 1 and n.endswith("_gpuh")}
    assert {"logo_gpuh", "beacon_gpuh", "utk72_gpuh"} <= set(shared), sorted(shared)
    differ = {n: v for n, v in shared.items() if len(set(v.values())) > 1}
    assert not differ, f"the same GPU-hours glued with different numbers: {differ}"
