"""The demo's life after the catch-up: continued day by day, on an injected clock.

Issue 15: after the history the residents go on living, so today fills in, and an
incident asked for through the mailbox happens in the home and the detectors raise it.
The clock is a fake that moves a step each time it is read: no waiting on wall time.
"""

import itertools
import threading
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import msgspec
import pytest

from carewatch.errors import ConfigError
from carewatch.protocol import Alert, Reading
from carewatch.records import ReadingRecord
from detectors import Engine, EngineConfig
from detectors.config import DAY
from gateway.sources.base import SourceContext
from simulators import mailbox
from simulators.gateway_source import build
from simulators.home import simulate_home
from simulators.live import LiveLife
from simulators.profiles import HomeProfile, make_cohort

SEED = 7
HOME = make_cohort(1, seed=SEED)[0]  # New York, a full kit


class SteppingClock:
    """Moves ``step`` seconds on every reading of it."""

    def __init__(self, start: float, step: float) -> None:
        self.now, self.step = start, step

    def __call__(self) -> float:
        self.now += self.step
        return self.now


class Until:
    """A sink that keeps readings (and the clock when each came) and stops at ``end``."""

    def __init__(self, home: str, clock: SteppingClock, end: float, stop: threading.Event):
        self.home, self.clock, self.end, self.stop = home, clock, end, stop
        self.readings: list[ReadingRecord] = []
        self.late: list[float] = []  # how far the clock was past each reading's ts

    def reading(self, r: Reading) -> None:
        self.readings.append(ReadingRecord(self.home, r.sensor, r.kind, r.ts, r.value, r.resident))
        self.late.append(self.clock.now - r.ts)
        if r.ts >= self.end:
            self.stop.set()

    def battery(self, sensor: str, percent: float) -> None: ...

    def problem(self, source: str, reason: str) -> None: ...


def live(
    first_day: date,
    start: float,
    end: float,
    *,
    step: float = 30.0,
    resume: dict[str, float] | None = None,
    incidents: Path | None = None,
    before: tuple[str, ...] = (),
    profile: HomeProfile = HOME,
) -> list[ReadingRecord]:
    """Run the live life from clock ``start`` until a reading at or after ``end``."""
    clock, stop = SteppingClock(start, step), threading.Event()
    sink = Until(profile.home, clock, end, stop)
    life = LiveLife(
        profile, seed=SEED, first_day=first_day, clock=clock, resume=resume,
        incidents=incidents, poll_s=0.0,
    )  # fmt: skip
    if incidents is not None:
        for kind in before:
            mailbox.request(incidents, profile.home, kind)
    life.run(sink, stop)
    assert max(sink.late) >= 0 and min(sink.late) >= 0, "a reading left before its time"
    return sink.readings


def midnight(day: date, tz: str = HOME.tz) -> float:
    return datetime(day.year, day.month, day.day, tzinfo=ZoneInfo(tz)).timestamp()


