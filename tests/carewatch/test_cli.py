"""The composed ``carewatch`` command: every package's commands, loaded only when used."""

import subprocess
import sys

HEAVY = ("fastapi", "sqlalchemy", "river", "numpy", "detectors", "api", "ingest", "simulators")


def run(*args: str, code: str = "") -> subprocess.CompletedProcess[str]:
    probe = (
        "import sys\n"
        "from carewatch.cli import main\n"
        f"sys.argv = ['carewatch', *{list(args)!r}]\n"
        "try:\n    main()\nexcept SystemExit as exit:\n    code = exit.code\n"
        f"{code}"
    )
    return subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=False
    )


def test_help_lists_every_package_command() -> None:
    result = run("--help")
    for command in ("api", "demo", "evaluate", "gateway", "ingest", "replay", "simulate", "store"):
        assert f" {command} " in result.stdout, result.stdout


def test_gateway_command_does_not_load_the_server_side() -> None:
    check = f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))"
    result = run("gateway", "--help", code=check)
    assert "check-config" in result.stdout
    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_bad_arguments_and_settings_exit_2_with_a_reason() -> None:
    result = run("simulate", "--homes", "0", "--days", "1", "--out", "/tmp/x", code="print(code)")
    assert result.stdout.strip().splitlines()[-1] == "2"
    assert "--homes" in result.stderr
    unknown = run("nonsense", code="print(code)")
    assert unknown.stdout.strip().splitlines()[-1] == "2"
    assert "No such command 'nonsense'" in unknown.stderr
