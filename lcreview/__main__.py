"""``python -m lcreview check|build|run``: the commands behind make check and make book, and one chapter's run."""
import sys


def main() -> int:
    if len(sys.argv) < 2 or sys.argv[1] not in ("check", "build", "run"):
        print("usage: python -m lcreview {check,build,run} [options]", file=sys.stderr)
        return 2
    cmd, rest = sys.argv[1], sys.argv[2:]
    if cmd == "check":
        from lcreview.validate import main as run
    elif cmd == "run":
        from lcreview.build import run_main as run
    else:
        from lcreview.build import main as run
    return run(rest)


if __name__ == "__main__":
    sys.exit(main())
