"""``python -m carewatch``: the same as the ``carewatch`` command."""

from carewatch.cli import main

main()
