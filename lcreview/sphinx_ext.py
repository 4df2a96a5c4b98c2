"""Sphinx fixes the build needs, loaded through _config.yml (sphinx.extra_extensions).

sphinx-thebe 0.3.1 registers its inline configuration script during
env-before-read-docs, when Sphinx 7 adds it both to the registry and to the
running builder (once with filename None, once with ''): every page then
declares ``const THEBE_JS_URL`` twice and the browser raises a SyntaxError.
We drop duplicate scripts per page, and MathJax where a page has no math.

It also loads the review's own pieces: citation styles (lcreview.bibstyle), numbered tables
(lcreview.doctable), a page per paper (lcreview.paperpages), the claims explorer
(lcreview.explorer), and repository links where the build knows its repository.
"""

import os
from pathlib import Path

from docutils import nodes
from sphinx.util.docutils import SphinxDirective


def _dedupe_scripts(app, pagename, templatename, context, doctree):
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, unique = set(), []
    for script in scripts:
        key = (
            str(getattr(script, "filename", script) or ""),
            tuple(sorted((k, str(v)) for k, v in getattr(script, "attributes", {}).items())),
        )
        if key not in seen:
            seen.add(key)
            unique.append(script)
    scripts[:] = unique


def setup(app):
    from lcreview import bibstyle, doctable, explorer, paperpages

    bibstyle.register()
    doctable.setup(app)
    paperpages.setup(app)
    explorer.setup(app)
    app.connect("config-inited", _first_versions)
    app.connect("config-inited", _repository)
    app.connect("config-inited", _theme_defaults)
    app.connect("config-inited", _published_pdf)
    app.add_node(
        pdf_link,
        html=(_visit_pdf_link, None),
        latex=(_skip, None),
        text=(_skip, None),
        man=(_skip, None),
        texinfo=(_skip, None),
    )
    app.add_directive("lcr-pdf-link", PdfLinkDirective)
    app.connect("html-page-context", _source_suffix, priority=500)
    app.connect("html-page-context", _shared_sidebar, priority=500)
    app.connect("html-page-context", _dedupe_scripts, priority=900)
    app.connect("html-page-context", _drop_unused_mathjax, priority=901)
    return {"parallel_read_safe": True, "parallel_write_safe": True}


def _first_versions(app, config):
    """Citation years are first-version years: ``published`` of data/papers.csv (see lcreview.bibstyle)."""
    from lcreview import bibstyle, paperpages

    bibstyle.FIRST_VERSION.clear()
    bibstyle.FIRST_VERSION.update(
        {
            r["key"]: r["published"]
            for r in paperpages.data(Path(app.srcdir), "papers")
            if r.get("key") and r.get("published")
        }
    )


def repository() -> dict[str, str]:
    """Theme options for the source, issue and edit links; empty unless CI names the repository.

    GitHub Actions sets GITHUB_SERVER_URL and GITHUB_REPOSITORY; a pull request's edit links
    go to its base branch.
    """
    server, repo = os.environ.get("GITHUB_SERVER_URL", ""), os.environ.get("GITHUB_REPOSITORY", "")
    if not (server.startswith("https://") and repo.count("/") == 1):
        return {}
    branch = os.environ.get("GITHUB_BASE_REF") or os.environ.get("GITHUB_REF_NAME") or "main"
    return {
        "repository_url": f"{server.rstrip('/')}/{repo}",
        "repository_branch": branch,
        "repository_provider": "github",
        "path_to_docs": "",
        "use_repository_button": True,
        "use_issues_button": True,
        "use_edit_page_button": True,
    }


def _repository(app, config):
    options = repository()
    if options:
        config.html_theme_options = {**(config.html_theme_options or {}), **options}


def _theme_defaults(app, config):
    """The sidebar lists the pages of the table of contents down to book/papers, not the page of every paper
    (book/papers links to each). Every page carries the whole sidebar: with one entry per paper, writing the site
    grew with the square of the corpus. A theme option set in _config.yml wins."""
    # pydata-sphinx-theme 0.17 gives a theme without navbar_persistent a search field in a top bar of its own,
    # over the sidebar's (sphinx-book-theme leaves the top bar empty): one search field is enough
    config.html_theme_options = {"max_navbar_depth": 1, "navbar_persistent": [], **(config.html_theme_options or {})}


