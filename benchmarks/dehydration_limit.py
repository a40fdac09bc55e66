"""How early could any detector find simulated dehydration, for a given false-alert rate?

An oracle is given what no real detector has: each resident's true hourly drinking and
toilet profile and day-to-day spread, measured on all their ordinary days (the future
included), and every outage, outing and faulty sensor blanked out for free. It then
runs the family of rules our detector belongs to (observed against usual amounts since
local midnight yesterday, in units of the resident's own day-to-day spread) over a grid
of signal weights, lags, thresholds and persistence, keeps the best median delay at each
false-alert rate, and prints them. What the oracle cannot reach, no detector of this
family will (decision D50).

    .venv/bin/python benchmarks/dehydration_limit.py COHORT [COHORT ...]

where each COHORT is a ``carewatch simulate`` output folder (readings.jsonl, labels.jsonl,
homes.json). About a minute per 50-home cohort.
"""

import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import pairwise, product
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np

from carewatch.records import LabelRecord, read_readings, read_records
from detectors.cli import load_homes

SIGNALS = ("kitchen uses", "kitchen litres", "toilet visits")
BLANKED = {"day_out", "gateway_offline", "sensor_dead", "clock_drift", "malformed", "duplicate"}
LEARNING_DAYS = 15  # the simulator keeps this many days free of scenarios
GRACE_H = 24  # an alert up to a day after the episode still finds it (docs/detectors.md)
CAPS = (0.5, 1.0, 2.0, 4.0)  # false alerts per resident per 90 days


@dataclass
class Home:
    amounts: np.ndarray  # hours x signals, in units of the resident's usual day
    usual: np.ndarray  # hours x signals: the true profile, same units
    spread: np.ndarray  # signals x signals: covariance of whole days' amounts
    midnights: np.ndarray  # hour indices of local midnights
    blanked: np.ndarray  # hours the oracle leaves out
    first: int  # the first hour judged (after learning)
    last: int  # the last whole local day's end
    episodes: list[tuple[float, float]]  # dehydration (start, end) in hours


