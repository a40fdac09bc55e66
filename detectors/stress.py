"""Stress: heart rate raised at rest against the resident's resting baseline for the time of day.

Rule (docs/detectors.md): smooth the heart rate (90-second time constant). While the
resident is at rest (in the chair for 2 minutes, with no motion in another room for 5;
a wearable with no room sensors is taken as at rest), compare it with their resting
normal for that part of the day (six 4-hour blocks, river ``Mean``/``Var`` then
``EWMean``/``EWVar``, seeded with a population prior of 72 ± 8 bpm). Raised by more
than max(12 bpm, 3 sd) (never asking more than 20 bpm) for 2.5 minutes running: one
alert. Whatever the baseline, above 140 or below 40 bpm for 2 minutes: a high-severity
alert. A raised minute never teaches the baseline, and no stress alert comes before
8 minutes of resting heart rate have been learnt.
"""

from typing import TYPE_CHECKING

from carewatch.protocol import AlertKind, Severity
from detectors.alerts import make_alert
from detectors.baselines import Normal
from detectors.config import MINUTE, EngineConfig

if TYPE_CHECKING:
    from detectors.home import Home, Output

BLOCKS = 6  # parts of the day with their own resting normal
BLOCK_WARM = 30  # resting minutes in a block before its own normal is used
RESET_GAP = 10 * MINUTE  # after this silence the smoothed rate restarts
SLOW = 10 * MINUTE  # time constant of the activity level
YOUNG = 2 * 60 * MINUTE  # resting time learnt minute by minute
LEARN_EVERY = 5 * MINUTE  # after that, one resting value every five minutes


class StressWatch:
    """One resident's smoothed heart rate, resting normals and open episodes."""

    def __init__(self, config: EngineConfig, resident: str | None = None) -> None:
        self.resident = resident
        self.active_rise = config.hr_active_rise
        prior = (config.hr_prior_mean, config.hr_prior_sd)

        def normal() -> Normal:
            return Normal(config.stress_fading, prior[0], prior[1], clip_sd=2.0, floor_sd=3.0)

        self.overall = normal()
        self.blocks = [normal() for _ in range(BLOCKS)]
        self.smooth = 0.0
        self.slow = 0.0  # ten-minute average: is the person up and about?
        self.last_ts = 0.0
        self.next_learn = 0.0
        self.rested = 0.0  # seconds of resting heart rate learnt
        self.raised_since = 0.0
        self.limit = 0.0  # the resting normal plus the rise that counts, for this hour
        self.limit_hour = -1
        self.calm_since = 0.0
        self.alerted = False
        self.bound_since = 0.0
        self.bound_alerted = False

    def active(self, ts: float, local_hour: int) -> bool:
        """Heart rate recently well above the resting normal for the hour: up and about."""
        if ts - self.last_ts > 10 * MINUTE or self.rested < 30 * MINUTE:
            return False
        return self.slow > self.baseline(local_hour).get() + self.active_rise

    def baseline(self, local_hour: int) -> Normal:
        """The resting normal for this part of the day (the day's normal until warm)."""
        block = self.blocks[local_hour * BLOCKS // 24]
        return block if block.count >= BLOCK_WARM else self.overall

    def on_beat(self, home: "Home", ts: float, bpm: float, out: "Output") -> None:
        """Take one live heart-rate reading."""
        cfg = home.cfg
        dt = ts - self.last_ts
        self.last_ts = ts
        if dt > RESET_GAP:
            self.smooth = self.slow = hr = bpm
            self.raised_since = 0.0
        else:
            hr = self.smooth = self.smooth + dt / (cfg.stress_smoothing + dt) * (bpm - self.smooth)
            self.slow += dt / (SLOW + dt) * (bpm - self.slow)
        if self.bound_since or not cfg.hr_low <= hr <= cfg.hr_high:
            self._bounds(home, ts, hr, out)
        if not home.rest_from <= ts < home.rest_until:  # Home.at_rest, inlined: every beat
            self.raised_since = 0.0
            return
        if home.local_hour != self.limit_hour:
            self._set_limit(cfg, home.local_hour)
        if hr > self.limit:
            base = self.baseline(home.local_hour)
            self.calm_since = 0.0
            if not self.raised_since:
                self.raised_since = ts
            if (
                not self.alerted
                and self.rested >= cfg.stress_learning
                and ts - self.raised_since >= cfg.stress_sustain
            ):
                self._alert(home, ts, hr, base, out)
            return
        self.raised_since = 0.0
        if self.alerted:
            self.calm_since = self.calm_since or ts
            if ts - self.calm_since >= cfg.stress_sustain:
                self.alerted = False
        if ts >= self.next_learn:
            # each minute while the normal is young, then every five (it changes slowly)
            step = MINUTE if self.rested < YOUNG else LEARN_EVERY
            self.next_learn = ts + step
            self.rested += step
            self.overall.learn_one(hr)
            self.blocks[home.local_hour * BLOCKS // 24].learn_one(hr)
            home.tally.resting_hr(hr)
            self._set_limit(cfg, home.local_hour)

    def _set_limit(self, cfg: "EngineConfig", local_hour: int) -> None:
        """Recompute the raised-heart-rate limit (when the normal or the hour changes)."""
        base = self.baseline(local_hour)
        rise = max(cfg.stress_rise_bpm, cfg.stress_rise_sd * base.sd())
        self.limit = base.get() + min(rise, cfg.stress_rise_max)
        self.limit_hour = local_hour

    def _alert(self, home: "Home", ts: float, hr: float, base: Normal, out: "Output") -> None:
        self.alerted = True
        minutes = (ts - self.raised_since) / MINUTE
        rise = hr - base.get()
        severity = Severity.HIGH if rise > 30 else Severity.MEDIUM
        explanation = (
            f"Heart rate raised while resting: {hr:.0f} bpm since "
            f"{home.cal.hhmm(self.raised_since)} ({minutes:.0f} minutes), sitting still. "
            f"Their usual resting rate at this time of day is {base.get():.0f} bpm. "
            "Check on them: pain, worry or illness?"
        )
        evidence = {
            "heart_rate": hr,
            "resting_usual": base.get(),
            "resting_sd": base.sd(),
            "minutes_raised": minutes,
        }
        out.append(
            make_alert(
                home.id,
                AlertKind.STRESS,
                ts,
                self.raised_since,
                severity,
                explanation,
                evidence,
                resident=self.resident,
            )
        )

    def _bounds(self, home: "Home", ts: float, hr: float, out: "Output") -> None:
        cfg = home.cfg
        if cfg.hr_low <= hr <= cfg.hr_high:
            self.bound_since = 0.0
            self.bound_alerted = False
            return
        self.bound_since = self.bound_since or ts
        if self.bound_alerted or ts - self.bound_since < cfg.hr_bound_sustain:
            return
        self.bound_alerted = True
        word = "very high" if hr > cfg.hr_high else "very low"
        explanation = (
            f"Heart rate {word}: {hr:.0f} bpm since {home.cal.hhmm(self.bound_since)}. "
            f"Safe range is {cfg.hr_low:.0f}-{cfg.hr_high:.0f} bpm. Check on them now."
        )
        out.append(
            make_alert(
                home.id,
                AlertKind.STRESS,
                ts,
                self.bound_since,
                Severity.HIGH,
                explanation,
                {"heart_rate": hr, "safe_low": cfg.hr_low, "safe_high": cfg.hr_high},
                resident=self.resident,
            )
        )
