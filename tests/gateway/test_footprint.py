"""The gateway path stays small: no numpy, no pydantic, no server packages."""

import subprocess
import sys


def test_the_gateway_imports_nothing_heavy() -> None:
    code = (
        "import sys\n"
        "import gateway.__main__, gateway.sources.replay, gateway.sources.zigbee\n"
        "import gateway.sources.ble, gateway.sources.gpio\n"
        "heavy = {'numpy', 'pydantic', 'river', 'fastapi', 'sqlalchemy', 'simulators', 'bleak'}\n"
        "print(sorted(heavy & {name.split('.')[0] for name in sys.modules}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
