"""``python -m skl1net``: the command line."""

from .cli import main

if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
