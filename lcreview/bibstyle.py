"""Author-year citations that identify their paper: pybtex and sphinxcontrib-bibtex plugins.

One function, :func:`labels`, gives every entry of a bibliography its label, "Li et al., 2024a": the
first author's last name (", and" for two, "et al." for more), the year of the paper's first public
version (``published`` in ``data/papers.csv``; the entry's ``year`` when the paper is not listed there),
and a letter when two entries would otherwise share a label. The bibliography shows that label, is
sorted by it, and the text cites it: "(Li et al., 2024a)" and "Li et al. (2024a)". The entry itself
names the venue with its own year.

:func:`register` makes the plugins known: formatting style ``lcr`` (labels and sorting ``lcr``), the
hover-title style ``lcr-tooltip`` (label, then the entry) and the referencing style ``lcr``.
"""

from __future__ import annotations

import datetime as dt
import functools
import string
from collections.abc import Iterable
from dataclasses import dataclass

import pybtex.plugin
from pybtex.backends.plaintext import Backend as _PlainBackend
from pybtex.richtext import Text
from pybtex.style import FormattedEntry
from pybtex.style.formatting.unsrt import Style as UnsrtStyle
from pybtex.style.labels import BaseLabelStyle
from pybtex.style.sorting import BaseSortingStyle
from pybtex.style.template import field, href, join, node, optional, sentence
from sphinxcontrib.bibtex.style.referencing import BaseReferenceStyle, BracketStyle, GroupReferenceStyle
from sphinxcontrib.bibtex.style.referencing.extra_empty import ExtraEmptyReferenceStyle
from sphinxcontrib.bibtex.style.referencing.extra_label import ExtraLabelReferenceStyle
from sphinxcontrib.bibtex.style.template import join2, post_text, pre_text, reference

#: First public version (ISO date) per BibTeX key; set from data/papers.csv by lcreview.sphinx_ext.
FIRST_VERSION: dict[str, str] = {}


_PLAIN = _PlainBackend()


def plain(rich) -> str:
    """Rich text as plain text. ``render_as("text")`` would look the backend up among every installed package's
    entry points at each call (tens of milliseconds); the build renders thousands of names."""
    return rich.render(_PLAIN)


def _plain(rich_parts) -> str:
    return " ".join(plain(part) for part in rich_parts)


def authors_text(entry) -> str:
    """'Li', 'Li and Wang' or 'Li et al.' (editors, then the title, when there are no authors)."""
    persons = entry.persons.get("author") or entry.persons.get("editor") or []
    last = [_plain(p.rich_prelast_names + p.rich_last_names) or _plain(p.rich_first_names) for p in persons]
    if not last:
        return plain(Text.from_latex(entry.fields.get("title", entry.key)))
    if len(last) == 1:
        return last[0]
    if len(last) == 2:
        return f"{last[0]} and {last[1]}"
    return f"{last[0]} et al."


def first_version(entry) -> str:
    """ISO date (or just the year) of the entry's first public version."""
    return FIRST_VERSION.get(entry.key) or entry.fields.get("year", "n.d.")


def labels(entries: Iterable) -> dict[str, tuple[str, str]]:
    """Key -> (authors, year with its letter), unique over ``entries``; letters follow first-version dates."""
    groups: dict[tuple[str, str], list] = {}
    for e in entries:
        groups.setdefault((authors_text(e), first_version(e)[:4]), []).append(e)
    out = {}
    for (who, year), group in groups.items():
        group.sort(key=lambda e: (first_version(e), e.fields.get("title", ""), e.key))
        for i, e in enumerate(group):
            out[e.key] = (who, year + (_letter(i) if len(group) > 1 else ""))
    return out


