"""One home's state in event time: its clock, hours and days, and its detectors.

The hub that takes each reading: when it happened (detectors/timing.py), what it says
of the resident (detectors/whereabouts.py), then the detectors that want it, which read
the home through detectors/view.py. Hours and days are closed here, as time moves.
"""

from collections.abc import Mapping
from types import MappingProxyType

from carewatch.protocol import AlertKind, Kind
from carewatch.tuning import factor
from detectors.calendar import LocalCalendar
from detectors.config import HOUR, MINUTE, EngineConfig
from detectors.contract import Detector, overrides
from detectors.dehydration import Dehydration
from detectors.health import SensorHealth
from detectors.hours import ACTIVITY, LOCAL_HOUR, OCCUPIED, SEEN, TOILETS, HourRing
from detectors.inactivity import Inactivity
from detectors.migrations import upgrade_home
from detectors.night import NightWatch
from detectors.presence import Presence
from detectors.recent import RecentEvents
from detectors.sensors import LONG_GAP, SensorState
from detectors.strays import StrayMotion
from detectors.stress import StressWatch
from detectors.summary import DayTally
from detectors.timing import DEDUP, JUMP, MAX_HELD, REORDER, ReadingTiming
from detectors.toileting import NightToileting
from detectors.view import Output
from detectors.whereabouts import Whereabouts

RING = 96  # hours of counts kept: the longest drinking window plus a day of backfill
CHECK_EVERY = 5 * MINUTE  # time-based checks; every minute while someone is up at night

# Enum members as module globals: ``Kind.MOTION`` costs six times ``MOTION`` per reading.
HEART_RATE, MOTION, BED, CHAIR = Kind.HEART_RATE, Kind.MOTION, Kind.BED, Kind.CHAIR
TAP, TOILET, DOOR = Kind.TAP, Kind.TOILET, Kind.DOOR


