"""Contributor tools: the listing parser, coverage of abstract numbers, adding a paper, the data report of a change.

Listings are made here: one built from the project's own data (every abstract claim quote and every exclusion
span of a paper, so it is fully accounted for by construction) with a new paper appended. The corpus listing
itself is checked when it is beside the checkout (or named by LCREVIEW_LISTING).
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys

import pytest
import yaml
from conftest import ROOT, copy_project

from lcreview import addpaper, coverage, datadiff, listing, validate

CORPUS = os.environ.get("LCREVIEW_LISTING", str(ROOT.parent / "shared" / "seed" / "000_d698e663c0964d8a.txt"))
NEW_TITLE = "Tiny Windows: Sliding Summaries for Long-Context Decoding"
NEW_ABSTRACT = (
    "We study how far a model with a short attention window can read when it keeps a running summary of what it "
    "has seen. Our method, Tiny Windows, compresses each 2K-token block into 64 summary tokens and attends over a "
    "window of 4K tokens plus the summaries. On eight long-context benchmarks it matches full attention at 128K "
    "tokens while decoding 3.2x faster than FlashAttention-2 and using 41% less memory. Training takes two days on "
    "16 GPUs with 5B tokens, and inputs range over 2K-32K tokens in our own suite."
)
NEW_ENTRY = f"{NEW_TITLE}\n\n{NEW_ABSTRACT}\n\n  • 4 authors\n·\nMar 3 3\n"
FILLER = " This entry of the test listing is assembled from the review's own data rows."


def rows(path):
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def data_listing(root) -> str:
    """A listing of every paper of root's data whose abstracts hold all their claim quotes and exclusion spans."""
    claims, excl = rows(root / "data" / "claims.csv"), rows(root / "data" / "coverage-exclusions.csv")
    out = ["Daily Papers", "", "Dec 15", ""]
    for p in rows(root / "data" / "papers.csv"):
        parts = [c["quote"] for c in claims if c["paper"] == p["key"] and c["location"].startswith("abstract")]
        parts += [e["span"] for e in excl if e["paper"] == p["key"]]
        abstract = ". ".join(parts) + "."
        while len(abstract) < listing.ABSTRACT_MIN:
            abstract += FILLER
        meta = [f"  • {p['n_authors']} authors", "·"] if p["n_authors"] else []
        date = [f"{p['date']} {p['votes']}".strip()] if p["date"] else []
        out += [p["title"], "", abstract, ""] + meta + date + [""]
    return "\n".join(out)


@pytest.fixture
def repo(tmp_path):
    """A copy of the project's data and bibliography, with a listing of it and one with a new paper appended."""
    root = tmp_path / "repo"
    (root / "data").mkdir(parents=True)
    for f in (ROOT / "data").iterdir():
        shutil.copy(f, root / "data" / f.name)
    shutil.copy(ROOT / "references.bib", root / "references.bib")
    (tmp_path / "listing.txt").write_text(data_listing(root), encoding="utf-8")
    (tmp_path / "new.txt").write_text(data_listing(root) + "\n" + NEW_ENTRY, encoding="utf-8")
    return root


def snapshot(root):
    return {p: p.read_bytes() for p in [*sorted((root / "data").iterdir()), root / "references.bib"]}


# --- listing -------------------------------------------------------------------------------------------------


def test_numbers_as_written():
    text = (
        "from 4K to 400K, 24.89x faster, 10,000 words, 1/3 of layers, 2K-32K inputs, 100+ tasks, 75\\% on it, "
        "456 billion parameters, eight models, three weeks; GPT-4-128K and Llama-2-7B, M2-BERT, post-2022"
    )
    got = [n.text for n in listing.numbers(text)]
    assert got == [
        "4K",
        "400K",
        "24.89x",
        "10,000",
        "1/3",
        "2K-32K",
        "100+",
        "75\\%",
        "456 billion",
        "eight",
        "three",
        "4",
        "128K",
        "2",
        "7B",
        "2022",
    ]
    rng = listing.numbers("2K-32K")[0]
    assert (rng.low, rng.high) == ("2K", "32K")
    assert listing.value("1/3") == pytest.approx(1 / 3)
    assert listing.value("2K", 1024) == 2048 and listing.value("10,000+") == 10000 and listing.value("eight") == 8


