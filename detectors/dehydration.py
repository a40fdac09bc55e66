"""Dehydration: drinking over the last two days at home against the same hours on a usual day.

Rule (docs/detectors.md): every hour, over the last 48 hours the resident was at home,
add up the uses and litres of the drinking tap (a tap whose sensor id says "kitchen";
every tap if none does) and the same hours of their usual day (a per-hour profile learnt
with river ``EWMean``). The drinking index is the average of observed / usual for uses
and for litres. Below 65 % for two hours running: one alert; the episode ends above
85 %, and a new one cannot start within two days. Hours away (front door, then silence)
and hours with no data (an outage) count on neither side. An hour teaches the profile
only when it leaves the window (backfill has long arrived), and only if the index then
was not below 80 %, so a decline does not become the new normal. Toilet visits are
counted and shown to the carer, but do not move the index: voids fall too little and
too late to help.
"""

from typing import TYPE_CHECKING

from carewatch.protocol import Alert, AlertKind, Severity
from detectors.alerts import make_alert, plural
from detectors.baselines import Profile
from detectors.config import HOUR
from detectors.hours import LOCAL_HOUR, MAX_TAPS, SIGNALS, HourRing

if TYPE_CHECKING:
    from detectors.home import Home, Output

MIN_HOURS = 24  # at-home hours in the window before it is judged
MIN_USUAL = 2.0  # usual uses / litres in the window for a signal to count
COOL_DOWN = 48 * HOUR  # after an episode ends, no new one this soon
MATURE_HOURS = 5 * 24  # hours of profile before drinking is judged
DRINKING_TAP = "kitchen"  # taps named so are where drinks are drawn; else every tap counts


def drinking_signals(taps: dict[str, int]) -> list[int]:
    """Indices (into the window's signals) of the drinking taps' uses and litres.

    >>> drinking_signals({"tap-bathroom": 0, "tap-kitchen": 1})
    [3, 4]
    >>> drinking_signals({"tap-1": 0, "tap-2": 1})
    [1, 2, 3, 4]
    """
    named = [i for name, i in taps.items() if DRINKING_TAP in name and i < MAX_TAPS]
    chosen = named or [i for i in taps.values() if i < MAX_TAPS]
    return sorted(1 + 2 * i + k for i in chosen for k in (0, 1))


class Dehydration:
    """Per-resident drinking profiles, the index's normal and the open episode."""

    def __init__(self, fading: float = 0.1) -> None:
        self.profiles = [Profile(fading) for _ in SIGNALS]
        self.value = 1.0
        self.open_since = 0.0
        self.closed_at = 0.0
        self.low_hours = 0

    def on_hour(self, home: "Home", hour: int, out: "Output") -> None:
        """Judge the window that ends with ``hour`` (absolute UTC hour), then learn."""
        cfg = home.cfg
        window = cfg.dehydration_window_h
        drinking = drinking_signals(home.taps)
        seen, usual, hours = self._window(home.ring, hour, window, [0, *drinking])
        parts = [min(seen[i] / usual[i], 2.0) for i in drinking if usual[i] >= MIN_USUAL]
        judged = hours >= MIN_HOURS and self.profiles[0].learnt >= MATURE_HOURS and bool(parts)
        self.value = sum(parts) / len(parts) if judged else 1.0
        if judged and not home.learning:
            self._judge(home, hour, seen, usual, hours, out)
        self._learn(home, hour - window + 1)

    def _window(
        self, ring: HourRing, hour: int, window: int, signals: list[int]
    ) -> tuple[list[float], list[float], int]:
        """Observed and usual amounts of ``signals`` over the at-home hours of the window."""
        slots = ring.at_home_slots(hour - window + 1, hour)
        seen = [0.0] * len(SIGNALS)
        usual = [0.0] * len(SIGNALS)
        hours = [int(slot[LOCAL_HOUR]) for slot in slots]
        for i in signals:
            field, table = SIGNALS[i], self.profiles[i].values
            seen[i] = sum([slot[field] for slot in slots])
            usual[i] = sum([table[h] for h in hours])
        return seen, usual, len(slots)

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
            if self.value >= cfg.dehydration_recover:
                self.open_since = 0.0
                self.closed_at = now
            return
        if self.value >= cfg.dehydration_ratio or now - self.closed_at < COOL_DOWN:
            self.low_hours = 0
            return
        self.low_hours += 1
        if self.low_hours < 2:
            return  # one low hour can be chance; two in a row is a trend
        self.open_since = now
        out.append(self._alert(home, now, seen, usual, hours))

    def _alert(
        self, home: "Home", now: float, seen: list[float], usual: list[float], hours: int
    ) -> Alert:
        taps = [i for i in range(len(home.taps)) if i < 3]
        uses = sum(seen[1 + 2 * i] for i in taps)
        uses_usual = sum(usual[1 + 2 * i] for i in taps)
        litres = sum(seen[2 + 2 * i] for i in taps)
        litres_usual = sum(usual[2 + 2 * i] for i in taps)
        days = hours / 24.0
        severity = Severity.HIGH if self.value < 0.5 else Severity.MEDIUM
        explanation = (
            f"Drinking looks low for days. Over the last {hours} hours at home (to "
            f"{home.cal.hhmm(now)} today): taps used {plural(int(uses), 'time')} "
            f"({litres:.1f} L) and the toilet {plural(int(seen[0]), 'time')}. Usually, over "
            f"the same hours: taps {uses_usual:.0f} times ({litres_usual:.1f} L), toilet "
            f"{usual[0]:.0f} times. That is {self.value:.0%} of their usual. "
            "Offer drinks and check on them."
        )
        evidence: dict[str, float | int] = {
            "hours_at_home": hours,
            "days": round(days, 1),
            "index": self.value,
            "index_alert_below": home.cfg.dehydration_ratio,
            "tap_uses": uses,
            "tap_uses_usual": uses_usual,
            "tap_litres": litres,
            "tap_litres_usual": litres_usual,
            "toilet_visits": seen[0],
            "toilet_visits_usual": usual[0],
        }
        return make_alert(
            home.id,
            AlertKind.DEHYDRATION,
            now,
            now - hours * HOUR,
            severity,
            explanation,
            evidence,
        )

    def _learn(self, home: "Home", hour: int) -> None:
        """Teach the profiles the hour leaving the window, unless drinking was low."""
        slot = home.ring.slot(hour)
        if slot is None or not home.ring.at_home(slot):
            return
        if self.open_since or self.value < home.cfg.dehydration_learn_above:
            return
        local = int(slot[LOCAL_HOUR])
        for profile, field in zip(self.profiles, SIGNALS, strict=True):
            profile.learn_one(local, slot[field])
