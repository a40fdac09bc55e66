"""When a reading happened, as far as the detectors go: clock offsets, duplicates, held readings.

Readings come in arrival order. A reading is *live* when it is not older than the
home's clock (a minute of reordering is tolerated). One stamped far ahead, while the
home's other sensors are not, comes from a sensor whose clock runs fast: it is held
until another sensor speaks, then its offset is learnt and taken off. One far behind is
*late*: backfill if the home has just come back from a silence (counted into the hour
and the day it belongs to, but never starting an alert: an outage is told by the
gateway alert, not by false alarms), otherwise a sensor whose clock runs slow, taken as
happening now. Event readings re-delivered (the gateway's outbox sends at least once)
are dropped.

A mixin of :class:`detectors.home.Home`, which owns the state named below (kept on the
home, so checkpoints keep their shape).
"""

from carewatch.protocol import Kind
from detectors.config import HOUR
from detectors.recent import RecentEvents
from detectors.sensors import SensorState

REORDER = 60.0  # seconds a reading may lag the home's clock and still count as live
JUMP = 300.0  # a reading this far ahead of the clock needs a second one to confirm it
BACKFILL = 24 * HOUR  # after a silence, readings this far back are the outbox draining
DEDUP = 512  # recent event readings remembered to drop duplicates
MAX_HELD = 10  # readings of one sensor held for a second sensor's word on a jump

Held = tuple[str, Kind, float, float, str | None]  # sensor, kind, ts, value, resident


class ReadingTiming:
    """Clock offsets, duplicates and held readings of one home's sensors."""

    held: "tuple[Held, ...]" = ()  # readings that jumped ahead of the clock, unconfirmed
    clock: float
    resumed: float  # when readings came back after a silence
    jumper: str  # the sensor whose readings jumped ahead of the clock, unconfirmed
    sensors: dict[str, SensorState]
    recent: RecentEvents  # the last event readings

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

    def _timing(self, sensor: str, state: SensorState, ts: float) -> tuple[float, bool] | None:
        """When a reading happened as far as the detectors go, and whether it is live.

        Readings come in arrival order. One stamped far ahead of the home's clock is
        held (None) until another sensor speaks: if its reading jumped too, time has
        moved on (after an outage, or a quiet spell in a home without a wearable);
        if not, the held sensor's clock runs fast, and its offset is learnt and taken
        off (:meth:`_release`). A home with a single sensor believes a jump at once. A
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

    def _release(self, confirmed: bool) -> "tuple[SensorState, tuple[Held, ...]]":
        """Let the held readings go, with their sensor's offset learnt (:meth:`Home._settle`).

        Confirmed (another sensor's reading jumped too, or time has caught up with
        them): its clock is right. Otherwise its clock runs fast by as much as it jumped.
        """
        held, self.held = self.held, ()
        self.jumper = ""
        state = self.sensors[held[0][0]]
        state.offset = 0.0 if confirmed else held[0][2] - self.clock
        return state, held
