"""Per-resident baselines: small river-like contracts around river's streaming statistics.

Every baseline has ``learn_one`` (teach it one observation) and ``get`` (its current
normal); those that judge an observation have ``score_one``. Detectors wrap baselines
rather than take flags. Robustness is built in: :class:`Normal` clips an update to a few
standard deviations, so one strange day moves the baseline only a little, and the
fading factor lets a genuine, lasting change be learnt over a couple of weeks.
"""

from typing import Any

from river import stats


class Normal:
    """A value's usual level and spread, learnt with river; clipped updates.

    The first ``1 / fading`` observations (after an optional population prior) are
    averaged with river's ``Mean`` and ``Var``, so a new resident's normal is their
    own within minutes or days; after that river's ``EWMean`` and ``EWVar`` take over,
    so a lasting change is followed slowly while a single odd value barely counts.

    Parameters
    ----------
    fading:
        River's fading factor once warm: the weight of each new observation.
    prior_mean, prior_sd:
        A population prior that seeds a new resident (worth two observations).
    clip_sd:
        Updates are clipped to ``mean ± clip_sd · sd`` once three observations are in.
    floor_sd:
        The spread is never taken as smaller than this (counts and heart rates are noisy).

    Examples
    --------
    >>> n = Normal(fading=0.2, prior_mean=70.0, prior_sd=8.0, floor_sd=2.0)
    >>> for x in [66.0, 65.0, 67.0, 66.0, 65.0, 66.0, 67.0, 65.0]:
    ...     n.learn_one(x)
    >>> round(n.get())
    66
    >>> n.score_one(100.0) > 4
    True
    >>> n.learn_one(200.0)  # an outlier is clipped, so the normal moves only a little
    >>> 66 < n.get() < 72
    True
    """

    __slots__ = ("_ew_mean", "_ew_var", "_mean", "_var", "clip_sd", "count", "fading", "floor_sd")

    def __init__(
        self,
        fading: float,
        prior_mean: float | None = None,
        prior_sd: float | None = None,
        clip_sd: float = 3.0,
        floor_sd: float = 0.0,
    ) -> None:
        self.fading = fading
        self._mean = stats.Mean()
        self._var = stats.Var()
        self._ew_mean: stats.EWMean | None = None
        self._ew_var: stats.EWVar | None = None
        self.clip_sd = clip_sd
        self.floor_sd = floor_sd
        self.count = 0
        if prior_mean is not None:
            spread = prior_sd or 0.0
            for x in (prior_mean - spread, prior_mean + spread):
                self._mean.update(x)
                self._var.update(x)

    def learn_one(self, x: float) -> None:
        """Teach one observation, clipped to a few standard deviations of the normal."""
        ew_mean, ew_var = self._ew_mean, self._ew_var
        if ew_mean is not None and ew_var is not None:
            mean, var = ew_mean.get(), ew_var.get()
            limit = self.clip_sd * max(var**0.5 if var > 0 else 0.0, self.floor_sd)
            x = min(max(x, mean - limit), mean + limit)
            ew_mean.update(x)
            ew_var.update(x)
            self.count += 1
            return
        if self.count >= 3 or self._mean.n > 0:
            limit = self.clip_sd * self.sd()
            if limit > 0.0:
                mean = self.get()
                x = min(max(x, mean - limit), mean + limit)
        self.count += 1
        self._mean.update(x)
        self._var.update(x)
        if self.count * self.fading >= 1.0:
            self._warm_up()

    def _warm_up(self) -> None:
        """Hand over to the exponentially weighted statistics, seeded with what is known."""
        mean, sd = self.get(), self.sd()
        self._ew_mean = stats.EWMean(fading_factor=self.fading)
        self._ew_var = stats.EWVar(fading_factor=self.fading)
        for i in range(int(4 / self.fading) | 1):
            x = mean + sd if i % 2 else mean - sd
            self._ew_mean.update(x)
            self._ew_var.update(x)
        self._ew_mean = stats.EWMean(fading_factor=self.fading)
        self._ew_mean.update(mean)

    def get(self) -> float:
        """The usual level."""
        if self._ew_mean is not None:
            return float(self._ew_mean.get())
        return float(self._mean.get())

    def sd(self) -> float:
        """The usual spread (never below ``floor_sd``)."""
        var = self._ew_var.get() if self._ew_var is not None else self._var.get()
        return max(float(var) ** 0.5 if var > 0 else 0.0, self.floor_sd)

    def score_one(self, x: float) -> float:
        """How many usual spreads ``x`` lies above the normal (negative: below)."""
        sd = self.sd()
        return (x - self.get()) / sd if sd > 0 else 0.0


