"""Sensor health: a sensor or the gateway silent for longer than its own normal gaps; batteries.

Rule (docs/detectors.md): each sensor's long gaps (30 minutes or more) are learnt (river
``Quantile``, 99th percentile). A sensor silent for 1.5 × that gap, and never less than
a floor for its kind (heart rate 30 minutes, motion 14 hours, tap and toilet 16, bed and
chair 20, front door 14 days), raises one alert until it reports again; the wearable is
judged while the resident is out (detectors/presence.py: nothing is expected then).
A sensor's silence does not count the time they were out of the front door, however
long, even when one reading alone came in the middle of it (detectors/presence.py).
When the gateway says it is offline for 30 minutes, one gateway alert replaces them all.
A gateway online (its MQTT will not fired) with nothing held back since before the home
went quiet vouches that the quiet is the home's: the inactivity rule judges it. Its word
counts only from when it was given, so an outage being backfilled is not vouched for.
Otherwise (no status known, as in a recording) the whole home silent for 30 minutes with a
wearable streaming, 90 minutes without one, counts as the gateway down; a home often
quiet for long is given 1.5 × its own longest usual silence, learnt the same way apart
for asleep (in bed or in their usual night), seated (in the chair) and awake.
Out of the front door, however long, only the gateway's own offline status counts (a
weekend away is not a fault); probably out (no door sensor) the home may be quiet 16
hours, and the alert says it may be either. A battery reported under 15 % raises one
alert until it is back above 30 %.
"""

from typing import Any

from carewatch.phrases import N_
from carewatch.protocol import AlertKind, GatewayStatus, Kind, Phrase, Severity
from detectors.alerts import make_alert
from detectors.baselines import Gaps
from detectors.config import HOUR, MINUTE
from detectors.sensors import LONG_GAP, SETTLED, SensorState
from detectors.view import HomeView, Output

# Without a wearable's stream, half an hour of quiet is an ordinary afternoon (a nap, a
# pet that settles, a book); a gateway that is really down says so by its status.
QUIET_FLOOR = 90 * MINUTE
PROBABLY_OUT_SILENCE = 16 * HOUR  # no door sensor, last seen where they leave from
NEVER = float("inf")
BATTERY_OK = 30.0
SENSOR_CHECK = HOUR  # sensors' silences are looked at by this, or at the earliest deadline
MIN_GAPS = 30  # long gaps learnt before a sensor's silence is judged


class Quiet:
    """How long a home is usually silent, asleep or awake: its long silences' high quantile.

    Examples
    --------
    >>> quiet = Quiet()
    >>> for hours in [5.0, 6.5, 7.0, 6.0]:
    ...     quiet.learn_one(hours * HOUR)
    >>> quiet.usual / HOUR  # the longest, until the quantile has settled
    7.0
    """

    __slots__ = ("gaps", "longest", "usual")

    def __init__(self) -> None:
        self.gaps = Gaps(q=0.99)
        self.longest = 0.0  # the longest silence while the quantile settles
        self.usual = 0.0

    def learn_one(self, gap: float) -> None:
        """Teach one silence (seconds)."""
        self.gaps.learn_one(gap)
        self.longest = max(self.longest, gap) if self.gaps.count <= SETTLED else 0.0
        self.usual = max(self.gaps.get(), self.longest)


