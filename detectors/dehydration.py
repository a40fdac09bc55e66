"""Dehydration: the fluid proxies of the last day against the same hours on a usual day.

Rule (docs/detectors.md): every hour, add up tap uses, tap litres and toilet visits over
the last 24 hours the resident was at home, and the same hours of their usual day (a
per-hour profile learnt with river). When the average of the three ratios falls below
60 %, raise one alert; the episode ends when it is back above 85 %. Hours away from home
(front door, then silence) and hours with no data (an outage) count on neither side.
An hour teaches the profile only a day later (backfill has arrived by then) and only if
the day around it was not low, so a decline does not become the new normal.
"""

from typing import TYPE_CHECKING

from carewatch.protocol import AlertKind, Severity
from detectors.alerts import make_alert, plural
from detectors.baselines import Profile
from detectors.config import HOUR

if TYPE_CHECKING:
    from detectors.home import Home, Output

USES, LITRES, TOILETS, ACTIVITY, OCCUPIED, LOCAL_HOUR = range(6)
MIN_HOURS = 12  # at-home hours in the window before it is judged
MIN_EXPECTED_USES = 3.0


class Dehydration:
    """Per-resident drinking profile and the open episode, if any."""

    def __init__(self, fading: float = 0.1) -> None:
        self.uses = Profile(fading)
        self.litres = Profile(fading)
        self.toilets = Profile(fading)
        self.open_since = 0.0
        self.low_hours = 0
        self.ratio = 1.0

    def on_hour(self, home: "Home", hour: int, out: "Output") -> None:
        """Judge the window that ends with ``hour`` (absolute UTC hour), then learn."""
        cfg = home.cfg
        window = cfg.dehydration_window_h
        seen = [0.0, 0.0, 0.0]
        usual = [0.0, 0.0, 0.0]
        hours = 0
        for h in range(hour - window + 1, hour + 1):
            slot = home.ring[h % len(home.ring)]
            local = int(slot[LOCAL_HOUR])
            if local < 0 or not (slot[ACTIVITY] > 0 or slot[OCCUPIED] > 0):
                continue
            hours += 1
            seen[0] += slot[USES]
            seen[1] += slot[LITRES]
            seen[2] += slot[TOILETS]
            usual[0] += self.uses.get(local)
            usual[1] += self.litres.get(local)
            usual[2] += self.toilets.get(local)
        judged = hours >= MIN_HOURS and usual[0] >= MIN_EXPECTED_USES and self.uses.learnt > 0
        if judged:
            parts = [min(s / u, 1.5) if u > 0 else 1.0 for s, u in zip(seen, usual, strict=True)]
            self.ratio = sum(parts) / 3.0
        else:
            self.ratio = 1.0
        if judged and not home.learning:
            self._judge(home, hour, seen, usual, hours, out)
        self._learn(home, hour - window + 1)

    def _judge(
        self,
        home: "Home",
        hour: int,
        seen: list[float],
        usual: list[float],
        hours: int,
        out: "Output",
    ) -> None:
        cfg = home.cfg
        now = (hour + 1) * HOUR
        if self.open_since:
            if self.ratio >= cfg.dehydration_recover:
                self.open_since = 0.0
            return
        if self.ratio >= cfg.dehydration_ratio:
            self.low_hours = 0
            return
        self.low_hours += 1
        if self.low_hours < 2:
            return  # one low hour can be chance; two in a row is a trend
        self.open_since = now
        since = now - hours * HOUR
        severity = Severity.HIGH if self.ratio < 0.35 else Severity.MEDIUM
        explanation = (
            f"Drinking looks low. In the last {hours} hours at home (since "
            f"{home.cal.hhmm(since)} yesterday): tap used {plural(int(seen[0]), 'time')} "
            f"({seen[1]:.1f} L), toilet {plural(int(seen[2]), 'time')}. On a usual day, "
            f"by {home.cal.hhmm(now)}: tap {usual[0]:.0f} times ({usual[1]:.1f} L), "
            f"toilet {usual[2]:.0f} times. Offer a drink and check on them."
        )
        evidence = {
            "tap_uses": seen[0],
            "tap_uses_usual": usual[0],
            "tap_litres": seen[1],
            "tap_litres_usual": usual[1],
            "toilet_visits": seen[2],
            "toilet_visits_usual": usual[2],
            "ratio_to_usual": self.ratio,
            "hours_at_home": hours,
        }
        out.append(
            make_alert(
                home.id,
                AlertKind.DEHYDRATION,
                now,
                now - 24 * HOUR,
                severity,
                explanation,
                evidence,
            )
        )

    def _learn(self, home: "Home", hour: int) -> None:
        """Teach the profile the hour a window-length ago, unless the day was low."""
        slot = home.ring[hour % len(home.ring)]
        local = int(slot[LOCAL_HOUR])
        if local < 0 or not (slot[ACTIVITY] > 0 or slot[OCCUPIED] > 0):
            return
        if self.open_since or self.ratio < home.cfg.dehydration_learn_above:
            return
        self.uses.learn_one(local, slot[USES])
        self.litres.learn_one(local, slot[LITRES])
        self.toilets.learn_one(local, slot[TOILETS])
