"""A listing of papers (the shape of a Daily Papers search page) and the numbers of its abstracts.

A paper is a title line followed by its abstract line (blank lines between are ignored), then optionally
``• N authors``, ``·`` and a date line (``Oct 5, 2024`` or ``Feb 17``) with an optional trailing vote
count. Lines before the first paper (the page header) are skipped; any other line is reported.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from lcreview.validate import NUMBER_WORDS, Problem, parse_number

ABSTRACT_MIN = 300  # characters: an abstract line is at least this long, a title line shorter
AUTHORS = re.compile(r"\s*•\s*(\d+)\s+authors?\s*")
DOT = re.compile(r"\s*·\s*")
DATE = re.compile(r"\s*([A-Z][a-z]{2} \d{1,2}(?:, \d{4})?)(?:\s+(\d+))?\s*")

_WORDS = "|".join(sorted(NUMBER_WORDS, key=len, reverse=True))
_DIGITS = r"\d{1,3}(?:,\d{3})+(?!\d)|\d+(?:\.\d+)?|\.\d+"
_ONE = rf"(?:{_DIGITS})(?:/\d+)?(?:\s?(?:billion|million|thousand|trillion)\b|[KkMBT](?![A-Za-z]))?(?:[x×+]|\\?%)?"
NUMBER = re.compile(  # a range "2K-32K" only when no hyphen precedes it ("GPT-4-128K" is two)
    rf"(?<![\w.^/-])(?P<low>{_ONE})(?:[-–](?P<high>{_ONE}))?(?![\w/])"
    rf"|(?<=-)(?P<single>{_ONE})(?![\w/])"
    rf"|(?<![\w-])(?P<word>{_WORDS})(?![\w-])",
    re.I,
)


@dataclass(frozen=True)
class Number:
    """One number of a text as written ("4K", "2K-32K", "1/3", "eight"), with its offsets."""

    text: str
    start: int
    end: int
    low: str
    high: str = ""


@dataclass
class Paper:
    """One paper of a listing; ``line`` is the title's line, ``abstract_line`` the abstract's."""

    title: str
    abstract: str
    line: int
    abstract_line: int
    n_authors: int | None = None
    date: str = ""
    votes: int | None = None
    meta: set[str] = field(default_factory=set)


def norm_title(title: str) -> str:
    """Title for matching: case, Unicode forms and whitespace do not matter."""
    return " ".join(unicodedata.normalize("NFKC", title).casefold().split())


def value(text: str, k_base: int | None = None) -> float:
    """Value of one number as written ("4K", "1/3", "eight"), read as validate reads value_text."""
    return parse_number(text, k_base)[0]


def numbers(text: str) -> list[Number]:
    """Every number of ``text`` as written: digits with suffixes, ranges, fractions, number words."""
    out = []
    for m in NUMBER.finditer(text):
        low = m.group("low") or m.group("single") or m.group("word")
        out.append(Number(m.group(0), m.start(), m.end(), low, m.group("high") or ""))
    return out


def read(path: Path | str) -> tuple[list[Paper], list[Problem]]:
    """Papers of the listing at ``path`` and the problems found reading it (FILE:LINE)."""
    path = Path(path)
    name = str(path)
    try:
        lines = path.read_text(encoding="utf-8").split("\n")
    except FileNotFoundError:
        return [], [Problem(name, 0, "", "listing file not found")]
    except UnicodeDecodeError as exc:
        return [], [Problem(name, 0, "", f"not valid UTF-8 ({exc.reason}); expected a UTF-8 text listing")]
    except OSError as exc:
        return [], [Problem(name, 0, "", f"cannot read the listing: {exc.strerror}")]
    problems: list[Problem] = []
    filled = [(i + 1, s) for i, s in enumerate(lines) if s.strip()]
    papers: list[Paper] = []
    seen: dict[str, int] = {}
    k = 0
    while k < len(filled):
        line, text = filled[k]
        nxt = filled[k + 1] if k + 1 < len(filled) else (0, "")
        if _meta(text):
            if papers:
                _add_meta(papers[-1], text, name, line, problems)
            k += 1
            continue
        if len(text) < ABSTRACT_MIN and len(nxt[1]) >= ABSTRACT_MIN and not _meta(nxt[1]):
            title = " ".join(text.split())
            first = seen.setdefault(norm_title(title), line)
            if first != line:
                problems.append(Problem(name, line, "", f"title {title!r} appears twice (first on line {first})"))
            papers.append(Paper(title, nxt[1].strip(), line, nxt[0]))
            k += 2
            continue
        if papers:
            problems.append(
                Problem(
                    name,
                    line,
                    "",
                    "expected a title line followed by its abstract line "
                    f"(at least {ABSTRACT_MIN} characters), '• N authors', '·' or a date",
                )
            )
        k += 1
    if not papers and not problems:
        problems.append(Problem(name, 0, "", "no papers found; expected title lines each followed by an abstract line"))
    return papers, problems


def _meta(text: str) -> str:
    """Which kind of metadata line ``text`` is ('authors', 'dot', 'date'), or ''."""
    for kind, rx in (("authors", AUTHORS), ("dot", DOT), ("date", DATE)):
        if rx.fullmatch(text):
            return kind
    return ""


def _add_meta(paper: Paper, text: str, file: str, line: int, problems: list[Problem]) -> None:
    kind = _meta(text)
    if kind in paper.meta:
        problems.append(
            Problem(file, line, "", f"a second {kind} line for {paper.title!r}; expected one metadata block per paper")
        )
        return
    paper.meta.add(kind)
    if kind == "authors":
        paper.n_authors = int(AUTHORS.fullmatch(text).group(1))
    elif kind == "date":
        m = DATE.fullmatch(text)
        paper.date, paper.votes = m.group(1), (int(m.group(2)) if m.group(2) else None)


_SENTENCE_END = re.compile(r"[.!?](?=\s+[A-Z(])")
_CLAUSE_END = re.compile(r"[,;:](?=\s)|\s(?=\(|(?:and|but|while|whereas) )")


def quote_span(text: str, n: Number, min_words: int = 6, max_words: int = 25) -> str:
    """The shortest verbatim span of ``text`` that holds ``n`` and reads as a phrase.

    The clause holding the number (between , ; : parentheses, "and", "but", "while" or "whereas"), widened
    inside its sentence by the clauses before it (then after it) to at least ``min_words`` words, then cut to
    at most ``max_words`` words around the number.
    """
    lo = max((m.end() for m in _SENTENCE_END.finditer(text, 0, n.start)), default=0)
    hi = next((m.end() for m in _SENTENCE_END.finditer(text, n.end)), len(text))
    cuts = sorted({lo, hi} | {m.end() for m in _CLAUSE_END.finditer(text, lo, hi)})
    i = max(k for k, c in enumerate(cuts) if c <= n.start)
    j = min(k for k, c in enumerate(cuts) if c >= n.end)
    while len(_trim(text[cuts[i] : cuts[j]]).split()) < min_words and (i > 0 or j < len(cuts) - 1):
        i, j = (i - 1, j) if i > 0 else (i, j + 1)
    start, end = cuts[i], cuts[j]
    words = [(m.start(), m.end()) for m in re.finditer(r"\S+", text[start:end])]
    if len(words) > max_words:
        at = next(k for k, (s, e) in enumerate(words) if start + e > n.start)
        first = min(max(0, at - max_words // 2), len(words) - max_words)
        start, end = start + words[first][0], start + words[first + max_words - 1][1]
    return _trim(text[start:end])


def _trim(span: str) -> str:
    """A span without a leading conjunction, trailing punctuation or an unmatched closing parenthesis."""
    span = re.sub(r"^(?:and|but|while|whereas)\s+", "", span.strip().rstrip(",;:.").rstrip())
    return span[:-1] if span.endswith(")") and span.count(")") > span.count("(") else span
