"""``python -m lcreview check|build``: the commands behind make check and make book."""
import sys


def main() -> int:
    if len(sys.argv) < 2 or sys.argv[1] not in ("check", "build"):
        print("usage: python -m lcreview {check,build} [options]", file=sys.stderr)
        return 2
    cmd, rest = sys.argv[1], sys.argv[2:]
    if cmd == "check":
        from lcreview.validate import main as run
    else:
        from lcreview.build import main as run
    return run(rest)


if __name__ == "__main__":
    sys.exit(main())
