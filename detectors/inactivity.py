"""Inactivity: not up by the usual time, or an unusually long silence in the day.

Rule (docs/detectors.md): the resident's usual wake time is learnt (river, from mornings
when they got up and stayed up). Still in bed for the night at the usual time plus
max(110 minutes, 2.5 sd) (at most 130 minutes), and no sign of anyone for an hour: one
alert. By day (up, at home: the front door was not the last thing that happened, a
pet's motion after it aside: detectors/strays.py), no
sign of them (motion outside the bed, chair, bed, tap, toilet) for longer than 1.5 ×
their longest usual quiet spell beginning at that time of day (a river ``Quantile`` of
each day's longest, per 4-hour block, once 7 days are learnt), never less than 2 hours
nor more than 6: one alert, unless their wearable shows a heart rate well above resting
(they are up and about where no sensor sees).
A silent gateway is a sensor-health matter, never inactivity, and silence is counted
from when data came back after an outage. In bed by a trusted bed sensor is a nap, not a
silence. While the bed sensor is quiet longer than a day up (16 hours), is not trusted
(stuck, or missing nights: detectors/bedmat.py), or the home has none, a silence that
begins in the evening or the night (from 20:00 to their usual wake time, or in their
learnt night) is not judged: they may be asleep. With no bed sensor (or none collected),
a night silence that runs past their usual first sign of the morning plus the same late
margin is "no sign of them yet" (detectors/morning.py, decision D130).
The daytime silence needs a motion sensor (carewatch/kit.py). Without a door sensor, a
silence after the room they usually leave from (detectors/presence.py) waits for 1.5 ×
their longest usual outing, and the alert (medium) says they may be out.
"""

from typing import Any

from carewatch.phrases import N_
from carewatch.protocol import AlertKind, Kind, Phrase, Severity
from detectors.alerts import make_alert
from detectors.baselines import Gaps
from detectors.config import DAY, HOUR, MINUTE
from detectors.contract import Detector
from detectors.morning import DOZED, FirstSign, in_night_hours
from detectors.view import HomeView, Output

MORNING_GAP_FLOOR = 10 * MINUTE  # gaps shorter than this are not worth learning
BLOCKS = 6  # four-hour parts of the day with their own usual quiet spells
MIN_SILENCES = 7  # days (their longest quiet spells) learnt in a part of the day first
LATE_QUIET = 60 * MINUTE  # "not up yet" also needs no sign of anyone for this long
BED_DOWN = 16 * HOUR  # longer than a day up: the bed sensor may be dead, bedtime unknown