class Home(ReadingTiming, Whereabouts):
    """Everything the engine knows about one home (pickled into checkpoints)."""

    bed_at = 0.0  # when the bed sensor last said in or out (live or backfilled)
    kinds: frozenset[Kind] = frozenset()  # the kinds of sensor heard from (its kit)
    withheld: frozenset[Kind] = frozenset()  # kinds ingest drops: no consent to collect them
    # steps stricter per alert kind, from carers' feedback (carewatch/tuning.py)
    tuning: Mapping[AlertKind, int] = MappingProxyType({})

    def __init__(self, home: str, tz: str, config: EngineConfig) -> None:
        self.id = home
        self.cfg = config
        self.cal = LocalCalendar(tz)
        self.first_ts = 0.0
        self.clock = 0.0
        self.last_seen = 0.0
        self.last_activity = 0.0  # any sign of the resident: motion, furniture, tap, toilet
        self.last_motion = 0.0
        self.motion_sensor = ""
        self.walked = 0.0  # two rooms' motion sensors in quick succession: walking about
        self.chair_room: dict[str, int] = {}  # motion triggers per sensor while seated
        self.chair_sensor = ""  # the chair_room sensor with the most triggers (the first of ties)
        self.last_door = 0.0
        self.in_bed = False
        self.in_chair = False
        self.chair_since = 0.0
        self.has_motion = False
        self.has_furniture = False
        self.sensors: dict[str, SensorState] = {}
        self.recent = RecentEvents(DEDUP)  # the last event readings
        self.hour = -1
        self.hour_start = 0.0
        self.hour_end = 0.0
        self.seen_hour = False  # the current hour is marked as heard from
        self.local_hour = 0
        self.ring = HourRing(RING)
        self.taps: dict[str, int] = {}  # tap sensor -> its index in the hourly counts
        self.day_end = 0.0
        self.tally = DayTally("2000-01-01", 0.0)
        self.next_check = 0.0
        self.jumper = ""  # the sensor whose readings jumped ahead of the clock, unconfirmed
        self.resumed = 0.0  # when readings came back after a silence
        self.dehydration = Dehydration()
        self.night = NightWatch(config)
        self.inactivity = Inactivity()
        self.presence = Presence()
        self.strays = StrayMotion()  # a pet's motion while they are out (decision D131)
        self.health = SensorHealth()
        self.hearts: dict[str, StressWatch] = {}
        self.toileting = NightToileting()
        self.listen(self.night, self.inactivity, self.dehydration, self.toileting)
        self._rest_span()

    def __getstate__(self) -> dict[str, object]:
        """The home for a checkpoint, less the settings (the checkpoint keeps them once)."""
        state = self.__dict__.copy()
        del state["cfg"]  # Engine.from_bytes gives it back
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        """Restore from a checkpoint, brought up to date (detectors/migrations.py)."""
        self.__dict__.update(state)
        upgrade_home(self, state, DEDUP)

    def strictness(self, kind: AlertKind) -> float:
        """How many times the documented rule's distance from usual ``kind`` asks for."""
        return factor(self.tuning.get(kind, 0))

    def tune(self, steps: Mapping[AlertKind, int]) -> None:
        """Take carers' feedback as steps per alert kind (from now on; D122)."""
        self.tuning = {kind: n for kind, n in steps.items() if n}
        for watch in self.hearts.values():
            watch.limit_hour = -1  # its raised-heart-rate limit is read again at once

    # -- time ---------------------------------------------------------------------------

    @property
    def learning(self) -> bool:
        """Whether the routine detectors are still learning this home."""
        return self.clock - self.first_ts < self.cfg.learning_period

    def set_tz(self, tz: str) -> None:
        """Change the home's zone (takes effect from the next hour)."""
        if tz != self.cal.tz:
            self.cal = LocalCalendar(tz)

    def _start(self, ts: float) -> None:
        self.first_ts = ts
        self.hour = int(ts // HOUR)
        self.hour_start = self.hour * HOUR
        self.hour_end = self.hour_start + HOUR
        self.local_hour = self.cal.hour(ts)
        self.ring.open(self.hour, self.local_hour)
        self.day_end = self.cal.next_midnight(ts)
        self.tally = DayTally(self.cal.date(ts), ts)
        self.clock = ts

    def _advance(self, ts: float, out: Output) -> None:
        """Close every hour (and day) up to ``ts``."""
        new_hour = int(ts // HOUR)
        detectors = self.hourly
        for hour in range(max(self.hour, new_hour - RING), new_hour):
            slot = self.ring.slot(hour)
            if slot is not None and (self.in_bed or self.in_chair):
                slot[OCCUPIED] = 1.0
            end = (hour + 1) * HOUR
            if end >= self.day_end:
                self._close_day(out)
            for detector in detectors:
                detector.on_hour(self, hour, out)
            self.ring.open(hour + 1, self.cal.hour(end))
        self.hour = new_hour
        self.hour_start = new_hour * HOUR
        self.hour_end = self.hour_start + HOUR
        self.seen_hour = False
        self.local_hour = int(self.ring.slots[new_hour % RING][LOCAL_HOUR])

    def _close_day(self, out: Output) -> None:
        end = self.day_end
        if self.in_chair:
            self.tally.chair(self.chair_since, end)
        out.append(self.tally.close(self.id))
        self.tally = DayTally(self.cal.date(end + 1.0), end)
        self.day_end = self.cal.next_midnight(end + 1.0)

    # -- readings -----------------------------------------------------------------------

    def process(
        self, sensor: str, kind: Kind, ts: float, value: float, who: str | None, out: Output
    ) -> None:
        """Take one reading; add the alerts and summaries it completes to ``out``."""
        state = self.sensors.get(sensor)
        if state is None:
            state = self._new_sensor(sensor, kind)
        if kind is HEART_RATE:
            if ts <= state.last_ts:
                return  # a duplicate or a late beat: a past heart rate alerts no one
        elif self._repeated(state, ts, value):
            return  # a re-delivered reading
        if self.first_ts == 0.0:
            self._start(ts)
        if self.held:
            if self.held[0][0] != sensor:  # time moved on if this one jumped too
                self._settle(ts - state.offset > self.clock + JUMP, out)
            elif ts < self.held[-1][2]:  # its own time went back: an outbox draining
                self._settle(True, out)
        at = ts - state.offset
        clock = self.clock
        if clock - REORDER <= at <= clock + JUMP:
            live = True  # the usual case, without a call
        else:
            timing = self._timing(sensor, state, ts)
            if timing is None:
                self.held += ((sensor, kind, ts, value, who),)
                if len(self.held) >= MAX_HELD:
                    self._settle(False, out)
                return
            at, live = timing
        self._take(state, sensor, kind, ts, at, live, value, who, out)

    def _take(
        self,
        state: SensorState,
        sensor: str,
        kind: Kind,
        ts: float,
        at: float,
        live: bool,
        value: float,
        who: str | None,
        out: Output,
    ) -> None:
        """A reading taken as happening ``at``: move the clock, then the detectors."""
        clock = self.clock
        silence = self.cfg.gateway_silence
        # A long silence ends here: judge it (only one of 2 x the limit, never under
        # 2 x gateway_silence, or after the gateway said it went offline, can be news),
        # then learn it as the home's usual quiet.
        if live and self.last_seen and at - self.last_seen >= LONG_GAP:
            if at - self.last_seen >= 2 * silence or self.health.offline_since:
                self._judge_silence_before(at, out)
            # Nothing ticked through the quiet (no wearable, one home): let the night
            # begin as a live clock would have, before this reading gets them up.
            self.night_check(at, out)
            silence = self.health.silence_limit(self)
            if not self.away:  # out, the home may be quiet for the whole outing
                self.health.learn_quiet(self, at - self.last_seen)
        if at > clock:
            if at >= self.hour_end:
                self._advance(at, out)
            self.clock = at
        if kind is HEART_RATE and at - state.heard >= LONG_GAP:
            self.presence.wearable_gap = (state.heard, at)  # out with them, or taken off
        # a gap that spans an absence (the door, then nothing) is not the sensor's usual
        state.seen(ts, at, live and (state.heard >= self.last_door or not self.presence.left(self)))
        if at - self.last_seen >= silence:
            self.resumed = max(self.resumed, at)  # back after a silence: what happened is unknown
        if at < self.hour_start or not self.seen_hour:
            self.ring.add(int(at // HOUR), SEEN)
            self.seen_hour = at >= self.hour_start
        if at > self.last_seen:
            self.last_seen = at
        self.health.offline_since = 0.0  # a reading arrived: the gateway is connected
        if kind is HEART_RATE:
            self._heart(who, sensor, at, value, live, out)
        elif kind is MOTION and live:
            self._live_motion(sensor, at, value, out)
        else:
            self._event(kind, sensor, at, value, live, out)
        if live and at >= self.next_check:
            self.check(at, out)

    def _settle(self, confirmed: bool, out: Output) -> None:
        """Take the held readings: the present if another sensor's reading jumped too (or
        time has caught up with them), else from a sensor whose clock runs fast."""
        state, held = self._release(confirmed)
        for sensor, kind, ts, value, who in held:
            at = max(ts - state.offset, self.clock)
            self._take(state, sensor, kind, ts, at, True, value, who, out)

    def _new_sensor(self, sensor: str, kind: Kind) -> SensorState:
        state = self.sensors[sensor] = SensorState(kind)
        self.kinds = self.kinds | {kind}
        if kind is MOTION or kind is BED or kind is CHAIR:
            self._room_sensor(kind)
        return state

    def _judge_silence_before(self, at: float, out: Output) -> None:
        """Judge a silence that ends now as a live clock would have when it fell due.

        In event time (replays, accelerated demos) nothing may have ticked through the
        silence, and this reading is about to move the home's clock past it; with a live
        clock the gateway alert is already out and this raises nothing again. Only
        silences of twice the limit count here: shorter quiet spells in a home without a
        wearable stream are ordinary life, and an outage under an hour goes unreported in
        event time (decision D42).
        """
        since = self.health.silent_since(self)
        limit = self.health.silence_limit(self)
        if at - since >= 2 * limit:
            self.check(since + limit, out)

    def beat(self, sensor: str, ts: float, bpm: float, who: str | None, out: Output) -> None:
        """Take one heart-rate reading: the hot path (most readings), else :meth:`process`.

        The usual beat is newer than the sensor's last, on time (after its learnt clock
        offset), within the current hour (already marked as heard from), from a known
        wearable, and no long gap for its sensor or the home: then only the clocks move
        and the stress watch hears it.
        """
        state = self.sensors.get(sensor)
        watch = self.hearts.get(who or sensor)
        if state is None or watch is None or ts <= state.last_ts:
            self.process(sensor, HEART_RATE, ts, bpm, who, out)
            return
        at = ts - state.offset  # a wearable whose clock runs slow keeps its learnt lag
        clock = self.clock
        if (
            not clock - REORDER <= at <= clock + JUMP
            or not self.hour_start <= at < self.hour_end
            or not 0.0 < at - state.heard < LONG_GAP
            or at - self.last_seen >= self.cfg.gateway_silence
            or not self.seen_hour
            or self.held
        ):
            self.process(sensor, HEART_RATE, ts, bpm, who, out)
            return
        state.last_ts = ts
        state.heard = at
        if at > clock:
            self.clock = at
        if at > self.last_seen:
            self.last_seen = at
        self.health.offline_since = 0.0
        watch.on_beat(self, at, bpm, out)
        if at >= self.next_check:
            self.check(at, out)

    def _room_sensor(self, kind: Kind) -> None:
        """A first motion, bed or chair sensor: rest is now judged by it."""
        if kind is MOTION:
            self.has_motion = True
        elif kind is CHAIR:  # (a bed says nothing of sitting: motion judges rest there)
            self.has_furniture = True
        self._rest_span()
        # Whatever was learnt as "resting" before we could tell is suspect: start again.
        self.hearts = {
            key: StressWatch(self.cfg, watch.resident) for key, watch in self.hearts.items()
        }

    def _heart(
        self, who: str | None, sensor: str, ts: float, value: float, live: bool, out: Output
    ) -> None:
        key = who or sensor
        watch = self.hearts.get(key)
        if watch is None:
            watch = self.hearts[key] = StressWatch(self.cfg, who)
        if live:
            watch.on_beat(self, ts, value, out)

    def _live_motion(self, sensor: str, ts: float, value: float, out: Output) -> None:
        """A live motion reading (nine events in ten): :meth:`_event`'s motion path alone."""
        self.ring.add(int(ts // HOUR), ACTIVITY)
        night = self.night
        if self.in_bed and night.in_night:
            night.stir(sensor)  # motion in bed at night shows which sensor sees the bed
            if night.bedside and sensor != night.bedside:
                self.strays.someone_else(ts)  # … and motion elsewhere is not theirs
        # Turning over in bed is not being up; motion in another room is, whatever the
        # bed says (a mat stuck pressed, or it missed them getting up).
        if (not self.in_bed or (night.bedside and sensor != night.bedside)) and not (
            (self.last_door > self.last_activity or self.strays.suspect_from)
            and self.strays.is_stray(self, MOTION, ts)
        ):
            self.inactivity.on_activity(self, ts)
            self.presence.on_activity(self, sensor, MOTION, ts)
            self.last_activity = ts
        self._motion(sensor, ts)
        self._rest_span()
        # The hot path: of the detectors, only the night watch wants motion, and only
        # while they are up (a detector that wants motion is called here too).
        if self.night.out_since:
            self.night.on_event(self, MOTION, ts, value, out)

    def _event(
        self, kind: Kind, sensor: str, ts: float, value: float, live: bool, out: Output
    ) -> None:
        hour = int(ts // HOUR)
        same_day = ts >= self.tally.start
        if kind is TAP:
            index = self.taps.get(sensor)
            if index is None:
                index = self.taps[sensor] = len(self.taps)
            self.ring.tap(hour, index, value)
            if same_day:
                self.tally.tap(value)
        elif kind is TOILET:
            self.ring.add(hour, TOILETS)
            if same_day:
                self.tally.toilet(night=self.night.in_night and live)
        if kind is not DOOR or value == 1.0:
            self.ring.add(hour, ACTIVITY)
        if not live:
            self.last_activity = max(self.last_activity, ts)
            if kind is BED and ts > self.bed_at:
                # got up (or back to bed) during an outage: "not up yet" must not hang on
                self.bed_at = ts
                self.in_bed = value == 1.0
            return
        if kind is DOOR:
            self.last_door = ts
            self.strays.door()
        elif not ((kind is MOTION and self.in_bed) or self.strays.is_stray(self, kind, ts)):
            # turning over in bed is not being up; nor is a pet's motion while they are out
            self.inactivity.on_activity(self, ts)
            self.presence.on_activity(self, sensor, kind, ts)
            self.last_activity = ts
        if kind is MOTION:
            self._motion(sensor, ts)
        elif kind is BED:
            self.in_bed = value == 1.0
            self.bed_at = ts
        elif kind is CHAIR:
            if value == 1.0 and not self.in_chair:
                self.chair_since = ts
            elif value == 0.0 and self.in_chair:
                self.tally.chair(self.chair_since, ts)
            self.in_chair = value == 1.0
        if kind is MOTION or kind is CHAIR or kind is BED:
            self._rest_span()
        for detector in self.hearing.get(kind, ()):
            detector.on_event(self, kind, ts, value, out)

    def listen(self, *detectors: Detector) -> None:
        """Call these detectors (detectors/contract.py), in this order, from now on."""
        self.detectors = detectors
        self.checking = tuple(d for d in detectors if overrides(d, "check"))
        self.hourly = tuple(d for d in detectors if overrides(d, "on_hour"))
        self.hearing = {
            kind: tuple(d for d in detectors if kind in d.wants)
            for kind in Kind
            if any(kind in d.wants for d in detectors)
        }

    def night_check(self, now: float, out: Output) -> None:
        """The night watch's time-based check alone (after a silence, before a reading)."""
        self.night.check(self, now, out)
        self._void_bed()

    def _void_bed(self) -> None:
        """The bed mat was found stuck: its "in bed" is void, movement counts as up again."""
        bed = self.night.bed
        if bed.voided:
            bed.voided = False
            self.in_bed = False

    # -- silence ------------------------------------------------------------------------

    def check(self, now: float, out: Output) -> None:
        """Time-based checks: silence, lateness, long nights (each minute while up at night)."""
        if self.held and now >= self.held[0][2]:
            self._settle(True, out)  # time has caught up with them: no fast clock after all
        self.next_check = now + (MINUTE if self.night.out_since else CHECK_EVERY)
        if self.health.check(self, now, out):
            return  # the gateway is silent: nothing else can be judged
        bed = self.night.bed
        for detector in self.checking:
            detector.check(self, now, out)
            if bed.voided:  # before the next detector reads "in bed"
                self._void_bed()
