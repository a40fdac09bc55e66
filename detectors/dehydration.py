"""Dehydration: drinking since the start of yesterday against the same hours of a usual day.

Rule (docs/detectors.md): every hour, add up the uses and litres of the drinking tap (a
tap whose sensor id says "kitchen"; every tap if none does) from local midnight
yesterday to now, counting only hours at home, and the same hours of their usual day (a
per-hour profile learnt with river ``EWMean``). The last ``dehydration_lag_h`` hours
count as drunk but not yet as expected, so a meal or a cup of tea an hour late is not a
shortfall. The shortfall, in days of their usual drinking, is compared with how much
their own full days vary (``Normal``, learnt from each day's observed / usual): when it
is more than ``dehydration_z`` of those spreads (growing with the square root of the
days judged) and drinking is below ``dehydration_ratio`` of usual, for two hours
running, one alert. At each local midnight the last two and three whole days at home
are judged together the same way against ``dehydration_days_z``, at once (a slow
decline whose days are each within the ordinary: :mod:`detectors.drinking_days`). The
episode ends when a whole day is back above ``dehydration_recover``; a new one cannot
start within two days. Hours away (front door, then silence) and hours with no data (an
outage) count on neither side; once they have been out today, today waits until
tomorrow; a stretch without the drinking tap worth ``SILENT_USES`` usual uses is left
out (a dead sensor, for sensor health). An hour teaches the profile only when it is
``dehydration_window_h`` old (backfill has long arrived), and only if drinking was then
not below ``dehydration_learn_above``, so a decline does not become the new normal.
Toilet visits are shown to the carer but do not decide: voids fall too little and too
late to help.

Anchoring the window at midnight keeps its far edge in the quiet of the night, where
no meal or drink can fall in or out of it; the resident's own spread lets a steady
drinker be judged sooner than one whose days vary.
"""

from collections.abc import Mapping
from itertools import compress
from math import sqrt
from operator import itemgetter
from typing import Any

from carewatch.phrases import N_
from carewatch.protocol import Alert, AlertKind, Severity
from detectors.alerts import make_alert, times
from detectors.baselines import Normal, Profile
from detectors.config import HOUR
from detectors.contract import Detector
from detectors.drinking_days import Amounts, Found, WholeDays
from detectors.hours import (
    ACTIVITY,
    LOCAL_HOUR,
    MAX_TAPS,
    OCCUPIED,
    SEEN,
    SIGNALS,
    TOILETS,
    HourRing,
)
from detectors.view import HomeView, Output

MIN_USUAL = 2.0  # usual uses / litres in a day for a signal to count
MIN_DAYS = 0.5  # usual drinking expected in the window (in days) before it is judged
MIN_DAY_HOURS = 12  # hours at home for a day to teach the day-to-day spread
COOL_DOWN = 48 * HOUR  # after an episode ends, no new one this soon
MATURE_HOURS = 5 * 24  # hours of profile before drinking is judged
DRINKING_TAP = "kitchen"  # taps named so are where drinks are drawn; else every tap counts
SPREAD_PRIOR = 0.15  # a day's drinking varies by about this much (worth two days)
SPREAD_FLOOR = 0.06  # never judged as steadier than this
SILENT_USES = 8.0  # a drinking tap silent while usually used this often may be dead
YESTERDAY, TODAY = 0, 1
# Dehydration's attributes that follow from the rest: not saved
UNSAVED = ("kept", "taps")

Slot = list[float]


def drinking_signals(taps: Mapping[str, int]) -> list[int]:
    """Indices (into the window's signals) of the drinking taps' uses and litres.

    >>> drinking_signals({"tap-bathroom": 0, "tap-kitchen": 1})
    [3, 4]
    >>> drinking_signals({"tap-1": 0, "tap-2": 1})
    [1, 2, 3, 4]
    """
    named = [i for name, i in taps.items() if DRINKING_TAP in name and i < MAX_TAPS]
    chosen = named or [i for i in taps.values() if i < MAX_TAPS]
    return sorted(1 + 2 * i + k for i in chosen for k in (0, 1))


