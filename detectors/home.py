"""One home's state in event time: its clock, sensors, hourly counts and detectors.

Readings come in arrival order. A reading is *live* when it is not older than the
home's clock (a minute of reordering is tolerated). One stamped far ahead, while the
home's other sensors are not, comes from a sensor whose clock runs fast: its offset is
learnt and taken off. One far behind is *late*: backfill if the home has just come back
from a silence (counted into the hour and the day it belongs to, but never starting an
alert: an outage is told by the gateway alert, not by false alarms), otherwise a sensor
whose clock runs slow, taken as happening now.
"""

from collections import deque

from carewatch.protocol import Alert, DailySummary, Kind
from detectors.calendar import LocalCalendar
from detectors.config import HOUR, MINUTE, EngineConfig
from detectors.dehydration import Dehydration
from detectors.health import LONG_GAP, SensorHealth, SensorState
from detectors.hours import ACTIVITY, LOCAL_HOUR, OCCUPIED, SEEN, TOILETS, HourRing
from detectors.inactivity import Inactivity
from detectors.night import NightWatch
from detectors.presence import Presence
from detectors.stress import StressWatch
from detectors.summary import DayTally

Output = list[Alert | DailySummary]

RING = 96  # hours of counts kept: the longest drinking window plus a day of backfill
REORDER = 60.0  # seconds a reading may lag the home's clock and still count as live
JUMP = 300.0  # a reading this far ahead of the clock needs a second one to confirm it
BACKFILL = 24 * HOUR  # after a silence, readings this far back are the outbox draining
WALKING = 2 * MINUTE  # motion in another room this soon after the last: walking
CHECK_EVERY = 5 * MINUTE  # time-based checks; every minute while someone is up at night
STUCK_CHAIR = 4 * HOUR  # no one sits this long without a chair event
DEDUP = 512  # recent event readings remembered to drop duplicates

# Enum members as module globals: ``Kind.MOTION`` costs six times ``MOTION`` per reading.
HEART_RATE, MOTION, BED, CHAIR = Kind.HEART_RATE, Kind.MOTION, Kind.BED, Kind.CHAIR
TAP, TOILET, DOOR = Kind.TAP, Kind.TOILET, Kind.DOOR

NEVER = float("inf")

DedupKey = tuple[SensorState, float, float]  # the sensor's own state: hashed by identity
Held = tuple[str, Kind, float, float, str | None]  # sensor, kind, ts, value, resident
MAX_HELD = 10  # readings of one sensor held for a second sensor's word on a jump


