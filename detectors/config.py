"""The engine's tunable thresholds, in one frozen place (documented in docs/detectors.md)."""

from dataclasses import dataclass

DAY = 86_400.0
HOUR = 3_600.0
MINUTE = 60.0


@dataclass(frozen=True, slots=True)
class EngineConfig:
    """Thresholds and learning settings; the defaults are the documented rules.

    Examples
    --------
    >>> EngineConfig().learning_period / DAY
    14.0
    >>> EngineConfig(learning_period=7 * DAY).learning_period
    604800.0
    """

    # Routine detectors (dehydration, night wandering, inactivity) stay silent until a
    # home has been watched this long; stress and sensor health have their own.
    learning_period: float = 14 * DAY
    fading: float = 0.05  # ≈ the last 20 days count: slow adaptation to real change

    # dehydration: drinking-tap uses and litres since the start of yesterday vs usual
    dehydration_z: float = 2.5  # alert on a shortfall of 2.5 × their day-to-day sd × √days
    dehydration_days_z: float = 2.2  # … or of 2.2 × sd × √days over 2-3 whole days at home
    dehydration_ratio: float = 0.85  # … and drinking is below 85 % of usual
    dehydration_lag_h: int = 2  # the last 2 hours count as drunk but are not yet expected
    dehydration_recover: float = 0.85  # the episode ends when a whole day is back above 85 %
    dehydration_learn_above: float = 0.8  # hours drunk while below 80 % of usual teach nothing
    dehydration_window_h: int = 48  # an hour teaches the usual day this long after it ends

    # night wandering
    night_min_in_bed: float = 30 * MINUTE  # in bed this long in the window's early margin
    wander_after: float = 10 * MINUTE  # up at night before a flush: the learnt limit's floor
    wander_toilet_after: float = 20 * MINUTE  # … its ceiling, and the floor with a flush
    wander_wake_margin: float = 60 * MINUTE  # night ends at usual wake - max(this, 3 sd)

    # night toileting: the last 3-5 nights' visits against their usual (a count test)
    toileting_chance: float = 0.05  # alert when a persistent rise is this unlikely or less

    # stress (heart rate at rest)
    stress_fading: float = 0.01  # per learnt value (each 5 minutes at rest, once past 2 hours)
    stress_learning: float = 8 * MINUTE  # resting minutes before any stress alert
    stress_rise_bpm: float = 12.0
    stress_rise_sd: float = 3.0
    stress_rise_max: float = 20.0  # a raise this big always counts, however noisy the normal
    stress_sustain: float = 2.5 * MINUTE
    stress_smoothing: float = 90.0  # seconds: time constant of the smoothed heart rate
    rest_quiet: float = 5 * MINUTE  # no chair sensor: no motion this long = at rest
    rest_settle: float = 2 * MINUTE  # in the chair this long before the heart has settled
    hr_active_rise: float = 5.0  # bpm above the resting normal: up and about
    hr_prior_mean: float = 72.0  # population prior for a new resident's resting heart rate
    hr_prior_sd: float = 8.0
    hr_high: float = 140.0  # absolute safety bounds, whatever the baseline
    hr_low: float = 40.0
    hr_bound_sustain: float = 2 * MINUTE

    # inactivity
    wake_late_margin: float = 110 * MINUTE  # not up by usual wake time + max(this, 2.5 sd)
    wake_late_max: float = 130 * MINUTE  # … and never later than this after it
    silence_min: float = 2 * HOUR  # daytime silence alerts after 1.5 × the longest usual
    silence_factor: float = 1.5  # quiet spell for that time of day, never before 2 hours
    silence_max: float = 6 * HOUR  # … and always by 6 hours

    # sensor health
    gateway_silence: float = 30 * MINUTE
    sensor_silence_factor: float = 1.5
    battery_low: float = 15.0
    health_learning: float = 2 * DAY