FIELDS = [itemgetter(field) for field in SIGNALS]  # signal i's amount in an hourly slot
LOCAL = itemgetter(LOCAL_HOUR)


class Kept:
    """The at-home slots of the window that ends with ``hour``: today's and yesterday's,
    newest first, whether they were out today, the hour of today's local midnight (None
    if the ring ran out first) and the oldest hour looked at.

    The next hour's follows from this one with its own slot alone, as long as no past
    hour of the ring was marked since (``HourRing.edits``): :meth:`next`.
    """

    __slots__ = ("away", "edits", "floor", "hour", "midnight", "today", "yesterday")

    def __init__(
        self,
        hour: int,
        edits: int,
        today: list[Slot],
        yesterday: list[Slot],
        away: bool,
        midnight: int | None,
        floor: int,
    ) -> None:
        self.hour, self.edits, self.away = hour, edits, away
        self.today, self.yesterday = today, yesterday
        self.midnight, self.floor = midnight, floor

    @classmethod
    def walk(cls, ring: HourRing, hour: int) -> "Kept":
        """Look at every hour back from ``hour`` to local midnight yesterday."""
        today: list[Slot] = []
        yesterday: list[Slot] = []
        away, rows, midnight, floor = False, today, None, hour + 1
        size, slots = ring.size, ring.slots
        for h in range(hour, ring.current - size, -1) if hour <= ring.current else ():
            slot = slots[h % size]
            local = slot[LOCAL_HOUR]
            floor = h
            if local >= 0 and (slot[OCCUPIED] > 0 or (slot[SEEN] > 0 and slot[ACTIVITY] > 0)):
                rows.append(slot)  # at home: HourRing.at_home, inlined
            elif local >= 0 and rows is today:
                away = True
            if local == 0:
                if rows is yesterday:
                    break
                rows, midnight = yesterday, h
        return cls(hour, ring.edits, today, yesterday, away, midnight, floor)

    def next(self, ring: HourRing, hour: int) -> "Kept | None":
        """The window of the next hour, or None if it must be walked afresh."""
        if hour != self.hour + 1 or hour != ring.current or ring.edits != self.edits:
            return None
        slot = ring.slots[hour % ring.size]
        local = slot[LOCAL_HOUR]
        home = ring.at_home(slot)
        if local == 0:  # yesterday is the day this one's today was
            if self.midnight is None:
                return None
            today = [slot] if home else []
            kept = Kept(hour, self.edits, today, self.today, not home, hour, self.midnight)
        else:
            today = [slot, *self.today] if home else self.today
            away = self.away or (not home and local >= 0)
            kept = Kept(hour, self.edits, today, self.yesterday, away, self.midnight, self.floor)
        return kept if kept.floor > hour - ring.size else None  # all still in the ring

    def recent(self, ring: HourRing, lag: int) -> int:
        """How many of the kept hours are among the last ``lag``."""
        size, slots, at_home = ring.size, ring.slots, ring.at_home
        last = max(self.hour - lag, self.floor - 1)
        return [at_home(slots[h % size]) for h in range(self.hour, last, -1)].count(True)


def _silent(
    kept: list[Slot], hours: list[int], uses: list[int], tables: list[list[float]]
) -> set[int]:
    """Positions in ``kept`` (local ``hours``) of runs of hours without a drinking-tap use
    that usually see ``SILENT_USES`` uses or more: the sensor may well be dead."""
    if len(uses) == 1:  # uses are counts: above 0 when true
        usual, used = tables[uses[0]], list(map(FIELDS[uses[0]], kept))
    else:  # the same sums, in the same order, as adding the uses' amounts hour by hour
        usual = list(map(sum, zip(*(tables[i] for i in uses), strict=True)))
        fields = [SIGNALS[i] for i in uses]
        used = [any(slot[f] > 0 for f in fields) for slot in kept]
    silent: set[int] = set()
    start, total = 0, 0.0
    for n, local in enumerate(hours):
        if used[n]:
            if total >= SILENT_USES:
                silent.update(range(start, n))
            start, total = n + 1, 0.0
        else:
            total += usual[local]
    if total >= SILENT_USES:
        silent.update(range(start, len(kept)))
    return silent