def test_life_goes_on_day_after_day_the_same_for_the_same_seed() -> None:
    first = date(2026, 3, 2)
    start, end = midnight(first), midnight(first + timedelta(days=3))
    readings = live(first, start, end, step=120.0)
    days = {datetime.fromtimestamp(r.ts, ZoneInfo(HOME.tz)).date() for r in readings}
    assert days >= {first, first + timedelta(days=1), first + timedelta(days=2)}
    assert all(a.ts <= b.ts for a, b in itertools.pairwise(readings))
    kinds = {r.kind.value for r in readings}
    assert {"bed", "chair", "tap", "toilet", "heart_rate", "motion"} <= kinds
    # each day is slept through at both ends: the days join asleep, in bed
    for day in (1, 2):
        join = midnight(first + timedelta(days=day))
        before = [r.value for r in readings if r.kind.value == "bed" and r.ts < join]
        assert before[-1] == 1.0
    assert live(first, start, end, step=45.0) == readings  # the clock's pace changes nothing
    # after a restart the life resumes after what the outbox holds: nothing twice, nothing lost
    cut = readings[len(readings) // 2].ts
    resume: dict[str, float] = {}
    for r in readings:
        if r.ts <= cut:
            resume[r.sensor] = r.ts
    rest = live(first, cut, end, resume=resume)
    assert [r for r in readings if r.ts > resume.get(r.sensor, 0)] == rest


def test_today_fills_in_up_to_the_clock_and_no_further() -> None:
    first = date(2026, 3, 2)
    noon = midnight(first) + 12 * 3600
    readings = live(first, noon - 60, noon, step=1.0)
    assert readings[0].ts < midnight(first) + 3600  # from midnight, at once
    assert readings[-1].ts >= noon - 120


@pytest.mark.parametrize(("kind", "local_hour"), [("stress", 11), ("night_wandering", 14)])
def test_an_incident_asked_for_happens_and_the_detectors_raise_it(
    tmp_path: Path, kind: str, local_hour: int
) -> None:
    history_days = 10
    first = date(2026, 3, 2) + timedelta(days=history_days)
    history = simulate_home(HOME, days=history_days, seed=SEED, start=date(2026, 3, 2))
    engine = Engine(EngineConfig(learning_period=7 * DAY))
    engine.set_home_tz(HOME.home, HOME.tz)
    for reading in history.readings:
        engine.process(reading)
    asked = midnight(first) + local_hour * 3600
    box = tmp_path / "incidents"
    readings = live(first, asked, asked + 14 * 3600, incidents=box, before=(kind,), step=20.0)
    (done,) = (box / HOME.home).glob("*.done")  # the request was taken and answered
    answer = mailbox.answered(done.with_suffix(".json"))
    assert answer is not None and answer["kind"] == kind
    start, end = float(answer["start"]), float(answer["end"])
    if kind == "stress":
        assert start == pytest.approx(asked, abs=60)  # now: it is the resident's day
    else:  # asked in the afternoon: it happens tonight, in the middle of their night
        hour = datetime.fromtimestamp(start, ZoneInfo(HOME.tz)).hour
        assert start > asked + 6 * 3600 and (hour >= 23 or hour < 5)
    alerts: list[Alert] = []
    for reading in readings:
        alerts += [a for a in engine.process(reading) if isinstance(a, Alert)]
        alerts += [a for a in engine.tick(reading.ts) if isinstance(a, Alert)]
    raised = [a for a in alerts if a.kind == kind]
    assert raised, f"no {kind} alert; alerts were {[a.kind.value for a in alerts]}"
    assert start <= raised[0].detected_at <= end + 600
    print(kind, "alert after", (raised[0].detected_at - start) / 60, "minutes")
    if kind == "stress":  # a demo's watcher sees it within minutes of asking
        assert raised[0].detected_at - start <= 8 * 60
    # the routine's own readings are gone while the incident lasts: only its own are there
    beds = [r.value for r in readings if start <= r.ts <= end and r.kind.value == "bed"]
    assert beds == ([] if kind == "stress" else [0.0, 1.0])


def test_a_request_for_an_unknown_incident_is_refused_with_the_reason(tmp_path: Path) -> None:
    first = date(2026, 3, 2)
    box = tmp_path / "incidents"
    ticket = mailbox.request(box, HOME.home, "alien_abduction")
    live(first, midnight(first) + 3600, midnight(first) + 7200, incidents=box)
    assert mailbox.answered(ticket) == {"refused": "unknown incident 'alien_abduction'"}
    assert not list((box / HOME.home).glob("*.json"))


def test_an_incident_the_home_cannot_see_is_refused(tmp_path: Path) -> None:
    no_mat = msgspec.structs.replace(
        HOME, sensors={k: v for k, v in HOME.sensors.items() if v != "bed"}
    )
    first, box = date(2026, 3, 2), tmp_path / "incidents"
    ticket = mailbox.request(box, HOME.home, "night_wandering")
    live(first, midnight(first) + 3600, midnight(first) + 7200, incidents=box, profile=no_mat)
    answer = mailbox.answered(ticket)
    assert answer == {"refused": "this home has no bed sensor to see night_wandering with"}


def test_the_day_seed_ignores_when_the_life_began() -> None:
    # the same date is the same day, whether the live part began on it or the day before
    day = date(2026, 3, 3)
    one = live(day, midnight(day), midnight(day) + 6 * 3600)
    two = live(day - timedelta(days=1), midnight(day), midnight(day) + 6 * 3600, step=60.0)
    assert [r for r in two if r.ts >= midnight(day)][: len(one) - 1] == one[:-1]
    assert datetime.fromtimestamp(one[0].ts, UTC).date() >= day - timedelta(days=1)


def test_incidents_without_live_is_a_config_error_naming_the_setting() -> None:
    with pytest.raises(ConfigError, match=r"\[source.simulator\].incidents: needs live = true"):
        build({"incidents": "/tmp/incidents"}, SourceContext("home-001", "gw-1", "UTC"))