def test_listing_is_parsed_with_its_metadata(tmp_path):
    long = "An abstract sentence that is long enough to be an abstract line of the listing. " * 5
    path = tmp_path / "l.txt"
    path.write_text(
        f"new\n\nDaily Papers\n\nDec 15\n\nFirst: A Paper\n\n{long}\n\n  • 7 authors\n·\nOct 5, 2024 2\n\n"
        f"Second Paper\n\n{long}\n\nThird Paper\n\n{long}\n\n  • 1 authors\n·\nFeb 17\n",
        encoding="utf-8",
    )
    papers, problems = listing.read(path)
    assert problems == []
    assert [(p.title, p.n_authors, p.date, p.votes, p.line) for p in papers] == [
        ("First: A Paper", 7, "Oct 5, 2024", 2, 7),
        ("Second Paper", None, "", None, 15),
        ("Third Paper", 1, "Feb 17", None, 19),
    ]
    path.write_text(path.read_text(encoding="utf-8") + "\na stray line\n", encoding="utf-8")
    assert [str(p) for p in listing.read(path)[1]] == [
        f"{path}:27: expected a title line followed by its abstract line (at least 300 characters), "
        "'• N authors', '·' or a date"
    ]


@pytest.mark.parametrize(
    "content, message",
    [(None, "listing file not found"), (b"\xff\xfe bad", "not valid UTF-8"), (b"just a line\n", "no papers found")],
)
def test_bad_listing_is_one_line_not_a_traceback(tmp_path, capsys, content, message):
    path = tmp_path / "l.txt"
    if content is not None:
        path.write_bytes(content)
    assert coverage.main([str(path)]) == 1
    out = capsys.readouterr().out
    assert out.startswith(f"{path}:0: {message}") and "Traceback" not in out


def test_quotes_are_short_verbatim_spans_holding_the_number():
    for n in listing.numbers(NEW_ABSTRACT):
        quote = listing.quote_span(NEW_ABSTRACT, n)
        assert quote in NEW_ABSTRACT and n.text in quote and 6 <= len(quote.split()) <= 25, quote
    two_k = listing.numbers(NEW_ABSTRACT)[0]
    assert listing.quote_span(NEW_ABSTRACT, two_k) == "compresses each 2K-token block into 64 summary tokens"


# --- coverage ------------------------------------------------------------------------------------------------


def test_coverage_accounts_for_the_data_listing_and_names_a_new_paper(repo, capsys):
    assert coverage.main([str(repo.parent / "listing.txt"), "--root", str(repo)]) == 0
    capsys.readouterr()
    assert coverage.main([str(repo.parent / "new.txt"), "--root", str(repo)]) == 1
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1 and f"paper {NEW_TITLE!r} is not in data/papers.csv" in out[0], out
    assert "python -m lcreview add" in out[0]


def test_coverage_names_an_uncovered_number_and_a_stale_exclusion(repo):
    listing_path = repo.parent / "listing.txt"
    text = listing_path.read_text(encoding="utf-8")
    first = next(p for p in rows(repo / "data" / "papers.csv") if p["included"] == "true")
    target = next(p for p in listing.read(listing_path)[0] if p.title == first["title"])
    listing_path.write_text(
        text.replace(target.abstract, target.abstract + " It also reads 77 pages."), encoding="utf-8"
    )
    with open(repo / "data" / "coverage-exclusions.csv", "a", encoding="utf-8") as fh:
        fh.write(f"{first['key']},9,not in the abstract (9),enumeration marker\n")
    problems, _ = coverage.audit(listing_path, repo)
    lines = [str(p) for p in problems]
    assert any(f"{listing_path}:{target.abstract_line}:" in x and "number '77' has no claim" in x for x in lines), lines
    n = len(rows(repo / "data" / "coverage-exclusions.csv")) + 1
    assert f"data/coverage-exclusions.csv:{n}: column span: 'not in the abstract (9)' is not verbatim" in "\n".join(
        lines
    )


@pytest.mark.skipif(not os.path.exists(CORPUS), reason=f"the corpus listing is not beside this checkout ({CORPUS})")
def test_corpus_listing_is_fully_accounted_for():
    problems, counts = coverage.audit(CORPUS, ROOT)
    assert problems == [], "\n".join(map(str, problems))
    assert counts["numbers"] == counts["claimed"] + counts["excused"] > 0


# --- add -----------------------------------------------------------------------------------------------------

FILL = {  # value_text -> what a contributor decides
    "2K": dict(quantity="chunk size", unit="tokens", qualifier="exact"),
    "64": dict(quantity="chunk size", unit="tokens", qualifier="exact"),
    "4K": dict(quantity="context length", unit="tokens", qualifier="exact"),
    "eight": dict(quantity="count", unit="datasets", qualifier="exact"),
    "128K": dict(quantity="context length", unit="tokens", qualifier="exact"),
    "3.2x": dict(
        quantity="decode speedup",
        unit="x",
        qualifier="exact",
        baseline="FlashAttention-2",
        baseline_kind="optimized-kernel",
    ),
    "41%": dict(
        quantity="memory reduction",
        unit="%",
        qualifier="exact",
        baseline="full attention",
        baseline_kind="full-attention",
    ),
    "two": dict(quantity="training time", unit="days", qualifier="exact"),
    "16": dict(quantity="GPUs", unit="GPUs", qualifier="exact"),
    "5B": dict(quantity="training data", unit="tokens", qualifier="exact"),
}


