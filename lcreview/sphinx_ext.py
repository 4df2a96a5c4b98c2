"""Sphinx fixes the build needs, loaded through _config.yml (sphinx.extra_extensions).

sphinx-thebe 0.3.1 registers its inline configuration script during
env-before-read-docs, when Sphinx 7 adds it both to the registry and to the
running builder (once with filename None, once with ''): every page then
declares ``const THEBE_JS_URL`` twice and the browser raises a SyntaxError.
We drop duplicate scripts per page.
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
    return {"parallel_read_safe": True, "parallel_write_safe": True}
