"""Heart rate from a wrist sensor: resting level, circadian curve, activity, noise.

Sampled on a regular UTC grid (every ``interval`` seconds) and computed for the
whole run at once with numpy: the target level follows what the body is doing
(the routine's segments), the heart approaches it with a lag of about a minute,
and slow (AR(1)) plus fast noise is added. While the resident is out of the house
the wearable is out of the gateway's range and sends nothing.
"""

from typing import Final

import numpy as np
import numpy.typing as npt
from scipy.signal import lfilter

from simulators.body import ACTIVE, AWAY, REST, SIT, SLEEP
from simulators.localtime import DAY, FloatArray, LocalClock
from simulators.profiles import HomeProfile

LAG_S: Final = 60.0  # the heart settles on a new level within a minute or two
DRIFT_S: Final = 300.0  # time constant of slow wandering around the level
DRIFT_SD: Final = 2.0  # bpm
JITTER_SD: Final = 1.0  # bpm, beat-to-beat and measurement noise
LOW, HIGH = 35.0, 190.0  # what a wrist sensor reports for an older adult at home
PEAK_HOUR: Final = 16.0  # resting HR peaks in the afternoon, troughs before dawn


def state_levels(profile: HomeProfile) -> npt.NDArray[np.float64]:
    """The HR level of each body state relative to resting HR (bpm)."""
    levels = np.zeros(5)
    levels[SLEEP] = -profile.sleep_dip
    levels[REST] = 0.0
    levels[SIT] = 0.0
    levels[ACTIVE] = profile.activity_rise
    levels[AWAY] = profile.activity_rise / 2
    return levels


def heart_rate(
    profile: HomeProfile,
    clock: LocalClock,
    segments: tuple[FloatArray, npt.NDArray[np.int64], FloatArray],
    span: tuple[float, float],
    interval: float,
    rng: np.random.Generator,
) -> tuple[FloatArray, FloatArray]:
    """Sample times (UTC epoch) and whole-bpm values between ``span`` (epoch seconds).

    ``segments`` are (wall start, state, extra bpm), sorted by start.
    """
    start, end = span
    ts = np.arange(start + float(rng.uniform(0.0, interval)), end, interval)
    wall = clock.wall(ts)
    seg_t, seg_state, seg_extra = segments
    index = np.clip(np.searchsorted(seg_t, wall, side="right") - 1, 0, len(seg_t) - 1)
    state = seg_state[index]
    hour = (wall % DAY) / 3600.0
    target = (
        profile.resting_hr
        + state_levels(profile)[state]
        + seg_extra[index]
        + profile.circadian_amp * np.cos(2 * np.pi * (hour - PEAK_HOUR) / 24.0)
    )
    bpm = _lag(target, interval) + _noise(len(ts), interval, rng)
    present = state != AWAY
    return ts[present], np.clip(np.round(bpm[present]), LOW, HIGH)


def _lag(target: FloatArray, interval: float) -> FloatArray:
    """First-order lag: the heart approaches its target level over about a minute."""
    alpha = 1.0 - np.exp(-interval / LAG_S)
    smoothed, _ = lfilter([alpha], [1.0, alpha - 1.0], target, zi=[(1.0 - alpha) * target[0]])
    return np.asarray(smoothed, dtype=np.float64)


def _noise(n: int, interval: float, rng: np.random.Generator) -> FloatArray:
    phi = float(np.exp(-interval / DRIFT_S))
    white = rng.standard_normal(n)
    drift = lfilter([DRIFT_SD * np.sqrt(1.0 - phi * phi)], [1.0, -phi], white)
    return np.asarray(drift, dtype=np.float64) + rng.normal(0.0, JITTER_SD, n)
