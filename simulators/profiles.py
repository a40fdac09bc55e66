"""Who lives in a simulated home, and their routine, as published figures allow.

A :class:`HomeProfile` holds everything the day-by-day simulation needs: the home's
pseudonymous ids, its IANA time zone, its sensors, and the resident's routine
(sleep timing, drinking, toilet visits, sitting, resting heart rate). The ranges
that :func:`make_cohort` draws from are the ones cited in ``docs/simulator.md``.
"""

from typing import Annotated, Final, Literal

import msgspec
import numpy as np

from carewatch.protocol.kinds import Kind
from carewatch.protocol.messages import Id, is_time_zone
from simulators.population import draw_traits

# Rooms with a PIR each; the resident moves between them.
ROOMS: Final = ("bedroom", "hall", "kitchen", "lounge", "bathroom")

# Time zones of the cohort: several with daylight saving (northern and southern
# hemisphere), one without, one with a half-hour offset.
COHORT_ZONES: Final = (
    "Europe/London",
    "Europe/Berlin",
    "America/New_York",
    "America/Chicago",
    "America/Los_Angeles",
    "Australia/Sydney",
    "Pacific/Auckland",
    "Asia/Tokyo",
    "Asia/Kolkata",
    "Europe/Madrid",
)

# Ranges the cohort is drawn from (low, high); sources in docs/simulator.md.
RANGES: Final[dict[str, tuple[float, float]]] = {
    "wake_h": (6.0, 8.0),  # older adults wake early (phase advance)
    "wake_sd_min": (15.0, 40.0),
    "bed_h": (21.5, 23.5),
    "bed_sd_min": (15.0, 40.0),
    "weekend_shift_min": (0.0, 45.0),
    "drinks_per_day": (6.0, 9.0),  # kitchen-tap draws for drinks and the kettle
    "litres_per_drink": (0.2, 0.3),  # ≈1.4–2.4 L/day of drinks (EFSA/ESPEN: 1.6–2.0 L)
    "cooking_litres": (1.0, 3.0),  # washing up and cooking, per main meal
    "toilet_day": (4.0, 7.0),  # daytime voids (van Haarst et al. 2004)
    "toilet_night": (0.5, 2.0),  # nocturia in people over 70 (Bosch & Weiss 2010)
    "handwash_litres": (0.3, 0.8),
    "chair_bout_min": (30.0, 75.0),  # long sitting bouts; ≈9 h/day sedentary (Harvey 2015)
    "resting_hr": (58.0, 82.0),  # resting pulse at 60-80 y (Ostchega et al. 2011)
    "circadian_amp": (3.0, 6.0),  # half the day-night swing of resting HR, bpm
    "sleep_dip": (4.0, 8.0),  # further fall of HR while asleep, bpm
    "activity_rise": (10.0, 22.0),  # HR rise when walking about the home, bpm
}


Hour = Annotated[float, msgspec.Meta(ge=0, lt=24)]
# Bedtime in hours after the local midnight that begins the day: 25.5 is 01:30 next morning.
LateHour = Annotated[float, msgspec.Meta(ge=0, lt=30)]
Share = Annotated[float, msgspec.Meta(ge=0, le=1)]
Population = Literal["realistic", "classic"]
Sleeper = Literal["usual", "early", "late", "irregular"]
Nap = Literal["none", "chair", "bed"]
Minutes = Annotated[float, msgspec.Meta(ge=0, le=180)]
Positive = Annotated[float, msgspec.Meta(gt=0)]


