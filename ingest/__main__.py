"""``python -m ingest``: the same as ``carewatch ingest``."""

from carewatch.cli import main as carewatch_main


def main() -> None:
    """Run ``carewatch ingest …`` with this process's arguments."""
    import sys

    sys.argv[1:1] = ["ingest"]
    carewatch_main()


if __name__ == "__main__":
    main()