class Window:
    """Observed and usual amounts since local midnight yesterday, split by day.

    ``seen[day][i]`` and ``usual[day][i]`` for ``day`` in (``YESTERDAY``, ``TODAY``) and
    signal ``i``, once :meth:`fill` has added it up; ``recent[i]`` is the usual amount of
    the last few hours, which are not yet expected.
    """

    __slots__ = ("days", "hours", "recent", "recent_hours", "seen", "usual")

    def __init__(self) -> None:
        width = len(SIGNALS)
        self.seen = [[0.0] * width, [0.0] * width]
        self.usual = [[0.0] * width, [0.0] * width]
        self.recent = [0.0] * width
        self.hours = [0, 0]
        # the hours counted, newest first: (slots, local hours) of yesterday and of today
        self.days: list[tuple[list[Slot], list[int]]] = [([], []), ([], [])]
        self.recent_hours: list[int] = []

    def fill(self, i: int, usual: list[float]) -> None:
        """Add up signal ``i``, whose usual amount by local hour is ``usual``.

        Hour by hour from the newest back, as the rule reads; in C (``sum`` over
        ``map``) but in that order, so the sums are the same to the last bit.
        """
        amount = FIELDS[i]
        for day, (slots, hours) in enumerate(self.days):
            if slots:
                self.seen[day][i] = sum(map(amount, slots), 0.0)
                self.usual[day][i] = sum(map(usual.__getitem__, hours), 0.0)
        if self.recent_hours:
            self.recent[i] = sum(map(usual.__getitem__, self.recent_hours), 0.0)

    def day(self, day: int) -> Amounts:
        """Observed and usual amounts of each signal added up on ``day``."""
        return {i: (self.seen[day][i], self.usual[day][i]) for i in range(len(SIGNALS))}

    def total(self, i: int) -> tuple[float, float]:
        """Observed and expected amounts of signal ``i`` over the whole window."""
        seen = self.seen[YESTERDAY][i] + self.seen[TODAY][i]
        return seen, self.usual[YESTERDAY][i] + self.usual[TODAY][i] - self.recent[i]


