"""``python -m gateway run --config gateway.toml`` (same as ``carewatch gateway run``)."""

from gateway.cli import main

main()