class Profile:
    """A per-time-of-day normal: one river ``EWMean`` per local hour of the day.

    Used for "how many tap uses by this hour on a usual day".

    Examples
    --------
    >>> p = Profile(fading=0.5)
    >>> for _ in range(3):
    ...     p.learn_one(8, 2.0)
    ...     p.learn_one(9, 1.0)
    >>> p.get(8), p.total(range(7, 10))
    (2.0, 3.0)
    """

    __slots__ = ("fading", "learnt", "started", "values")

    def __init__(self, fading: float) -> None:
        self.fading = fading
        # The hours' exponentially weighted means as plain floats: river's ``EWMean`` to
        # the last bit (the first value is taken as it is, then ``a * x + (1 - a) * mean``)
        # without its two objects per hour, 7 profiles x 24 hours a home (issue 16).
        self.values = [0.0] * 24
        self.started = 0  # bit ``h`` set: hour ``h`` has learnt a first value
        self.learnt = 0

    def __setstate__(self, state: tuple[None, dict[str, Any]]) -> None:
        """Restore; a checkpoint from before issue 16 holds river means per hour."""
        slots = dict(state[1])
        hours = slots.pop("_hours", None)
        for name, value in slots.items():
            setattr(self, name, value)
        if hours is not None:  # the means are in ``values`` already; which had begun is not
            begun = [mean is not None and _has_begun(mean) for mean in hours]
            self.started = sum(1 << h for h, yes in enumerate(begun) if yes)
            if "fading" not in slots:  # older still: each hour's mean knew it
                self.fading = next(m.fading_factor for m in hours if m is not None)

    def learn_one(self, hour: int, x: float) -> None:
        """Teach the amount seen in one local ``hour`` (0–23) of one day."""
        bit = 1 << hour
        if self.started & bit:
            a = self.fading
            self.values[hour] = a * x + (1 - a) * self.values[hour]
        else:
            self.values[hour] = float(x)
            self.started |= bit
        self.learnt += 1

    def get(self, hour: int) -> float:
        """The usual amount in local ``hour``."""
        return self.values[hour]

    def total(self, hours: "range | list[int]") -> float:
        """The usual amount over several local hours."""
        return sum(self.values[h] for h in hours)


def _has_begun(mean: stats.EWMean) -> bool:
    """Whether a river ``EWMean`` (from an old checkpoint) has taken a first value.

    Its state is bincode: mean, alpha, 1 - alpha (f64 each), then an "initialised" byte.
    Anything else (a river whose layout changed): begun if its mean is not zero.
    """
    state = mean._ewmean.__getstate__()
    if isinstance(state, bytes) and len(state) == 33:
        return state[24] == 1
    return float(mean.get()) != 0.0


class Gaps:
    """How long a sensor is normally silent: river ``Quantile`` of the gaps between readings.

    ``score_one(silence)`` is the silence divided by the learnt high quantile of gaps.

    Examples
    --------
    >>> g = Gaps(q=0.9)
    >>> for gap in [60.0] * 50 + [120.0] * 5:
    ...     g.learn_one(gap)
    >>> 55 <= g.get() <= 125
    True
    >>> g.score_one(3600.0) > 20
    True
    """

    __slots__ = ("_quantile", "count")

    def __init__(self, q: float = 0.99) -> None:
        self._quantile = stats.Quantile(q)
        self.count = 0

    def learn_one(self, gap: float) -> None:
        """Teach one gap (seconds) between two readings of the sensor."""
        self._quantile.update(gap)
        self.count += 1

    def get(self) -> float:
        """The high quantile of normal gaps (0 until a few gaps are known)."""
        value = self._quantile.get()
        return float(value) if value is not None else 0.0

    def score_one(self, silence: float) -> float:
        """The silence in multiples of the usual longest gap."""
        usual = self.get()
        return silence / usual if usual > 0 else 0.0