def test_add_then_fill_the_named_fields_passes_check(repo, capsys):
    new = str(repo.parent / "new.txt")
    assert addpaper.main([new, "--title", NEW_TITLE.upper(), "--root", str(repo)]) == 0
    printed = capsys.readouterr().out
    paper = rows(repo / "data" / "papers.csv")[-1]
    assert (paper["key"], paper["title"], paper["short"], paper["date"], paper["n_authors"], paper["votes"]) == (
        "tiny-windows-2025",
        NEW_TITLE,
        "Tiny Windows",
        "Mar 3",
        "4",
        "3",
    )
    added = [c for c in rows(repo / "data" / "claims.csv") if c["paper"] == "tiny-windows-2025"]
    assert [c["value_text"] for c in added] == [
        "2K",
        "64",
        "4K",
        "eight",
        "128K",
        "3.2x",
        "2",
        "41%",
        "two",
        "16",
        "5B",
        "2K",
    ]
    assert all(c["quote"] in NEW_ABSTRACT and c["value_text"] in c["quote"] for c in added)
    assert (added[0]["value"], added[0]["k_base"], added[-1]["value_high"], added[-1]["qualifier"]) == (
        "2048",
        "1024",
        "32768",
        "range",
    )
    named = {(p.file, p.column) for p in validate.check(repo)}
    assert {
        ("data/papers.csv", "arxiv_id"),
        ("data/papers.csv", "summary"),
        ("data/claims.csv", "quantity"),
        ("data/claims.csv", "unit"),
        ("references.bib", "author"),
    } <= named
    assert "references.bib:" in printed and ": author, eprint, url" in printed

    fill_paper(repo)
    fill_claims(repo)
    bib = (repo / "references.bib").read_text(encoding="utf-8")
    bib = (
        bib.replace("author = {},", "author = {Doe, Jane and Roe, Richard},")
        .replace("eprint = {},", "eprint = {2503.01234},")
        .replace("url = {}", "url = {https://arxiv.org/abs/2503.01234}")
    )
    (repo / "references.bib").write_text(bib, encoding="utf-8")
    assert [str(p) for p in validate.check(repo)] == []
    assert coverage.audit(new, repo)[0] == []


def fill_paper(repo):
    path = repo / "data" / "papers.csv"
    table = rows(path)
    table[-1].update(
        arxiv_id="2503.01234",
        published="2025-03-03",
        theme="inference",
        included="true",
        summary="Keeps a short attention window plus running block summaries to decode long inputs.",
    )
    write(path, table)


def fill_claims(repo):
    """Fill every new row; the 2 of FlashAttention-2 is a name: its row goes (the 3.2x quote still holds it)."""
    path = repo / "data" / "claims.csv"
    table = [r for r in rows(path) if not (r["paper"] == "tiny-windows-2025" and r["value_text"] == "2")]
    for r in table:
        if r["paper"] == "tiny-windows-2025":
            r.update(
                FILL.get(r["value_text"], {})
                if not r["value_high_text"]
                else dict(quantity="input length", unit="tokens")
            )
    write(path, table)


def write(path, table):
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, list(table[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(table)


def test_add_refuses_and_changes_nothing(repo, capsys):
    new = str(repo.parent / "new.txt")
    before = snapshot(repo)
    assert addpaper.main([new, "--title", "Tiny Windows", "--root", str(repo)]) == 1
    assert f"no paper titled 'Tiny Windows' in the listing; did you mean: {NEW_TITLE}" in capsys.readouterr().out
    first = rows(repo / "data" / "papers.csv")[0]
    assert addpaper.main([new, "--title", first["title"], "--root", str(repo)]) == 1
    assert (
        f"data/papers.csv:2: column title: {first['title']!r} is already in the data as {first['key']!r}"
        in capsys.readouterr().out
    )
    assert addpaper.main([new, "--title", NEW_TITLE, "--key", first["key"], "--root", str(repo)]) == 1
    assert f"key {first['key']!r} is taken" in capsys.readouterr().out
    assert snapshot(repo) == before


# --- diff ----------------------------------------------------------------------------------------------------


def git(root, *args):
    env = dict(
        os.environ,
        GIT_AUTHOR_NAME="t",
        GIT_AUTHOR_EMAIL="t@example.org",
        GIT_COMMITTER_NAME="t",
        GIT_COMMITTER_EMAIL="t@example.org",
    )
    return subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, text=True, env=env).stdout


@pytest.fixture
def two_commits(tmp_path):
    """A git repository of the project's sources with a second commit that changes one claim and adds a paper."""
    root = copy_project(tmp_path / "proj")
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "base")
    claims = rows(root / "data" / "claims.csv")
    old = dict(claims[0])
    claims[0].update(value="59.9", value_text="59.9%", quote=claims[0]["quote"].replace(old["value_text"], "59.9%"))
    write(root / "data" / "claims.csv", claims)
    papers = rows(root / "data" / "papers.csv")
    papers.append(
        dict.fromkeys(papers[0], "")
        | dict(key="tiny-windows-2025", arxiv_id="2503.01234", title="Tiny Windows", short="Tiny Windows")
    )
    write(root / "data" / "papers.csv", papers)
    git(root, "commit", "-q", "-am", "change")
    return root, old


