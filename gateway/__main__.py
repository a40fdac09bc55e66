"""``python -m gateway run --config gateway.toml``: the light entry point for the Pi.

Same commands as ``carewatch gateway``, parsed with argparse: the ``carewatch``
command loads every package's CLI and typer imports pydantic, which together
would double the gateway's memory.
"""

import argparse
import os
import sys
from pathlib import Path

from carewatch.errors import BadData, ConfigError
from gateway.service import check, serve


def main(argv: list[str] | None = None) -> int:
    """Parse ``run``/``check-config`` and run it; 2 with a message on bad config."""
    parser = argparse.ArgumentParser(prog="python -m gateway", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    default = Path(os.environ.get("CAREWATCH_GATEWAY_CONFIG", "gateway.toml"))
    for name in ("run", "check-config"):
        command = commands.add_parser(name)
        command.add_argument("--config", "-c", type=Path, default=default)
    commands.choices["run"].add_argument("--log-level", default="INFO")
    args = parser.parse_args(argv)
    try:
        if args.command == "run":
            serve(args.config, args.log_level)
        else:
            print(check(args.config))
    except (ConfigError, BadData) as error:
        print(f"gateway: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