class HomeProfile(msgspec.Struct, frozen=True, forbid_unknown_fields=True, omit_defaults=True):
    """One home, its sensors, and its resident's routine (all in local time).

    ``sensors`` is the home's kit (id -> kind): a kind missing from it is not installed.
    The fields after ``activity_rise`` describe the realistic population
    (:mod:`simulators.population`); their defaults are the classic resident (a full
    kit, usual hours, no naps, alone, large episodes) and are left out of
    ``homes.json``, so files written before them still read.

    Examples
    --------
    >>> profile = make_cohort(1, seed=3)[0]
    >>> profile.home, profile.residents, profile.sensors["bed"]
    ('home-001', ['r-001'], 'bed')
    """

    home: Id
    tz: str
    residents: list[Id]
    sensors: dict[Id, str]
    gateway: Id
    wake_h: Hour
    wake_sd_min: Minutes
    bed_h: LateHour
    bed_sd_min: Minutes
    weekend_shift_min: Minutes
    drinks_per_day: Positive
    litres_per_drink: Positive
    cooking_litres: Positive
    toilet_day: Positive
    toilet_night: Positive
    handwash_litres: Positive
    chair_bout_min: Positive
    resting_hr: Annotated[float, msgspec.Meta(ge=30, le=120)]
    circadian_amp: Annotated[float, msgspec.Meta(ge=0, le=20)]
    sleep_dip: Annotated[float, msgspec.Meta(ge=0, le=20)]
    activity_rise: Annotated[float, msgspec.Meta(ge=0, le=60)]
    population: Population = "classic"  # the mix drawn from; realistic episodes vary in size
    sleeper: Sleeper = "usual"
    nap: Nap = "none"  # where the afternoon nap is taken
    nap_h: Hour = 14.0  # usual start of the nap
    nap_min: Minutes = 0.0
    nap_chance: Share = 0.0  # of days with a nap
    night_trip_min: Minutes = 0.0  # usual time in the bathroom at night (0: 1-4 min)
    pet: bool = False  # a cat or dog that sets off the PIRs
    second_occupant: bool = False  # a partner or lodger: their movement, taps and flushes

    def __post_init__(self) -> None:
        if not is_time_zone(self.tz):
            raise ValueError(f"tz {self.tz!r} is not an IANA time zone such as 'Europe/London'")
        if not self.residents:
            raise ValueError("a home needs a resident")

    @property
    def resident(self) -> str:
        """The resident who wears the wrist sensor (homes have one resident)."""
        return self.residents[0]

    @property
    def wrist(self) -> str:
        """The id of the resident's wrist heart-rate sensor (if ``sensors`` holds it)."""
        return f"wrist-{self.resident}"

    @property
    def realistic(self) -> bool:
        """Drawn from the realistic population (episodes of varied size)."""
        return self.population == "realistic"


def sensor_layout(resident: str) -> dict[str, str]:
    """The sensors of a home: one per room PIR plus furniture, taps, toilet, door, wrist.

    >>> sorted(sensor_layout("r-001").values()).count("motion")
    5
    """
    sensors = {
        "bed": Kind.BED.value,
        "chair": Kind.CHAIR.value,
        "tap-kitchen": Kind.TAP.value,
        "tap-bathroom": Kind.TAP.value,
        "toilet": Kind.TOILET.value,
        "door-front": Kind.DOOR.value,
        f"wrist-{resident}": Kind.HEART_RATE.value,
    }
    sensors.update({f"motion-{room}": Kind.MOTION.value for room in ROOMS})
    return sensors


def make_profile(index: int, rng: np.random.Generator) -> HomeProfile:
    """Draw the profile of home number ``index`` (1-based) from the cited ranges."""
    resident = f"r-{index:03d}"
    drawn = {name: round(float(rng.uniform(low, high)), 2) for name, (low, high) in RANGES.items()}
    fields = {
        "home": f"home-{index:03d}",
        "tz": COHORT_ZONES[int(rng.integers(len(COHORT_ZONES)))],
        "residents": [resident],
        "sensors": sensor_layout(resident),
        "gateway": f"gw-{index:03d}",
        **drawn,
    }
    return msgspec.convert(fields, HomeProfile)


def make_cohort(homes: int, seed: int, population: Population = "classic") -> list[HomeProfile]:
    """A seeded, varied cohort of ``homes`` profiles in several time zones.

    ``population="realistic"`` redraws each home's kit, sleep pattern, naps, pet and
    second occupant from :mod:`simulators.population` (a stream of its own, so the
    classic parameters of a home stay as they were).

    Examples
    --------
    >>> cohort = make_cohort(20, seed=1)
    >>> [p.home for p in cohort[:2]], len({p.tz for p in cohort}) > 3
    (['home-001', 'home-002'], True)
    >>> make_cohort(3, seed=1) == make_cohort(3, seed=1)
    True
    """
    if homes < 1:
        raise ValueError(f"homes must be at least 1, not {homes}")
    streams = np.random.SeedSequence([seed, 0x5EED]).spawn(homes)
    profiles = [make_profile(i + 1, np.random.default_rng(s)) for i, s in enumerate(streams)]
    if population == "classic":
        return profiles
    if population != "realistic":
        raise ValueError(f"population must be realistic or classic, not {population!r}")
    streams = np.random.SeedSequence([seed, 0x7EA1]).spawn(homes)
    return [
        msgspec.structs.replace(p, **draw_traits(p.sensors, np.random.default_rng(s)))
        for p, s in zip(profiles, streams, strict=True)
    ]
