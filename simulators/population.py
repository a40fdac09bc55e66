"""The realistic mix of homes: sleep patterns, naps, partial sensor kits, pets, partners.

A classic home (:func:`simulators.profiles.make_profile`) is a full kit and a resident
who sleeps about 22:30-07:00. Real homes are more varied; :func:`draw_traits` redraws
a home's traits from the shares below (sources and reasoning in docs/simulator.md,
"The realistic population"). Every share is per home and drawn independently.
"""

from typing import Final

import numpy as np

from carewatch.protocol.kinds import Kind

# What ``carewatch simulate`` draws unless told otherwise (decision D80).
DEFAULT_POPULATION: Final = "realistic"
# Sleep pattern -> share of homes (an older population: mostly usual or early hours).
SLEEPERS: Final = {"usual": 0.65, "early": 0.15, "late": 0.12, "irregular": 0.08}
# Ranges (low, high) that replace the classic ones for a sleep pattern.
SLEEP_RANGES: Final[dict[str, dict[str, tuple[float, float]]]] = {
    "early": {"wake_h": (5.0, 6.0), "bed_h": (20.5, 21.5)},
    "late": {"wake_h": (9.5, 11.0), "bed_h": (25.0, 26.5)},  # asleep ~01:30-02:50
    "irregular": {"wake_sd_min": (45.0, 90.0), "bed_sd_min": (45.0, 90.0)},
}
# Where a regular afternoon nap is taken -> share of homes; length in minutes.
NAPS: Final = {"none": 0.70, "chair": 0.18, "bed": 0.12}
NAP_MINUTES: Final = {"chair": (20.0, 60.0), "bed": (45.0, 150.0)}
NAP_START_H: Final = (13.0, 16.0)
NAP_CHANCE: Final = (0.4, 0.9)  # of days with a nap, for a napper
# Sensor kind -> share of homes that have it installed (the rest lack every sensor of it).
KIT: Final = {
    Kind.MOTION.value: 0.98,
    Kind.DOOR.value: 0.92,
    Kind.BED.value: 0.88,
    Kind.CHAIR.value: 0.85,
    Kind.TOILET.value: 0.80,
    Kind.TAP.value: 0.75,
    Kind.HEART_RATE.value: 0.50,
}
# Minutes in the bathroom on a night trip (mean of the home): real night trips last 6-11 min
# in all (issue 13, recorded homes), ours 1-4 min in the classic home.
NIGHT_TRIP_MIN: Final = (3.0, 7.0)
PET_SHARE: Final = 0.12
SECOND_OCCUPANT_SHARE: Final = 0.12


def _choose(shares: dict[str, float], rng: np.random.Generator) -> str:
    names = list(shares)
    return names[int(rng.choice(len(names), p=list(shares.values())))]


def draw_kit(sensors: dict[str, str], rng: np.random.Generator) -> dict[str, str]:
    """The installed subset of a full kit ``sensors``: each kind kept with its share.

    A home keeps at least its motion sensors when every kind is drawn missing.

    >>> full = {"bed": "bed", "motion-hall": "motion", "wrist-r-001": "heart_rate"}
    >>> kit = draw_kit(full, np.random.default_rng(4))
    >>> set(kit) <= set(full) and len(kit) >= 1
    True
    """
    kept = {kind for kind, share in KIT.items() if rng.random() < share}
    kit = {sensor: kind for sensor, kind in sensors.items() if kind in kept}
    return kit or {s: k for s, k in sensors.items() if k == Kind.MOTION.value} or dict(sensors)


def draw_traits(sensors: dict[str, str], rng: np.random.Generator) -> dict[str, object]:
    """Fields of a realistic home that differ from the classic one (for ``replace``).

    >>> traits = draw_traits({"bed": "bed"}, np.random.default_rng(1))
    >>> traits["population"], traits["sleeper"] in SLEEPERS, traits["nap"] in NAPS
    ('realistic', True, True)
    """
    sleeper = _choose(SLEEPERS, rng)
    traits: dict[str, object] = {"population": "realistic", "sleeper": sleeper}
    for name, (low, high) in SLEEP_RANGES.get(sleeper, {}).items():
        traits[name] = round(float(rng.uniform(low, high)), 2)
    nap = _choose(NAPS, rng)
    traits["nap"] = nap
    if nap != "none":
        traits["nap_h"] = round(float(rng.uniform(*NAP_START_H)), 2)
        traits["nap_min"] = round(float(rng.uniform(*NAP_MINUTES[nap])), 1)
        traits["nap_chance"] = round(float(rng.uniform(*NAP_CHANCE)), 2)
    traits["sensors"] = draw_kit(sensors, rng)
    traits["night_trip_min"] = round(float(rng.uniform(*NIGHT_TRIP_MIN)), 1)
    traits["pet"] = bool(rng.random() < PET_SHARE)
    traits["second_occupant"] = bool(rng.random() < SECOND_OCCUPANT_SHARE)
    return traits
