"""Where things are: resolved from the repository root, never from the cwd.

Notebooks run with their own folder as working directory (under the build,
nbclient or JupyterLab alike), so every path is anchored here.
"""

import os
from pathlib import Path

ROOT = Path(os.environ.get("LCREVIEW_ROOT") or Path(__file__).resolve().parent.parent)
DATA = ROOT / "data"


def site_src() -> Path:
    """Folder the book is built from; generated figure files go below it.

    ``make book`` builds from a staging copy (``_build/site-src``) and says so
    through ``LCREVIEW_SITE_SRC``; a plain ``jupyter-book build .`` or an
    interactive session builds from the repository root.
    """
    return Path(os.environ.get("LCREVIEW_SITE_SRC") or ROOT)


def generated() -> Path:
    return site_src() / "_generated"


def rel(path: Path) -> str:
    """Path relative to the repository root, for messages."""
    try:
        return str(Path(path).resolve().relative_to(ROOT.resolve()))
    except ValueError:
        return str(path)