def test_diff_names_the_changed_claim_and_the_added_paper(two_commits, capsys):
    root, old = two_commits
    assert datadiff.main(["HEAD~1", "--root", str(root)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# Data changes against `HEAD~1`")
    assert "- papers: 1 added, 0 removed, 0 changed" in out and "- claims: 0 added, 0 removed, 1 changed" in out
    assert (
        f"- changed `{old['id']}`: value: `{old['value']}` → `59.9`; value_text: `{old['value_text']}` → `59.9%`" in out
    )
    assert "- added `tiny-windows-2025`: arxiv_id: `2503.01234`; title: `Tiny Windows`" in out
    chapters = out.split("## Chapters whose inputs changed")[1]
    assert "scan of each chapter's code" in chapters and "`notebooks/" in chapters and "`data/claims.csv`" in chapters
    assert datadiff.main(["HEAD", "--root", str(root)]) == 0
    assert "No change to the data or the bibliography." in capsys.readouterr().out


def test_diff_uses_the_build_record_and_reports_bib_changes(two_commits, capsys):
    root, _ = two_commits
    toc = [c for c in _notebooks(root)]
    state = {c.rsplit(".", 1)[0] + ".ipynb": {"deps": {"data/model_configs.csv": "x"}} for c in toc}
    state[toc[0].rsplit(".", 1)[0] + ".ipynb"]["deps"]["data/claims.csv"] = "y"
    (root / "_build").mkdir(exist_ok=True)
    (root / "_build" / "exec-state.json").write_text(json.dumps(state), encoding="utf-8")
    bib = (root / "references.bib").read_text(encoding="utf-8")
    key = bib.split("{", 1)[1].split(",", 1)[0]
    (root / "references.bib").write_text(bib.replace("year = {", "year = {1", 1), encoding="utf-8")
    assert datadiff.main(["HEAD~1", "--root", str(root)]) == 0
    out = capsys.readouterr().out
    chapters = out.split("## Chapters whose inputs changed")[1]
    assert "_build/exec-state.json" in chapters and chapters.count("\n- ") == 1 and f"`{toc[0]}`" in chapters
    assert f"- changed `{key}`: year: " in out.split("## Bibliography")[1]


def _notebooks(root):
    from lcreview import build

    return [f for f in build.toc_files(root) if build.is_notebook(root / f)]


def test_diff_of_an_unknown_revision_is_one_line(two_commits, capsys):
    root, _ = two_commits
    assert datadiff.main(["no-such-branch", "--root", str(root)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("diff: 'no-such-branch' is not a revision of this repository") and "Traceback" not in err


# --- entry points --------------------------------------------------------------------------------------------


def test_make_help_lists_the_tools_and_the_cli_knows_them():
    out = subprocess.run(["make", "-s", "-C", str(ROOT), "help"], capture_output=True, text=True, check=True).stdout
    for target in ("coverage", "add-paper", "diff"):
        assert f"make {target} " in out
    usage = subprocess.run([sys.executable, "-m", "lcreview"], capture_output=True, text=True, cwd=ROOT).stderr
    assert all(c in usage for c in ("coverage", "add", "diff"))


def test_pull_request_workflow_publishes_the_data_report():
    flow = yaml.safe_load((ROOT / ".github" / "workflows" / "pr.yml").read_text(encoding="utf-8"))
    steps = [s for job in flow["jobs"].values() for s in job["steps"]]
    report = next(s for s in steps if "make -s diff" in s.get("run", ""))
    assert report.get("env", {}).get("BASE_REF") == "${{ github.base_ref }}"
    assert 'BASE="origin/$BASE_REF"' in report["run"] and '>> "$GITHUB_STEP_SUMMARY"' in report["run"]
    checkout = next(s for s in steps if s.get("uses", "").startswith("actions/checkout"))
    assert checkout["with"]["fetch-depth"] == 0
    uploads = [s for s in steps if s.get("uses", "").startswith("actions/upload-artifact")]
    assert any("data-report.md" in str(s.get("with", {}).get("path", "")) for s in uploads)
    assert "secrets." not in json.dumps(report)