def _shared_sidebar(app, pagename, templatename, context, doctree):
    """Resolve the sidebar once for all paper pages instead of once per paper page.

    Sphinx walks the whole table of contents, a copy of every page's headings, for each page's sidebar. With
    the sidebar stopping above the paper pages (:func:`_theme_defaults`), those in the same folder under the same
    parents get the same one, so the first one's is reused. A deeper sidebar would list a paper's own entry,
    marked current: then each page resolves its own.
    """
    from lcreview.paperpages import FOLDER

    toctree = context.get("toctree")
    if toctree is None or not pagename.startswith(FOLDER + "/"):
        return
    parents = tuple(sorted(d for d, included in app.env.toctree_includes.items() if pagename in included))
    cache = app.__dict__.setdefault("_lcr_sidebars", {})

    def shared(**kwargs):
        if str(kwargs.get("maxdepth")) != "1":
            return toctree(**kwargs)
        key = (str(Path(pagename).parent), parents, tuple(sorted(kwargs.items())))
        if key not in cache:
            cache[key] = toctree(**kwargs)
        return cache[key]

    context["toctree"] = shared


def _source_suffix(app, pagename, templatename, context, doctree):
    """Edit links name the file in the repository: a generated page has none, a staged notebook its .md."""
    from lcreview.paperpages import FOLDER

    if pagename.startswith(FOLDER + "/"):
        context["page_source_suffix"] = ""
        return
    src = Path(app.srcdir)
    roots = [src.parent.parent] if (src.name, src.parent.name) == ("site-src", "_build") else [src]
    for suffix in (".md", ".ipynb"):
        if any((root / f"{pagename}{suffix}").is_file() for root in roots):
            context["page_source_suffix"] = suffix
            return


def _drop_unused_mathjax(app, pagename, templatename, context, doctree):
    """Jupyter Book includes MathJax from a CDN on every page; keep it only where a page has math.

    The book has no math today, so the site loads nothing from outside; a page
    that adds math gets MathJax back.
    """
    from docutils import nodes

    if doctree is not None and (doctree.next_node(nodes.math) or doctree.next_node(nodes.math_block)):
        return
    scripts = context.get("script_files")
    if scripts:
        scripts[:] = [
            s
            for s in scripts
            if "mathjax" not in str(getattr(s, "filename", "") or "").lower()
            and "MathJax" not in str(getattr(s, "attributes", {}).get("body", ""))
        ]


class pdf_link(nodes.General, nodes.Element):
    """Where the site links to the PDF of the whole review; empty unless ``make pdf`` made one."""


class PdfLinkDirective(SphinxDirective):
    def run(self):
        return [pdf_link()]


def _published_pdf(app, config):
    """Publish the PDF that ``make pdf`` left in the source folder at the site's root (lcreview.pdf).

    Only while it is newer than every source of the book: a PDF of an older book is left out, with its link.
    """
    from lcreview import paperpages, pdf

    src = Path(app.srcdir)
    made = src / pdf.FOLDER / pdf.NAME
    if not made.is_file():
        return
    skip = (pdf.FOLDER, "_build", paperpages.FOLDER, ".jupyter_cache", ".venv", ".git")
    newest = max(
        (p.stat().st_mtime for p in src.rglob("*") if p.is_file() and not str(p.relative_to(src)).startswith(skip)),
        default=0,
    )
    if made.stat().st_mtime >= newest:
        config.html_extra_path = [*config.html_extra_path, pdf.FOLDER]


def _visit_pdf_link(self, node):
    from sphinx.util.osutil import relative_uri

    from lcreview import pdf

    path = Path(self.builder.srcdir) / pdf.FOLDER / pdf.NAME
    if self.builder.name == "html" and pdf.FOLDER in self.builder.config.html_extra_path and path.is_file():
        href = relative_uri(self.builder.get_target_uri(self.builder.current_docname), pdf.NAME)
        size = f"{path.stat().st_size / 1e6:.1f} MB"
        self.body.append(
            f'<p class="lcr-pdf-link">The whole review as one PDF: <a href="{href}">{pdf.NAME}</a> ({size}).</p>'
        )
    raise nodes.SkipNode


def _skip(self, node):
    raise nodes.SkipNode