def load(folder: Path) -> list[Home]:
    """Each home of one simulated cohort that can be judged, hour by hour.

    Homes without a kitchen tap (the realistic population has some), or without a whole
    day free of episodes to learn from, give the oracle nothing and are left out.
    """
    zones = load_homes(folder / "homes.json")
    labels = list(read_records(folder / "labels.jsonl", LabelRecord))
    counts: dict[str, list[tuple[float, int, float]]] = {home: [] for home in zones}
    for r in read_readings(folder / "readings.jsonl", []):
        if r.sensor == "tap-kitchen":
            counts[r.home] += [(r.ts, 0, 1.0), (r.ts, 1, r.value)]
        elif r.sensor == "toilet":
            counts[r.home].append((r.ts, 2, 1.0))
    start = int(min(ts for rows in counts.values() for ts, _, _ in rows) // 3600) - 24
    homes = (
        _home(rows, zones[home], start, [lb for lb in labels if lb.home == home])
        for home, rows in counts.items()
    )
    return [home for home in homes if home is not None]


def _home(
    rows: list[tuple[float, int, float]], tz: str, start: int, labels: list[LabelRecord]
) -> Home | None:
    hours = 64 * 24
    raw = np.zeros((hours, len(SIGNALS)))
    for ts, signal, amount in rows:
        if 0 <= int(ts // 3600) - start < hours:
            raw[int(ts // 3600) - start, signal] += amount
    zone = ZoneInfo(tz)
    local = np.array(
        [
            datetime.fromtimestamp((start + h) * 3600, UTC).astimezone(zone).hour
            for h in range(hours)
        ]
    )
    midnights = np.flatnonzero(local == 0)
    busy, blanked = np.zeros(hours, bool), np.zeros(hours, bool)
    for lb in labels:
        span = slice(max(0, int(lb.start / 3600) - start), int(np.ceil(lb.end / 3600)) - start + 1)
        busy[span] = True
        blanked[span] |= lb.kind in BLANKED
    days = [
        (a, b)
        for a, b in list(pairwise(midnights))[2:-1]  # whole days, not the first two or the last
        if b - a == 24 and not busy[a:b].any() and raw[a:b, 0].sum() > 0
    ]
    if not days:
        return None
    profile = np.zeros((24, len(SIGNALS)))
    for a, b in days:
        profile[local[a:b]] += raw[a:b] / len(days)
    per_day = np.maximum(profile.sum(0), 1e-9)
    totals = np.array([raw[a:b].sum(0) for a, b in days]) / per_day
    heard = np.flatnonzero(raw.sum(1))
    return Home(
        amounts=raw / per_day,
        usual=profile[local] / per_day,
        spread=np.cov(totals.T),
        midnights=midnights,
        blanked=blanked,
        first=int(midnights[LEARNING_DAYS]),
        last=int(midnights[midnights <= heard[-1]][-1]),
        episodes=[
            (lb.start / 3600 - start, lb.end / 3600 - start)
            for lb in labels
            if lb.kind == "dehydration"
        ],
    )


def scores(home: Home, weights: np.ndarray, lag: int) -> tuple[np.ndarray, np.ndarray]:
    """Hours judged and the shortfall since local midnight yesterday, in spreads."""
    seen = np.concatenate([[0.0], np.cumsum(home.amounts @ weights)])
    usual = np.concatenate([[0.0], np.cumsum(home.usual @ weights)])
    blanked = np.concatenate([[0], np.cumsum(home.blanked)])
    hours = np.arange(home.first, home.last)
    since = home.midnights[np.searchsorted(home.midnights, hours, side="right") - 2]
    observed, expected = seen[hours + 1] - seen[since], usual[hours + 1 - lag] - usual[since]
    sd = float(np.sqrt(weights @ home.spread @ weights))
    z = (expected - observed) / (sd * np.sqrt(np.maximum(expected, 1e-9)))
    z[(blanked[hours + 1] > blanked[since]) | (expected < 0.5)] = -np.inf
    return hours, z


def outcome(
    cache: list[tuple[Home, np.ndarray, np.ndarray]], threshold: float, persist: int
) -> tuple[float, float, float]:
    """Recall, false alerts per resident per 90 days and median delay (hours)."""
    delays: list[float] = []
    false, watched = 0, 0.0
    for home, hours, z in cache:
        alerts: list[float] = []
        run, quiet_until = 0, -1.0
        for hour, low in zip(hours.tolist(), (z >= threshold).tolist(), strict=True):
            run = run + 1 if low and hour > quiet_until else 0
            if run >= persist:
                alerts.append(hour + 1.0)
                run = 0  # one alert an episode: quiet until two days after it ends
                ends = [e for s, e in home.episodes if s <= hour + 1 <= e + GRACE_H]
                quiet_until = max([hour + 48.0] + [e + 48.0 for e in ends])
        for s, e in home.episodes:
            found = [a - s for a in alerts if s <= a <= e + GRACE_H]
            delays.append(min(found) if found else np.inf)
        false += sum(not any(s <= a <= e + GRACE_H for s, e in home.episodes) for a in alerts)
        watched += (home.last - home.first) / 24
    found_all = np.array(delays)
    return float(np.isfinite(found_all).mean()), false * 90 / watched, float(np.median(found_all))


def main(folders: list[Path]) -> None:
    homes = [home for folder in folders for home in load(folder)]
    results = []
    for weights, lag in product(
        ([0, 1, 0], [0.2, 0.6, 0.2], [0.33, 0.5, 0.15], [0.5, 0.5, 0]), (0, 1, 2)
    ):
        w = np.array(weights, float)
        w /= w.sum()
        cache = [(home, *scores(home, w, lag)) for home in homes]
        for threshold, persist in product(np.arange(1.75, 3.76, 0.25), (1, 2, 3, 4)):
            recall, false, delay = outcome(cache, float(threshold), persist)
            results.append((delay, false, recall, weights, lag, float(threshold), persist))
    episodes = sum(len(home.episodes) for home in homes)
    print(f"{len(homes)} homes, {episodes} dehydration episodes; oracle's best median delay")
    print(
        "| false alerts / resident / 90 d at most | median delay "
        "| rule: weights (uses, litres, toilet), lag h, z, hours |"
    )
    print("|---|---|---|")
    for cap in CAPS:
        fit = sorted(r for r in results if r[1] <= cap and r[2] >= 0.95)
        if fit:
            delay, false, _, weights, lag, threshold, persist = fit[0]
            print(
                f"| {cap} | {delay:.0f} h ({false:.2f} false) "
                f"| {weights}, {lag}, {threshold}, {persist} |"
            )


if __name__ == "__main__":
    main([Path(arg) for arg in sys.argv[1:]])
