"""Sphinx fixes the build needs, loaded through _config.yml (sphinx.extra_extensions).

sphinx-thebe 0.3.1 registers its inline configuration script during
env-before-read-docs, when Sphinx 7 adds it both to the registry and to the
running builder (once with filename None, once with ''): every page then
declares ``const THEBE_JS_URL`` twice and the browser raises a SyntaxError.
We drop duplicate scripts per page, and MathJax where a page has no math.
"""


def _dedupe_scripts(app, pagename, templatename, context, doctree):
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, unique = set(), []
    for script in scripts:
        key = (str(getattr(script, "filename", script) or ""),
               tuple(sorted((k, str(v)) for k, v in getattr(script, "attributes", {}).items())))
        if key not in seen:
            seen.add(key)
            unique.append(script)
    scripts[:] = unique


def setup(app):
    app.connect("html-page-context", _dedupe_scripts, priority=900)
    app.connect("html-page-context", _drop_unused_mathjax, priority=901)
    return {"parallel_read_safe": True, "parallel_write_safe": True}


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
        scripts[:] = [s for s in scripts
                      if "mathjax" not in str(getattr(s, "filename", "") or "").lower()
                      and "MathJax" not in str(getattr(s, "attributes", {}).get("body", ""))]