class Inactivity(Detector):
    """Learnt daytime silences and the open episodes."""

    def __init__(self) -> None:
        # each day's longest silence in each part of the day (by local time it began)
        self.silences = [Gaps(q=0.95) for _ in range(BLOCKS)]
        self.today = ""  # the local date of the longest silences below, not yet learnt
        self.longest = [0.0] * BLOCKS
        self.late_alerted_day = ""
        self.silence_alerted = False
        self.first_sign = FirstSign()  # their usual first sign of the morning (no bed sensor)

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__()  # type: ignore[misc]  # a checkpoint from before daily longest
        self.__dict__.update(state)

    def on_activity(self, home: HomeView, ts: float) -> None:
        """A sign of the resident: note the silence it ends (by day, at home)."""
        gap = ts - home.last_activity
        if gap >= DOZED and home.last_activity and not home.away and _bedless(home):
            self.first_sign.silence_ended(home.cal, home.last_activity, ts)
        if (
            MORNING_GAP_FLOOR <= gap < DAY  # first: most signs come minutes apart
            and home.last_activity
            and not home.night.in_night
            and not home.away
        ):
            day = home.cal.date(home.last_activity)
            if day != self.today:
                self._learn_day()
                self.today = day
            block = home.cal.hour(home.last_activity) * BLOCKS // 24
            self.longest[block] = max(self.longest[block], gap)
        self.silence_alerted = False

    def _learn_day(self) -> None:
        """Teach each part of the day its longest silence of the day gone (a daily nap is
        usual however rare among the day's many short quiet spells)."""
        for block, longest in enumerate(self.longest):
            if longest:
                self.silences[block].learn_one(longest)
        self.longest = [0.0] * BLOCKS

    def usual_quiet(self, home: HomeView, since: float) -> float:
        """The longest usual quiet spell starting at this time of day (seconds)."""
        block = self.silences[home.cal.hour(since) * BLOCKS // 24]
        return block.get() if block.count >= MIN_SILENCES else 0.0

    def silence_limit(self, home: HomeView, since: float) -> float:
        """How long a daytime silence that began at ``since`` may last before it alerts."""
        cfg = home.cfg
        learnt = cfg.silence_factor * self.usual_quiet(home, since)
        limit = min(max(cfg.silence_min, learnt), cfg.silence_max)
        return limit * home.strictness(AlertKind.INACTIVITY)

    def check(self, home: HomeView, now: float, out: Output) -> None:
        """Alert when they are not up by now, or silent too long."""
        if home.learning:
            return
        if home.night.in_night and home.in_bed:
            self._late(home, now, out)
        elif (
            not home.night.in_night
            and home.last_activity
            and Kind.MOTION in home.kinds
            and not home.presence.left(home)
        ):
            if _bedless(home):
                self._not_about(home, now, out)
            self._silence(home, now, out)

    def _late(self, home: HomeView, now: float, out: Output) -> None:
        wake = home.night.wake
        if wake.count < 5:
            return
        if now - home.quiet_since() < LATE_QUIET:
            return  # someone is moving about: the bed sensor may be wrong, they are up
        minutes = home.cal.minutes(now)
        due = wake.get() + _late_margin(home, wake.sd()) / MINUTE
        if not due <= minutes < 14 * 60:
            return
        today = home.cal.date(now)
        if self.late_alerted_day == today:
            return
        self.late_alerted_day = today
        usual = home.cal.at_minutes(now, wake.get())
        said = N_(
            "Not up yet at %(now)s: still in bed. They usually get up around %(usual)s. "
            "Check on them.",
            now=home.cal.hhmm(now),
            usual=home.cal.hhmm(usual),
        )
        evidence = {"usual_wake": usual, "usual_wake_sd_minutes": wake.sd(), "now": now}
        out.append(
            make_alert(home.id, AlertKind.INACTIVITY, now, usual, Severity.MEDIUM, [said], evidence)
        )

    def _not_about(self, home: HomeView, now: float, out: Output) -> None:
        """No bed sensor: no sign of them by their usual first sign of the morning plus the
        late margin, after a silence that began in the night (detectors/morning.py)."""
        since, first = home.quiet_since(), self.first_sign
        margin = _late_margin(home, first.usual.sd())
        usual_minutes = first.overdue(home.cal, since, now, margin)
        if usual_minutes is None or home.moving(now) or home.presence.probably_out(home):
            return
        today = home.cal.date(now)
        if self.late_alerted_day == today:
            return
        self.late_alerted_day = today
        usual = home.cal.at_minutes(now, usual_minutes)
        said = N_(
            "No sign of them yet at %(now)s: nothing has moved at home since %(since)s, "
            "%(whereabouts)s They are usually about by %(usual)s; with no bed sensor, it "
            "cannot tell whether they are still in bed. Check on them.",
            now=home.cal.hhmm(now),
            since=home.cal.hhmm(since),
            whereabouts=self._whereabouts(home, False),
            usual=home.cal.hhmm(usual),
        )
        evidence = {
            "usual_wake": usual,
            "usual_wake_sd_minutes": first.usual.sd(),
            "last_activity": since,
            "silent_hours": (now - since) / HOUR,
        }
        out.append(
            make_alert(home.id, AlertKind.INACTIVITY, now, usual, Severity.MEDIUM, [said], evidence)
        )

    @staticmethod
    def _maybe_asleep(home: HomeView, since: float, now: float) -> bool:
        """In bed by a trusted bed sensor (a nap), or the bed sensor is down, not trusted or
        absent and the silence began at bedtime or in the night (their learnt night, or
        from the evening to their usual wake time)."""
        beds = [s for s in home.sensors.values() if s.kind is Kind.BED]
        night = home.night
        if home.in_bed and night.bed_trusted:
            return True  # a nap: in bed by a sensor we trust is not "no movement at home"
        bed_says_up = night.bed_trusted and not home.in_bed
        if beds and bed_says_up and all(now - s.heard < BED_DOWN for s in beds):
            return False
        wake = night.wake.get() if night.wake.count >= 5 else None
        return in_night_hours(home.cal.minutes(since), wake) or night.sleep_hours(home, since)

    def _silence(self, home: HomeView, now: float, out: Output) -> None:
        if self.silence_alerted:
            return
        since = home.quiet_since()
        silent = now - since
        if silent < home.cfg.silence_min or not self.usual_quiet(home, since):
            return  # (no quiet spells learnt at this time of day: it is their night)
        presence = home.presence
        out_maybe = presence.probably_out(home)
        limit = self.silence_limit(home, since)
        if silent < (max(limit, presence.outing_limit()) if out_maybe else limit):
            return
        if home.moving(now) or self._maybe_asleep(home, since, now):
            return
        self.silence_alerted = True
        usual = self.usual_quiet(home, since)
        said = N_(
            "No movement at home since %(since)s (%(hours).1f hours), %(whereabouts)s Their "
            "longest usual quiet spell at home at this time of day is about %(usual).1f "
            "hours. Check on them.",
            since=home.cal.hhmm(home.quiet_since()),
            hours=silent / HOUR,
            whereabouts=self._whereabouts(home, out_maybe),
            usual=usual / HOUR,
        )
        evidence = {
            "last_activity": home.quiet_since(),
            "silent_hours": silent / HOUR,
            "usual_longest_quiet_hours": usual / HOUR,
            "probably_out": out_maybe,
        }
        out.append(
            make_alert(
                home.id,
                AlertKind.INACTIVITY,
                now,
                home.quiet_since(),
                Severity.MEDIUM if out_maybe else Severity.HIGH,
                [said],
                evidence,
            )
        )

    @staticmethod
    def _whereabouts(home: HomeView, out_maybe: bool) -> Phrase:
        """What the door (or its absence) says about whether they went out."""
        if Kind.DOOR in home.kinds:
            return N_("and they have not gone out.")
        room = home.presence.last_room
        if not room:
            return N_("and there is no door sensor to tell whether they went out.")
        if out_maybe:
            usual = home.presence.usual_outing() / HOUR
            known = (
                N_("within %(hours).1f hours", hours=usual)
                if usual
                else N_("sooner (not learnt yet)")
            )
            return N_(
                "last seen in '%(room)s', where they usually leave from. With no door sensor "
                "they may be out, but for longer than usual (their outings end %(known)s).",
                room=room,
                known=known,
            )
        return N_(
            "last seen in '%(room)s'. There is no door sensor, but that is not where they "
            "usually leave from.",
            room=room,
        )


def _bedless(home: HomeView) -> bool:
    """No bed sensor to say when they are in bed (none in the kit, or not collected)."""
    return Kind.BED not in home.kinds or Kind.BED in home.withheld


def _late_margin(home: HomeView, sd_minutes: float) -> float:
    """How late past their usual time (seconds) "not up yet" waits: max(the margin, 2.5 sd),
    at most the longest margin, times this home's tuning."""
    cfg = home.cfg
    margin = max(cfg.wake_late_margin, 2.5 * sd_minutes * MINUTE)
    return min(margin, cfg.wake_late_max) * home.strictness(AlertKind.INACTIVITY)