def _letter(i: int) -> str:
    letters = string.ascii_lowercase
    return letters[i] if i < 26 else letters[i // 26 - 1] + letters[i % 26]


def label_of(who: str, year: str) -> str:
    return f"{who}, {year}"


def split_label(label: str) -> tuple[str, str]:
    """(authors, year) of a label made by :func:`label_of`."""
    who, _, year = label.rpartition(", ")
    return who, year


class LabelStyle(BaseLabelStyle):
    def format_labels(self, sorted_entries):
        entries = list(sorted_entries)
        parts = labels(entries)
        return [label_of(*parts[e.key]) for e in entries]


class SortingStyle(BaseSortingStyle):
    """By first author, then year and letter: the order of the labels."""

    def sort(self, entries):
        entries = list(entries)
        parts = labels(entries)
        return sorted(entries, key=lambda e: (parts[e.key][0].casefold(), parts[e.key][1], e.key))


def _long_date(iso: str) -> str:
    try:
        return f"{dt.date.fromisoformat(iso):%-d %B %Y}"
    except ValueError:
        return iso


@node
def _first_version_text(children, data):
    assert not children
    return Text("First public version ", _long_date(first_version(data["entry"])))


class Style(UnsrtStyle):
    """pybtex's unsrt entries ending with the first public version and its arXiv link."""

    default_label_style = "lcr"
    default_sorting_style = "lcr"

    def format_web_refs(self, e):
        url = field("url", raw=True)
        link = self.format_eprint(e) if "eprint" in e.fields else optional[href(url)[url]]
        return sentence[_first_version_text, link]


class TooltipStyle(Style):
    """The hover title of a citation: its label, then the entry."""

    def format_entry(self, label, entry, bib_data=None):
        plain = super().format_entry(label, entry, bib_data)
        return FormattedEntry(plain.key, Text(label, ". ", plain.text), label)


@node
def _authors(children, data):
    assert not children
    return Text(split_label(data["formatted_entry"].label)[0])


@node
def _year(children, data):
    assert not children
    return Text(split_label(data["formatted_entry"].label)[1])


@node
def _label(children, data):
    assert not children
    return Text(data["formatted_entry"].label)


PARENS = BracketStyle(left="(", right=")", sep="; ")


@dataclass
class _Parenthetical(BaseReferenceStyle):
    def role_names(self):
        return ["p", "ps", "alp", "alps"]

    def outer(self, role_name, children):
        return PARENS.outer(children, brackets="al" not in role_name)

    def inner(self, role_name):
        return join2(sep1=" ", sep2=", ")[pre_text, reference[_label], post_text]


@dataclass
class _Textual(BaseReferenceStyle):
    def role_names(self):
        return ["t", "ts", "ct", "cts"]

    def outer(self, role_name, children):
        return PARENS.outer(children, brackets=False, capfirst="c" in role_name)

    def inner(self, role_name):
        year = join2(sep1=" ", sep2=", ")[pre_text, reference[_year], post_text]
        return join(sep=" ")[_authors, join["(", year, ")"]]


@dataclass
class ReferenceStyle(GroupReferenceStyle):
    """{cite:p} "(Li et al., 2024a)", {cite:t} "Li et al. (2024a)", {cite:label} and {cite:empty}."""

    def __post_init__(self):
        self.styles.extend(
            [_Parenthetical(), _Textual(), ExtraLabelReferenceStyle(bracket=PARENS), ExtraEmptyReferenceStyle()]
        )
        super().__post_init__()


_FIND_PLUGIN = getattr(pybtex.plugin.find_plugin, "__wrapped__", pybtex.plugin.find_plugin)


@functools.cache
def _find_plugin(plugin_group, name=None, filename=None):
    """pybtex's plugin lookup, remembered: it reads every installed package's entry points on each call (about
    20 ms), and sphinxcontrib-bibtex looks a style up once per citation."""
    return _FIND_PLUGIN(plugin_group, name, filename)


def register() -> None:
    """Make the styles known to pybtex and sphinxcontrib-bibtex (idempotent); remember pybtex's plugin lookups."""
    from sphinxcontrib.bibtex.plugin import register_plugin

    _find_plugin.cache_clear()
    pybtex.plugin.find_plugin = _find_plugin

    for group, name, klass in [
        ("pybtex.style.labels", "lcr", LabelStyle),
        ("pybtex.style.sorting", "lcr", SortingStyle),
        ("pybtex.style.formatting", "lcr", Style),
        ("pybtex.style.formatting", "lcr-tooltip", TooltipStyle),
    ]:
        pybtex.plugin.register_plugin(group, name, klass, force=True)
    register_plugin("sphinxcontrib.bibtex.style.referencing", "lcr", ReferenceStyle, force=True)
