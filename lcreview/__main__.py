"""``python -m lcreview COMMAND``: the commands behind make check and make book, one chapter's run, and the
contributor tools (coverage of a listing, adding a paper, the data report of a change)."""

import importlib
import os
import sys

COMMANDS = {
    "check": ("validate", "main"),
    "build": ("build", "main"),
    "run": ("build", "run_main"),
    "coverage": ("coverage", "main"),
    "add": ("addpaper", "main"),
    "diff": ("datadiff", "main"),
}


def main() -> int:
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        print(f"usage: python -m lcreview {{{','.join(COMMANDS)}}} [options]", file=sys.stderr)
        return 2
    module, function = COMMANDS[sys.argv[1]]
    try:
        return getattr(importlib.import_module(f"lcreview.{module}"), function)(sys.argv[2:])
    except BrokenPipeError:  # output piped into head & co.: stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


if __name__ == "__main__":
    sys.exit(main())
