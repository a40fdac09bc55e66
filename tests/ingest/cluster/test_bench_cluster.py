"""The cluster spike (benchmarks/bench_cluster.py) runs end to end at a tiny size."""

import subprocess
import sys
from pathlib import Path

import pytest

from tests.servers import require_binary

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.e2e
def test_the_spike_runs_and_finds_one_partition_per_home() -> None:
    require_binary("nats-server", "nats-server")
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.bench_cluster", "--homes", "5", "--batches", "50"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-4000:]
    assert "stream CAREWATCH_HOMES: replicas 3" in done.stdout
    assert "stream holds 350 messages" in done.stdout  # 300 + 50, each once
    assert "partitions per home: always 1 (5 homes over 8 partitions)" in done.stdout