class Home:
    """Everything the engine knows about one home (pickled into checkpoints)."""

    # when the resident is at rest, as the last motion or chair event left it (class
    # defaults: a checkpoint from before these existed learns them at the next event)
    rest_from = 0.0
    rest_until = 0.0
    bed_at = 0.0  # when the bed sensor last said in or out (live or backfilled)
    held: "tuple[Held, ...]" = ()  # readings that jumped ahead of the clock, unconfirmed
    kinds: frozenset[Kind] = frozenset()  # the kinds of sensor heard from (its kit)

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
        self.recent: deque[DedupKey] = deque(maxlen=DEDUP)  # the last event readings
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
        self.health = SensorHealth()
        self.hearts: dict[str, StressWatch] = {}
        self._rest_span()

    def __setstate__(self, state: dict[str, object]) -> None:
        """Restore from a checkpoint; one of version 1 (engine.py) is brought up to date."""
        self.__dict__.update(state)
        recent = state.get("recent")
        if isinstance(recent, dict):  # version 1: an ordered dict of (sensor id, ts, value)
            keys = [(self.sensors[sensor], ts, value) for sensor, ts, value in recent]
            self.recent = deque(keys, maxlen=DEDUP)
            self.hour_start = self.hour_end - HOUR
            room = self.chair_room
            self.chair_sensor = max(room, key=room.__getitem__) if room else ""
        if "presence" not in state:  # from before presence and the kit were learnt
            self.presence = Presence()
            self.kinds = frozenset(sensor.kind for sensor in self.sensors.values())

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
        for hour in range(max(self.hour, new_hour - RING), new_hour):
            slot = self.ring.slot(hour)
            if slot is not None and (self.in_bed or self.in_chair):
                slot[OCCUPIED] = 1.0
            end = (hour + 1) * HOUR
            if end >= self.day_end:
                self._close_day(out)
            self.dehydration.on_hour(self, hour, out)
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
            self.night.check(self, at, out)
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
        held, self.held = self.held, ()
        self.jumper = ""
        state = self.sensors[held[0][0]]
        state.offset = 0.0 if confirmed else held[0][2] - self.clock
        for sensor, kind, ts, value, who in held:
            at = max(ts - state.offset, self.clock)
            self._take(state, sensor, kind, ts, at, True, value, who, out)

    def _new_sensor(self, sensor: str, kind: Kind) -> SensorState:
        state = self.sensors[sensor] = SensorState(kind)
        self.kinds = self.kinds | {kind}
        if kind is MOTION or kind is BED or kind is CHAIR:
            self._room_sensor(kind)
        return state

    def _repeated(self, state: SensorState, ts: float, value: float) -> bool:
        """Whether an event reading is one of the home's last ``DEDUP`` (else remember it).

        Only a reading not newer than its sensor's latest can repeat one (one event in
        a thousand in a replay): only then is the queue searched. Hashing float keys into
        a set instead cost about half a microsecond an event.
        """
        key = (state, ts, value)
        if ts <= state.last_ts and key in self.recent:
            return True
        self.recent.append(key)
        return False

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

    def _timing(self, sensor: str, state: SensorState, ts: float) -> tuple[float, bool] | None:
        """When a reading happened as far as the detectors go, and whether it is live.

        Readings come in arrival order. One stamped far ahead of the home's clock is
        held (None) until another sensor speaks: if its reading jumped too, time has
        moved on (after an outage, or a quiet spell in a home without a wearable);
        if not, the held sensor's clock runs fast, and its offset is learnt and taken
        off (:meth:`_settle`). A home with a single sensor believes a jump at once. A
        reading far behind is backfill if the home has just come back from a silence;
        otherwise it is a slow sensor clock: taken as happening now, and its lag learnt
        as an offset.
        """
        clock = self.clock
        at = ts - state.offset
        if at > clock + JUMP:
            jumper = self.sensors.get(self.jumper)
            if len(self.sensors) == 1 or (jumper is not None and jumper is not state):
                if jumper is not None:
                    jumper.offset = 0.0
                self.jumper = ""
                state.offset = 0.0
                return ts, True
            self.jumper = sensor
            return None  # held until another sensor (or time) says which
        if at >= clock - REORDER:
            return at, True
        if state.offset:
            state.offset = 0.0  # its clock was put right
            return self._timing(sensor, state, ts)
        if self.resumed and ts < self.resumed and clock - self.resumed < BACKFILL:
            return ts, False  # measured during the silence that just ended: backfill
        if clock - at <= JUMP:
            # Late by minutes: delivery jitter, not a slow clock. Learning an offset from it
            # would shift every later reading of the sensor (a hall motion moved after the
            # front door makes an outing look like someone at home).
            return clock - REORDER, True
        # A slow sensor clock: learn how far behind it runs, so that its next readings
        # move the home's clock on (it may be the only sensor talking, e.g. a wearable
        # at night) instead of freezing it until a gateway alert.
        state.offset = ts - clock
        return clock, True

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
        # Turning over in bed is not being up; motion in another room is, whatever the
        # bed says (a mat stuck pressed, or it missed them getting up).
        if not self.in_bed or (night.bedside and sensor != night.bedside):
            self.inactivity.on_activity(self, ts)
            self.presence.on_activity(self, sensor, MOTION, ts)
            self.last_activity = ts
        self._motion(sensor, ts)
        self._rest_span()
        if self.night.out_since:  # the night watch counts motion only while they are up
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
        elif not (kind is MOTION and self.in_bed):  # turning over in bed is not being up
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
        self.night.on_event(self, kind, ts, value, out)

    def _motion(self, sensor: str, ts: float) -> None:
        if sensor != self.motion_sensor and ts - self.last_motion < WALKING:
            self.walked = ts
        if self.in_chair and ts - self.chair_since > MINUTE:
            self._fidget(sensor)
        if self.chair_sensor and sensor != self.chair_sensor:
            self.walked = ts  # moving in another room: a chair that says "occupied" is stale
        self.last_motion = ts
        self.motion_sensor = sensor

    def _fidget(self, sensor: str) -> None:
        """Motion while seated: it teaches which room the chair is in (the most fidgets)."""
        room = self.chair_room
        count = room[sensor] = room.get(sensor, 0) + 1
        best = self.chair_sensor
        if not best or (sensor != best and count >= room[best]):
            # max() keeps the first of equals, so a tie may or may not move it: ask it
            self.chair_sensor = max(room, key=room.__getitem__)

    def at_rest(self, ts: float) -> bool:
        """Sitting in the chair a while (fidgets allowed), or no way to tell otherwise.

        Lying in bed is not "at rest" for stress: a sleeping heart is slower, and mixing
        the two would make every evening look raised.
        """
        return self.rest_from <= ts < self.rest_until

    def _rest_span(self) -> None:
        """When they are at rest, given the events so far (kept, as beats ask often).

        Not within ``rest_quiet`` of moving from room to room (a chair that says
        otherwise is stale); with a chair sensor, seated ``rest_settle`` and for less
        than ``STUCK_CHAIR`` (hours with no chair event: the sensor is stuck); with
        only motion sensors and a bed sensor, out of bed and no motion for ``rest_quiet``;
        otherwise never (a wearable alone cannot tell sitting from walking, motion alone
        sitting from sleeping: stress at rest is not armed).
        """
        if self.has_furniture and not self.in_chair:
            self.rest_from, self.rest_until = NEVER, 0.0  # (most motion: up and about)
            return
        cfg = self.cfg
        start = self.walked + cfg.rest_quiet if self.walked else 0.0
        if self.has_furniture:
            self.rest_from = max(start, self.chair_since + cfg.rest_settle)
            self.rest_until = self.chair_since + STUCK_CHAIR
            return
        # A wearable alone: walking looks like stress; motion without a bed sensor: asleep
        # looks like sitting still, and a sleeping heart is another heart.
        if not self.has_motion or BED not in self.kinds or self.in_bed:
            self.rest_from, self.rest_until = NEVER, 0.0
            return
        start = max(start, self.last_motion + cfg.rest_quiet)
        self.rest_from, self.rest_until = start, NEVER

    def moving(self, ts: float) -> bool:
        """The wearable says they are up and about (heart rate well above resting)."""
        return any(watch.active(ts, self.local_hour) for watch in self.hearts.values())

    def quiet_since(self) -> float:
        """Since when nothing shows the resident about (or since data came back)."""
        return max(self.last_activity, self.resumed)

    @property
    def away(self) -> bool:
        """Out: the door was the last thing that happened, or (no door sensor) probably."""
        return self.last_door > self.last_activity or self.presence.probably_out(self)

    # -- silence ------------------------------------------------------------------------

    def check(self, now: float, out: Output) -> None:
        """Time-based checks: silence, lateness, long nights (each minute while up at night)."""
        if self.held and now >= self.held[0][2]:
            self._settle(True, out)  # time has caught up with them: no fast clock after all
        self.next_check = now + (MINUTE if self.night.out_since else CHECK_EVERY)
        if self.health.check(self, now, out):
            return  # the gateway is silent: nothing else can be judged
        self.night.check(self, now, out)
        self.inactivity.check(self, now, out)