class Dehydration(Detector):
    """Per-resident drinking profiles, day-to-day spread and the open episode."""

    def __init__(self, fading: float = 0.1) -> None:
        self.profiles = [Profile(fading) for _ in SIGNALS]
        self.spread = Normal(fading, prior_mean=1.0, prior_sd=SPREAD_PRIOR, floor_sd=SPREAD_FLOOR)
        self.value = 1.0  # observed / usual drinking over the window
        self.score = 0.0  # the shortfall in the resident's day-to-day spreads
        self.open_since = 0.0
        self.closed_at = 0.0
        self.low_hours = 0
        self.whole_days = WholeDays()  # a slow decline shows over several (D127)
        self.kept: Kept | None = None  # the last window's hours, to go on from (not saved)
        self.taps: tuple[int, list[int], list[int]] = (0, [], [])  # taps: drinking, uses

    def __getstate__(self) -> dict[str, Any]:
        return {name: value for name, value in self.__dict__.items() if name not in UNSAVED}

    def __setstate__(self, state: dict[str, Any]) -> None:
        # A checkpoint from before the day-to-day spread was learnt lacks it: start it afresh.
        self.__init__()  # type: ignore[misc]
        self.__dict__.update(state)

    def on_hour(self, home: HomeView, hour: int, out: Output) -> None:
        """Judge the window that ends with ``hour`` (absolute UTC hour), then learn."""
        cfg = home.cfg
        count, drinking, uses = self.taps
        if count != len(home.taps):  # taps are only ever added
            drinking = drinking_signals(home.taps)
            uses = [i for i in drinking if i % 2 == 1]
            self.taps = (len(home.taps), drinking, uses)
        window = self._window(home.ring, hour, cfg.dehydration_lag_h, drinking, uses)
        days = [sum(self.profiles[i].values) for i in drinking]
        mature = self.profiles[0].learnt >= MATURE_HOURS
        judged = mature and self._measure(window, drinking, days)
        slot = home.ring.slot(hour)
        new_day = slot is not None and slot[LOCAL_HOUR] == 0
        yesterday = self._yesterday(window, drinking, days) if mature and new_day else None
        short_days = None
        if new_day:
            toilet = TOILETS - SIGNALS[0]  # shown with the whole days, not judged
            window.fill(toilet, self.profiles[toilet].values)
            self.whole_days.add(window.day(YESTERDAY), window.hours[YESTERDAY])
            short_days = self._short_days(home, drinking, days) if mature else None
        if short_days is not None:
            self.value, self.score = short_days.value, short_days.score
        if (judged or short_days) and not home.learning:
            self._judge(home, hour, window, drinking, yesterday, out, short_days)
        if yesterday is not None and not self.open_since:
            self.spread.learn_one(yesterday)
        self._learn(home, hour - cfg.dehydration_window_h + 1)

    def _window(
        self, ring: HourRing, hour: int, lag: int, signals: list[int], uses: list[int]
    ) -> Window:
        """Sum the at-home hours back to local midnight yesterday.

        Left out on both sides: today's hours once they have been out today (meals and
        drinks move around an outing), and any run of hours without a drinking-tap use
        in which they usually use it ``SILENT_USES`` times or more (a dead sensor, which
        sensor health reports, rather than nothing drunk at all).

        Each amount is added hour by hour from the newest back, in C (``sum`` over
        ``map``) but in that order, so the sums are the same to the last bit.
        """
        window = Window()
        tables = [profile.values for profile in self.profiles]
        found = self.kept.next(ring, hour) if self.kept is not None else None
        self.kept = found = found or Kept.walk(ring, hour)
        kept = found.today + found.yesterday  # newest first
        hours = list(map(int, map(LOCAL, kept)))
        recent, split = found.recent(ring, lag), len(found.today)
        silent = _silent(kept, hours, uses, tables) if uses else set()
        if silent or found.away:
            skip = silent | set(range(split)) if found.away else silent
            counted = [n not in skip for n in range(len(kept))]
            kept, hours = list(compress(kept, counted)), list(compress(hours, counted))
            recent, split = counted[:recent].count(True), counted[:split].count(True)
        window.days = [(kept[split:], hours[split:]), (kept[:split], hours[:split])]
        window.hours = [len(kept) - split, split]
        window.recent_hours = hours[:recent]
        for i in signals:
            window.fill(i, tables[i])
        return window

    def _measure(self, window: Window, drinking: list[int], days: list[float]) -> bool:
        """Set ``value`` and ``score``; whether there is enough usual drinking to judge."""
        found = self._shortfall({i: window.total(i) for i in drinking}, drinking, days)
        self.value, self.score = found or (1.0, 0.0)
        return found is not None

    def _short_days(self, home: HomeView, drinking: list[int], days: list[float]) -> Found | None:
        """The last two or three whole days at home that fell short together (at midnight)."""
        z = home.cfg.dehydration_days_z * home.strictness(AlertKind.DEHYDRATION)

        def shortfall(totals: Amounts) -> tuple[float, float] | None:
            return self._shortfall(totals, drinking, days)

        return self.whole_days.short(shortfall, z, home.cfg.dehydration_ratio, drinking)

    def _shortfall(
        self, totals: Amounts, drinking: list[int], days: list[float]
    ) -> tuple[float, float] | None:
        """Drinking observed / usual, and the shortfall in the resident's day-to-day spreads
        (None: too little usual drinking to judge)."""
        parts: list[float] = []
        short: list[float] = []
        expected: list[float] = []
        for i, day in zip(drinking, days, strict=True):
            seen, usual = totals[i]
            if day < MIN_USUAL or usual <= 0.0:
                continue
            parts.append(min(seen / usual, 2.0))
            short.append((usual - seen) / day)
            expected.append(usual / day)
        if not parts or sum(expected) / len(expected) < MIN_DAYS:
            return None
        deficit, span = sum(short) / len(short), sum(expected) / len(expected)
        return sum(parts) / len(parts), deficit / (self.spread.sd() * sqrt(span))

    def _judge(
        self,
        home: HomeView,
        hour: int,
        window: Window,
        drinking: list[int],
        yesterday: float | None,
        out: Output,
        short_days: Found | None = None,
    ) -> None:
        cfg = home.cfg
        now = (hour + 1) * HOUR
        if self.open_since:
            # Over when a whole day is back to usual: within a day, the index leaps after
            # each meal (the last hours count as drunk before they are expected).
            if yesterday is not None and yesterday >= cfg.dehydration_recover:
                self.open_since = 0.0
                self.closed_at = now
            return
        z = cfg.dehydration_z * home.strictness(AlertKind.DEHYDRATION)
        low = short_days is not None or (self.score >= z and self.value < cfg.dehydration_ratio)
        if not low or now - self.closed_at < COOL_DOWN:
            self.low_hours = 0
            return
        self.low_hours += 1
        if self.low_hours < 2 and short_days is None:
            return  # one low hour can be chance; two in a row is a trend (whole days: not)
        self.open_since = now
        if short_days is not None:
            out.append(self._days_alert(home, now, drinking, short_days))
        else:
            out.append(self._alert(home, now, window, drinking))

    def _alert(self, home: HomeView, now: float, window: Window, drinking: list[int]) -> Alert:
        uses = [i for i in drinking if i % 2 == 1]
        litres = [i for i in drinking if i % 2 == 0]

        def amounts(day: int, recent: bool = False) -> tuple[float, float, float, float]:
            less = window.recent if recent else [0.0] * len(SIGNALS)
            return (
                sum(window.seen[day][i] for i in uses),
                sum(window.seen[day][i] for i in litres),
                sum(window.usual[day][i] - less[i] for i in uses),
                sum(window.usual[day][i] - less[i] for i in litres),
            )

        lag = home.cfg.dehydration_lag_h
        y_uses, y_litres, y_uses_usual, y_litres_usual = amounts(YESTERDAY)
        t_uses, t_litres, t_uses_usual, t_litres_usual = amounts(TODAY, recent=True)
        toilet = TOILETS - SIGNALS[0]  # shown, not judged: added up only for an alert
        window.fill(toilet, self.profiles[toilet].values)
        toilets, toilets_usual = window.total(toilet)
        severity = Severity.HIGH if self.value < 0.5 else Severity.MEDIUM
        said = [
            N_(
                "Less water drawn from the tap than usual since yesterday. Yesterday, at home, "
                "the drinking tap was used %(uses)s (%(litres).1f L); on a usual day "
                "%(usual_uses).0f times (%(usual_litres).1f L) in those hours: %(share).0f%% "
                "of their usual.",
                uses=times(int(y_uses)),
                litres=y_litres,
                usual_uses=y_uses_usual,
                usual_litres=y_litres_usual,
                share=100 * round(y_litres, 1) / max(round(y_litres_usual, 1), 0.1),
            )
        ]
        if t_uses_usual >= 1.0:
            end = home.cal.hhmm(now)
            said.append(
                N_(
                    "Today to %(end)s: %(uses)s (%(litres).1f L), where by %(by)s they usually "
                    "have %(usual_uses).0f (%(usual_litres).1f L).",
                    end=N_("midnight") if end == "00:00" else end,
                    uses=times(int(t_uses)),
                    litres=t_litres,
                    by=home.cal.hhmm(now - lag * HOUR),
                    usual_uses=t_uses_usual,
                    usual_litres=t_litres_usual,
                )
            )
        said.append(
            N_(
                "Toilet %(visits)s since yesterday, usually %(usual).0f. That is a bigger drop "
                "than their ordinary day-to-day ups and downs. Offer drinks and check on them.",
                visits=times(int(toilets)),
                usual=toilets_usual,
            )
        )
        evidence: dict[str, float | int] = {
            "hours_at_home": window.hours[YESTERDAY] + window.hours[TODAY],
            "index": self.value,
            "index_alert_below": home.cfg.dehydration_ratio,
            "shortfall_sd": self.score,
            "shortfall_sd_alert_above": home.cfg.dehydration_z,
            "usual_day_spread": self.spread.sd(),
            "tap_uses": y_uses + t_uses,
            "tap_uses_usual": y_uses_usual + t_uses_usual,
            "tap_litres": y_litres + t_litres,
            "tap_litres_usual": y_litres_usual + t_litres_usual,
            "tap_uses_yesterday": y_uses,
            "tap_uses_yesterday_usual": y_uses_usual,
            "tap_uses_today": t_uses,
            "tap_uses_today_usual": t_uses_usual,
            "toilet_visits": toilets,
            "toilet_visits_usual": toilets_usual,
        }
        start = now - (window.hours[YESTERDAY] + window.hours[TODAY]) * HOUR
        return make_alert(home.id, AlertKind.DEHYDRATION, now, start, severity, said, evidence)

    def _days_alert(self, home: HomeView, now: float, drinking: list[int], found: Found) -> Alert:
        """The alert of the last whole days judged together."""
        uses = [i for i in drinking if i % 2 == 1]
        litres = [i for i in drinking if i % 2 == 0]
        told, numbers = self.whole_days.told(found.days, uses, litres, TOILETS - SIGNALS[0])
        said = [
            *told,
            N_(
                "Together a bigger drop than their ordinary day-to-day ups and downs. Offer "
                "drinks and check on them."
            ),
        ]
        evidence: dict[str, float | int] = {
            "days_judged": numbers["days_judged"],  # the days first, as the words say them
            "hours_at_home": numbers["hours_at_home"],
            "index": found.value,
            "index_alert_below": home.cfg.dehydration_ratio,
            "shortfall_sd": found.score,
            "shortfall_sd_alert_above": home.cfg.dehydration_days_z,
            "usual_day_spread": self.spread.sd(),
            **numbers,
        }
        start = now - numbers["hours_at_home"] * HOUR
        severity = Severity.HIGH if found.value < 0.5 else Severity.MEDIUM
        return make_alert(home.id, AlertKind.DEHYDRATION, now, start, severity, said, evidence)

    @staticmethod
    def _yesterday(window: Window, drinking: list[int], days: list[float]) -> float | None:
        """Yesterday's whole-day drinking, observed / usual (None if too little at home)."""
        parts = [
            min(window.seen[YESTERDAY][i] / window.usual[YESTERDAY][i], 2.0)
            for i, day in zip(drinking, days, strict=True)
            if day >= MIN_USUAL and window.usual[YESTERDAY][i] >= MIN_DAYS * day
        ]
        if not parts or window.hours[YESTERDAY] < MIN_DAY_HOURS:
            return None
        return sum(parts) / len(parts)

    def _learn(self, home: HomeView, hour: int) -> None:
        """Teach the profiles an hour that is old enough, unless drinking was low."""
        slot = home.ring.slot(hour)
        if slot is None or not home.ring.at_home(slot):
            return
        if self.open_since or self.value < home.cfg.dehydration_learn_above:
            return
        local = int(slot[LOCAL_HOUR])
        for profile, field in zip(self.profiles, SIGNALS, strict=True):
            profile.learn_one(local, slot[field])