class SensorHealth:
    """The home's gateway state and battery warnings."""

    def __init__(self) -> None:
        self.gateway_alerted = False
        self.offline_since = 0.0
        # Since when (its clock) the gateway says it is connected with nothing held back:
        # silence after that is the home's, before it may be an outage being backfilled.
        self.online_since = 0.0
        self.low_battery: set[str] = set()
        self.next_sensors = 0.0
        # The home's own long silences: without a wearable's stream a home asleep or
        # sitting still sends nothing for hours, and that is not the gateway down.
        self.awake = Quiet()
        self.asleep = Quiet()  # in bed or in their usual night: far longer than in the day
        self.seated = Quiet()  # in the chair: a nap there is silent too

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__()  # type: ignore[misc]  # a checkpoint from before quiet was learnt
        self.__dict__.update(state)

    def learn_quiet(self, home: HomeView, gap: float) -> None:
        """Teach a silence of the whole home, ending now without a gateway alert."""
        if gap >= LONG_GAP and not self.gateway_alerted:
            self._quiet(home, home.last_seen).learn_one(gap)

    def _quiet(self, home: HomeView, since: float) -> Quiet:
        """Which usual silence a silence from ``since`` is: asleep, seated or awake.

        Their usual night counts as asleep even when the bed sensor misses them or is
        stuck: a mat's faults must not make a sleeping home look like a gateway down.
        """
        if home.in_bed or home.night.sleep_hours(home, since):
            return self.asleep
        return self.seated if home.in_chair else self.awake

    def silent_since(self, home: HomeView) -> float:
        """When the home went quiet (status offline or last reading), for the gateway check."""
        if self.offline_since:
            return self.offline_since
        return home.last_seen

    def silence_limit(self, home: HomeView) -> float:
        """How long the whole home may be quiet before the gateway counts as down."""
        cfg = home.cfg
        if self.offline_since:
            return cfg.gateway_silence  # the gateway's own word: no guessing from habits
        if self.online_since and self.online_since <= home.last_seen:
            return NEVER  # connected all through the silence: the quiet is the home's
        quiet = self._quiet(home, home.last_seen)
        wearable = _wearable_on(home, home.last_seen)
        if not wearable and not quiet.gaps.count and Kind.HEART_RATE in home.kinds:
            # Never this quiet before: a wearable's stream hid the home's own silences (it
            # stopped, or consent to collect it was withdrawn). Learn one before judging it.
            limit = max(cfg.gateway_silence, PROBABLY_OUT_SILENCE)
        else:
            floor = cfg.gateway_silence if wearable else QUIET_FLOOR
            limit = max(floor, cfg.sensor_silence_factor * quiet.usual)
        if not home.away:
            return limit  # they are at home
        if home.presence.left(home):
            return NEVER  # out of the door: a silent home is what we expect, for days
        return max(limit, PROBABLY_OUT_SILENCE)

    def check(self, home: HomeView, now: float, out: Output) -> bool:
        """Alert on a silent gateway or sensor; True while the gateway is silent."""
        cfg = home.cfg
        since = self.silent_since(home)
        if now - since >= self.silence_limit(home):
            if not self.gateway_alerted and now - home.first_ts >= cfg.health_learning:
                self.gateway_alerted = True
                self._gateway(home, now, since, out)
            return True
        self.gateway_alerted = False  # caught up with the present again
        if now - home.first_ts < cfg.health_learning or now < self.next_sensors:
            return False
        # No sensor can be overdue before the earliest deadline (readings only push them
        # later), so look again then; at least every SENSOR_CHECK for new or changed limits.
        due = now + SENSOR_CHECK
        strict = home.strictness(AlertKind.SENSOR_HEALTH)  # a sensor's, never the gateway's
        if home.away:
            self.next_sensors = due
            return False  # out: no sensor is expected to say anything, the wearable neither
        for sensor, state in home.sensors.items():
            if state.alerted or state.gaps.count < MIN_GAPS or state.kind in home.withheld:
                continue
            limit = state.limit(cfg.sensor_silence_factor * strict)
            if now - state.heard - home.presence.out_during(state.heard) >= limit:
                state.alerted = True
                self._sensor(home, now, sensor, state, limit, out)
            elif state.heard + limit < due:
                due = state.heard + limit
        self.next_sensors = due
        return False

    def _gateway(self, home: HomeView, now: float, since: float, out: Output) -> None:
        minutes = (now - since) / MINUTE
        said, resident = self._whose_silence(home, since, home.cal.hhmm(since), minutes)
        out.append(
            make_alert(
                home.id,
                AlertKind.SENSOR_HEALTH,
                now,
                since,
                Severity.HIGH if resident == "unclear" else Severity.MEDIUM,
                [said],
                {
                    "subject": "gateway",
                    "silent_minutes": minutes,
                    "could_be_the_resident": resident != "no",
                    "maybe_out": resident == "out",
                },
            )
        )

    def _whose_silence(
        self, home: HomeView, since: float, at: str, minutes: float
    ) -> tuple[Phrase, str]:
        """What a silent home may mean, and whether it could be the resident (no, out,
        unclear): only the gateway's own offline status is sure it is the gateway."""
        # Without a wearable a gateway that says nothing and a resident who does not
        # move look the same; without a door sensor, one who went out with their wearable.
        wearable = _wearable_on(home, since)
        room = home.presence.last_room
        if not self.offline_since and home.presence.probably_out(home):
            return N_(
                "No readings from this home since %(since)s (%(minutes).0f minutes). The last "
                "sign of them was in '%(room)s', where they usually leave from, and this home "
                "has no door sensor: they may be out for longer than usual, or the gateway is "
                "down. Check on them, then the gateway.",
                since=at,
                minutes=minutes,
                room=room,
            ), "out"
        if not (wearable or self.offline_since or home.in_bed or home.away):
            return N_(
                "No readings from this home since %(since)s (%(minutes).0f minutes), and no "
                "wearable to tell us more: either nobody has moved at home since then or the "
                "gateway is down. Check on them first, then the gateway.",
                since=at,
                minutes=minutes,
            ), "unclear"
        if not self.offline_since and Kind.DOOR not in home.kinds and room:
            return N_(
                "No readings from this home since %(since)s (%(minutes).0f minutes): the "
                "gateway may be down, or they went out with their wearable (last seen in "
                "'%(room)s'; this home has no door sensor to tell). Check the gateway, and "
                "that they are well.",
                since=at,
                minutes=minutes,
                room=room,
            ), "out"
        return N_(
            "No readings from this home since %(since)s (%(minutes).0f minutes): the gateway "
            "or its internet connection is down, so nothing is being watched. Check the "
            "gateway's power and network.",
            since=at,
            minutes=minutes,
        ), "no"

    def _sensor(
        self, home: HomeView, now: float, sensor: str, state: SensorState, limit: float, out: Output
    ) -> None:
        hours = (now - state.heard) / HOUR
        said = N_(
            "The %(kind)s sensor '%(sensor)s' has sent nothing since %(since)s (%(hours).1f "
            "hours); its longest usual silence is about %(usual).1f hours. Check its battery "
            "and position.",
            kind=N_(state.kind.value.replace("_", " ")),  # the sensor names of api/kit_words.py
            sensor=sensor,
            since=home.cal.hhmm(state.heard),
            hours=hours,
            usual=state.gaps.get() / HOUR,
        )
        evidence: dict[str, str | float] = {
            "subject": sensor,
            "silent_hours": hours,
            "usual_longest_gap_hours": state.gaps.get() / HOUR,
            "limit_hours": limit / HOUR,
        }
        out.append(
            make_alert(
                home.id,
                AlertKind.SENSOR_HEALTH,
                now,
                state.heard,
                Severity.LOW,
                [said],
                evidence,
            )
        )

    def status(self, home: HomeView, status: GatewayStatus, received_at: float) -> Output:
        """Take a gateway status: offline/online, and battery levels."""
        out: Output = []
        if status.state == "offline":
            self.offline_since = self.offline_since or (status.ts or received_at)
            self.online_since = 0.0
        else:
            self.offline_since = 0.0
            self.gateway_alerted = False
            if status.outbox_depth:  # still sending what it held back: vouches for nothing yet
                self.online_since = 0.0
            elif not self.online_since:
                self.online_since = status.ts or received_at
        for sensor, percent in status.battery.items():
            if percent < home.cfg.battery_low and sensor not in self.low_battery:
                self.low_battery.add(sensor)
                said = N_(
                    "Battery low on sensor '%(sensor)s': %(percent).0f %%. Replace or charge "
                    "it soon, or it will stop reporting.",
                    sensor=sensor,
                    percent=percent,
                )
                out.append(
                    make_alert(
                        home.id,
                        AlertKind.SENSOR_HEALTH,
                        received_at,
                        received_at,
                        Severity.LOW,
                        [said],
                        {"subject": sensor, "battery_percent": percent},
                    )
                )
            elif percent >= BATTERY_OK:
                self.low_battery.discard(sensor)
        return out


def _wearable_on(home: HomeView, since: float) -> bool:
    """A wearable was heard within half an hour before ``since``: its stream counts."""
    return any(
        s.kind is Kind.HEART_RATE and since - s.heard < LONG_GAP for s in home.sensors.values()
    )
