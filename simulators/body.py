"""The resident's body in the home: moving between rooms, taps, the toilet, the chair.

:class:`Moves` writes sensor events and what the body is doing (asleep, sitting,
walking, away, ...) into a :class:`Timeline`, in wall seconds of the home's clock;
:mod:`simulators.routine` strings these moves into days and nights, and
:mod:`simulators.heart` derives the heart rate from the body's states.
"""

from dataclasses import dataclass, field
from typing import Final

import numpy as np

from simulators.profiles import HomeProfile, sensor_layout
from simulators.scenarios import DayPlan

HOUR: Final = 3600.0
MINUTE: Final = 60.0

# What the body is doing; the heart follows (simulators.heart).
SLEEP, REST, SIT, ACTIVE, AWAY = range(5)


@dataclass
class Timeline:
    """Everything a home's routine produced, in wall seconds (see simulators.localtime)."""

    sensors: list[str]
    event_t: list[float] = field(default_factory=list)
    event_sensor: list[int] = field(default_factory=list)
    event_value: list[float] = field(default_factory=list)
    seg_t: list[float] = field(default_factory=list)
    seg_state: list[int] = field(default_factory=list)
    seg_extra: list[float] = field(default_factory=list)  # bpm on top of the state's level
    labels: list[tuple[str, float, float, str | None]] = field(default_factory=list)


