"""Stress: heart rate raised at rest, against the usual for the hour or the rest before it.

Rule (docs/detectors.md, decision D45): while the resident is at rest (in the chair for
2 minutes, with no motion in another room for 5; a wearable with no room sensors is
taken as at rest), the heart rate is raised when either

1. smoothed over 90 seconds, it is more than max(12 bpm, 3 sd) (never asking more than
   20 bpm) above their resting normal for that part of the day (six 4-hour blocks, river
   ``Mean``/``Var`` then ``EWMean``/``EWVar``, seeded with a population prior of
   72 ± 8 bpm); or
2. averaged over 30 seconds, it is more than 6 bpm above the level of this rest (which
   starts where the heart is when the rest begins, follows it with a 5-minute memory and
   counts after 5 minutes, while the heart slows after walking).

Raised for 2.5 minutes running: one alert. The first 2.5 minutes of a rise are judged
against the rest before it; a level that lasts is then taken in over about half an hour.
Whatever the baseline, above 140 or below 40 bpm for 2 minutes: a high-severity alert. A
raised minute never teaches the baseline, and no stress alert comes before 8 minutes of
resting heart rate have been learnt.
"""

from carewatch.phrases import N_
from carewatch.protocol import AlertKind, Severity
from detectors.alerts import make_alert
from detectors.baselines import Normal
from detectors.config import MINUTE, EngineConfig
from detectors.view import HomeView, Output

BLOCKS = 6  # parts of the day with their own resting normal
BLOCK_WARM = 30  # resting minutes in a block before its own normal is used
RESET_GAP = 10 * MINUTE  # after this silence the smoothed rate restarts
SLOW = 10 * MINUTE  # time constant of the activity level
YOUNG = 2 * 60 * MINUTE  # resting time learnt minute by minute
LEARN_EVERY = 5 * MINUTE  # after that, one resting value every five minutes
# Rise over the recent rest (decision D45): the rest this sitting started with, not the
# long-run normal, is what a sudden rise is measured against.
QUICK = 30.0  # seconds: time constant of the quick smoothed rate
RECENT = 5 * MINUTE  # memory of the recent resting level
RECENT_RAISED = 30 * MINUTE  # … while raised: a lasting new level is taken in within the hour
SETTLE = 5 * MINUTE  # of a rest before its own level counts (the heart slows after walking)
RECENT_RISE = 6.0  # bpm over the recent rest (≈ 3.7 sd of simulated settled sitting)
STRESS = AlertKind.STRESS


