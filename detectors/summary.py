"""The day's tally for families' dashboards: one :class:`DailySummary` per home and local day."""

from carewatch.protocol import DailySummary, NightEpisode


class DayTally:
    """Counts for one local day; ``close`` turns them into a :class:`DailySummary`.

    Examples
    --------
    >>> t = DayTally("2026-01-05", 1_767_571_200.0)
    >>> t.tap(0.25); t.tap(0.5); t.toilet(night=True)
    >>> t.chair(1_767_600_000.0, 1_767_601_800.0)
    >>> s = t.close("h-1")
    >>> (s.tap_uses, s.tap_litres, s.toilet_night, s.chair_minutes, s.resting_hr)
    (2, 0.75, 1, 30.0, None)
    """

    __slots__ = (
        "chair_seconds",
        "date",
        "episodes",
        "hr_n",
        "hr_sum",
        "start",
        "tap_litres",
        "tap_uses",
        "toilet_day",
        "toilet_night",
    )

    def __init__(self, date: str, start: float) -> None:
        self.date = date
        self.start = start
        self.tap_litres = 0.0
        self.tap_uses = 0
        self.toilet_day = 0
        self.toilet_night = 0
        self.chair_seconds = 0.0
        self.episodes: list[tuple[float, float]] = []
        self.hr_sum = 0.0
        self.hr_n = 0

    def tap(self, litres: float) -> None:
        """One tap use of ``litres``."""
        self.tap_litres += litres
        self.tap_uses += 1

    def toilet(self, night: bool) -> None:
        """One toilet visit, by night (in bed for the night) or by day."""
        if night:
            self.toilet_night += 1
        else:
            self.toilet_day += 1

    def chair(self, since: float, until: float) -> None:
        """Time in the chair from ``since`` to ``until`` (clipped to this day)."""
        self.chair_seconds += max(0.0, until - max(since, self.start))

    def night_episode(self, start: float, end: float) -> None:
        """A spell out of bed during the night."""
        self.episodes.append((start, end))

    def resting_hr(self, bpm: float) -> None:
        """One minute's heart rate at rest."""
        self.hr_sum += bpm
        self.hr_n += 1

    def close(self, home: str) -> DailySummary:
        """The day's summary."""
        resting = round(self.hr_sum / self.hr_n, 1) if self.hr_n else None
        return DailySummary(
            home=home,
            date=self.date,
            tap_litres=round(self.tap_litres, 2),
            tap_uses=self.tap_uses,
            toilet_day=self.toilet_day,
            toilet_night=self.toilet_night,
            chair_minutes=round(self.chair_seconds / 60.0, 1),
            night_episodes=[NightEpisode(start=s, end=e) for s, e in self.episodes],
            resting_hr=resting if resting is None or 20 <= resting <= 250 else None,
        )