class Moves:
    """The building blocks of a resident's routine, written into a :class:`Timeline`."""

    def __init__(self, profile: HomeProfile, rng: np.random.Generator) -> None:
        self.p = profile
        self.rng = rng
        # evenings draw from their own stream, so adding them left every day's events as before
        self.evening_rng = rng.spawn(1)[0]
        # Every sensor a home could have: a partial kit drops the rest afterwards (home.py).
        layout = list(sensor_layout(profile.resident))
        self.tl = Timeline(sensors=layout + [s for s in profile.sensors if s not in layout])
        self._code = {sensor: i for i, sensor in enumerate(self.tl.sensors)}
        self.first_weekday = 0  # of the first simulated day, set by live()
        self.left_at: float | None = None  # when they went away, while away

    # -- primitives ---------------------------------------------------------------

    def emit(self, t: float, sensor: str, value: float = 1.0) -> None:
        """One reading of ``sensor`` at wall time ``t``."""
        self.tl.event_t.append(t)
        self.tl.event_sensor.append(self._code[sensor])
        self.tl.event_value.append(value)

    def state(self, t: float, state: int, extra: float = 0.0) -> None:
        """From ``t`` the body is in ``state`` (heart ``extra`` bpm above its level)."""
        self.tl.seg_t.append(t)
        self.tl.seg_state.append(state)
        self.tl.seg_extra.append(extra)

    def label(self, kind: str, start: float, end: float, detail: str | None = None) -> None:
        """Ground truth: ``kind`` from ``start`` to ``end`` (wall seconds)."""
        self.tl.labels.append((kind, start, end, detail))

    def stay(self, room: str, t: float, seconds: float, every: float = 45.0) -> float:
        """Move about ``room`` for ``seconds``: its PIR fires now and then."""
        n = max(1, int(self.rng.poisson(seconds / every)))
        times = np.sort(self.rng.uniform(t, t + seconds, n))
        times[0] = t + float(self.rng.uniform(1.0, 4.0))
        for moment in times.tolist():
            self.emit(moment, f"motion-{room}")
        return t + seconds

    def walk(self, t: float, rooms: tuple[str, ...]) -> float:
        """Walk through ``rooms`` in turn, a few seconds in each; returns arrival time."""
        for room in rooms:
            t += float(self.rng.uniform(4.0, 12.0))
            self.emit(t, f"motion-{room}")
        return t + float(self.rng.uniform(2.0, 6.0))

    def tap(self, t: float, sensor: str, litres: float) -> float:
        """Run a tap for ``litres`` (≈6 L/min flow); the reading comes when it closes."""
        litres = round(max(0.05, litres), 2)
        end = t + max(3.0, litres / 6.0 * MINUTE)
        self.emit(end, sensor, litres)
        return end

    def count(self, mean: float) -> int:
        """How many times a habit happens today: steadier than Poisson, as habits are."""
        mean = max(0.0, mean)
        return max(0, round(float(self.rng.normal(mean, 0.45 * np.sqrt(mean)))))

    def lognormal(self, mean: float, spread: float = 0.25) -> float:
        """A positive amount around ``mean``."""
        return mean * float(self.rng.lognormal(-spread * spread / 2.0, spread))

    # -- the routine pieces -------------------------------------------------------

    def toilet(self, t: float, from_room: str, back_to: str, *, night: bool = False) -> float:
        """A visit to the toilet: flush, wash hands, go back.

        At night a realistic resident takes their own time (``night_trip_min``).
        """
        t = self.walk(t, (from_room, "hall", "bathroom"))
        if night and self.p.night_trip_min > 0:
            seconds = self.lognormal(self.p.night_trip_min * MINUTE, 0.25)
        else:
            seconds = float(self.rng.uniform(60.0, 240.0))
        t = self.stay("bathroom", t, seconds, every=60.0)
        self.emit(t, "toilet")
        t = self.tap(t + 5.0, "tap-bathroom", self.lognormal(self.p.handwash_litres))
        return self.walk(t, ("hall", back_to))

    def drink(self, t: float, plan: DayPlan) -> float:
        """Fetch a drink (or fill the kettle) at the kitchen tap."""
        t = self.walk(t, ("lounge", "hall", "kitchen"))
        litres = self.lognormal(self.p.litres_per_drink * plan.drink)
        if self.rng.random() < 0.25:  # more in the kettle for a pot of tea
            litres *= 1.8
        t = self.tap(t + float(self.rng.uniform(5.0, 30.0)), "tap-kitchen", litres)
        t = self.stay("kitchen", t, float(self.rng.uniform(60.0, 300.0)))
        return self.walk(t, ("hall", "lounge"))

    def meal(self, t: float, plan: DayPlan, main: bool) -> float:
        """Prepare and eat a meal in the kitchen, with cooking and washing-up water."""
        t = self.walk(t, ("lounge", "hall", "kitchen"))
        minutes = float(self.rng.uniform(35.0, 60.0) if main else self.rng.uniform(15.0, 30.0))
        end = t + minutes * MINUTE
        self.stay("kitchen", t, minutes * MINUTE, every=50.0)
        # Unwell and drinking less, people also cook less: fewer and smaller draws.
        appetite = min(1.0, plan.drink)
        uses = max(1, round(int(self.rng.integers(2, 5)) * appetite))
        share = self.p.cooking_litres * (1.0 if main else 0.4) * appetite / uses
        for moment in np.sort(self.rng.uniform(t, end - 60.0, uses)).tolist():
            self.tap(moment, "tap-kitchen", self.lognormal(share, 0.3))
        self.tap(end - 30.0, "tap-kitchen", self.lognormal(self.p.litres_per_drink * plan.drink))
        return self.walk(end, ("hall", "lounge"))

    def potter(self, t: float) -> float:
        """Busy about the house for a while (tidying, dressing, the post)."""
        room = ("bedroom", "hall", "kitchen", "bathroom")[int(self.rng.integers(4))]
        t = self.walk(t, ("lounge", "hall", room))
        t = self.stay(room, t, float(self.rng.uniform(4.0, 20.0)) * MINUTE)
        if room == "hall" and self.rng.random() < 0.4:  # the post, the bins, a neighbour
            self.emit(t, "door-front", 1.0)
            t += float(self.rng.uniform(15.0, 90.0))
            self.emit(t, "door-front", 0.0)
        return self.walk(t, ("hall", "lounge"))

    def sit(self, t: float, until: float, extra: float = 0.0) -> float:
        """Sit in the favourite chair from ``t`` to ``until``, fidgeting now and then."""
        self.emit(t, "chair", 1.0)
        self.state(t, SIT, extra)
        gap = until - t
        if gap > 5 * MINUTE:
            n = int(self.rng.poisson(gap / (12 * MINUTE)))
            for moment in np.sort(self.rng.uniform(t + 60.0, until - 60.0, n)).tolist():
                self.emit(moment, "motion-lounge")
        self.emit(until, "chair", 0.0)
        self.state(until, ACTIVE)
        return until