class StressWatch:
    """One resident's smoothed heart rate, resting normals and open episodes."""

    recent_rise = RECENT_RISE  # carers' tuning makes it more (class default: checkpoints)
    # the recent rest (class defaults: a checkpoint from before it starts a new rest)
    quick = 0.0
    recent = 0.0
    rest_start = -1.0
    settled_at = 0.0

    def __init__(self, config: EngineConfig, resident: str | None = None) -> None:
        self.resident = resident
        self.active_rise = config.hr_active_rise
        prior = (config.hr_prior_mean, config.hr_prior_sd)

        def normal() -> Normal:
            return Normal(config.stress_fading, prior[0], prior[1], clip_sd=2.0, floor_sd=3.0)

        self.overall = normal()
        self.blocks = [normal() for _ in range(BLOCKS)]
        self.smooth = 0.0
        self.quick = 0.0  # 30-second average at rest: rises over the recent rest are judged on it
        self.recent = 0.0  # the level of this rest so far
        self.rest_start = -1.0  # the rest it belongs to (Home.rest_from)
        self.settled_at = 0.0  # when this rest's own level starts to count
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

    def on_beat(self, home: HomeView, ts: float, bpm: float, out: Output) -> None:
        """Take one live heart-rate reading."""
        cfg = home.cfg
        dt = ts - self.last_ts
        self.last_ts = ts
        if dt > RESET_GAP:
            self.smooth = self.slow = hr = bpm
            self.raised_since = 0.0
            self.rest_start = -1.0  # the rest starts again
        else:
            hr = self.smooth = self.smooth + dt / (cfg.stress_smoothing + dt) * (bpm - self.smooth)
            self.slow += dt / (SLOW + dt) * (bpm - self.slow)
        if self.bound_since or not cfg.hr_low <= hr <= cfg.hr_high:
            self._bounds(home, ts, hr, out)
        if not home.rest_from <= ts < home.rest_until:  # Home.at_rest, inlined: every beat
            self.raised_since = 0.0
            return
        if home.local_hour != self.limit_hour:
            self._set_limit(cfg, home.local_hour, home.strictness(STRESS))
        if home.rest_from == self.rest_start:
            quick = self.quick
            quick += dt / (QUICK + dt) * (bpm - quick)
            self.quick = quick
            recent = self.recent
        else:  # a rest begins: its own level starts where the heart is, counts once settled
            self.rest_start = home.rest_from
            quick = self.quick = recent = self.recent = hr
            self.settled_at = ts + SETTLE
        if hr > self.limit or (quick > recent + self.recent_rise and ts >= self.settled_at):
            self.calm_since = 0.0
            if not self.raised_since:
                self.raised_since = ts
            if ts - self.raised_since >= cfg.stress_sustain:
                # judged against the rest before it; past that, a lasting new level is
                # taken in slowly, so that one episode does not last all day
                self.recent = recent + dt / (RECENT_RAISED + dt) * (quick - recent)
                if not self.alerted and self.rested >= cfg.stress_learning:
                    self._alert(home, ts, hr, self.baseline(home.local_hour), out)
            return
        self.raised_since = 0.0
        self.recent = recent + dt / (RECENT + dt) * (quick - recent)
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
            if step == MINUTE:  # a young normal moves fast; a grown one is re-read hourly
                self._set_limit(cfg, home.local_hour, home.strictness(STRESS))

    def _set_limit(self, cfg: "EngineConfig", local_hour: int, strict: float) -> None:
        """Recompute the raised-heart-rate limits (when the normal, the hour or the
        carers' tuning changes): the rises tolerated, ``strict`` times the rule's."""
        base = self.baseline(local_hour)
        rise = max(cfg.stress_rise_bpm, cfg.stress_rise_sd * base.sd())
        self.limit = base.get() + min(rise, cfg.stress_rise_max) * strict
        self.recent_rise = RECENT_RISE * strict
        self.limit_hour = local_hour

    def _alert(self, home: HomeView, ts: float, hr: float, base: Normal, out: Output) -> None:
        self.alerted = True
        minutes = (ts - self.raised_since) / MINUTE
        usual = base.get()
        if hr > self.limit:
            rise = N_(
                "Their usual resting rate at this time of day is %(usual).0f bpm.", usual=usual
            )
        else:  # raised over this rest's own level, not (yet) over the usual for the hour
            hr = self.quick
            rise = N_(
                "It was %(recent).0f bpm earlier in this rest; their usual resting rate at "
                "this time of day is %(usual).0f bpm.",
                recent=self.recent,
                usual=usual,
            )
        severity = Severity.HIGH if hr - usual > 30 else Severity.MEDIUM
        said = [
            N_(
                "Heart rate raised while resting: %(bpm).0f bpm since %(since)s "
                "(%(minutes).0f minutes), sitting still.",
                bpm=hr,
                since=home.cal.hhmm(self.raised_since),
                minutes=minutes,
            ),
            rise,
            N_("Check on them: pain, worry or illness?"),
        ]
        evidence = {
            "heart_rate": hr,
            "resting_usual": usual,
            "resting_sd": base.sd(),
            "resting_recent": self.recent,
            "minutes_raised": minutes,
        }
        out.append(
            make_alert(
                home.id,
                AlertKind.STRESS,
                ts,
                self.raised_since,
                severity,
                said,
                evidence,
                resident=self.resident,
            )
        )

    def _bounds(self, home: HomeView, ts: float, hr: float, out: Output) -> None:
        cfg = home.cfg
        if cfg.hr_low <= hr <= cfg.hr_high:
            self.bound_since = 0.0
            self.bound_alerted = False
            return
        self.bound_since = self.bound_since or ts
        if self.bound_alerted or ts - self.bound_since < cfg.hr_bound_sustain:
            return
        self.bound_alerted = True
        since = home.cal.hhmm(self.bound_since)
        said = [
            N_("Heart rate very high: %(bpm).0f bpm since %(since)s.", bpm=hr, since=since)
            if hr > cfg.hr_high
            else N_("Heart rate very low: %(bpm).0f bpm since %(since)s.", bpm=hr, since=since),
            N_(
                "Safe range is %(low).0f-%(high).0f bpm. Check on them now.",
                low=cfg.hr_low,
                high=cfg.hr_high,
            ),
        ]
        out.append(
            make_alert(
                home.id,
                AlertKind.STRESS,
                ts,
                self.bound_since,
                Severity.HIGH,
                said,
                {"heart_rate": hr, "safe_low": cfg.hr_low, "safe_high": cfg.hr_high},
                resident=self.resident,
            )
        )
