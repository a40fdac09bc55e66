"""Night toileting that rises over several nights (a urine infection), and bad nights.

A urinary tract infection in an older person often shows first as more trips to the
toilet at night: one to three more a night, building over a few nights, sometimes with
more visits by day too (docs/simulator.md, "Night toileting"). ``rising_nights`` draws
such an episode: the extra visits ramp up over the first two or three nights to a peak
of +1 to +3, then stay there until it is treated. ``bad_night`` is the noise a detector
must not take for one: a single night of two to four extra trips (a late pot of tea, a
restless night, a hot day's drinking) and back to usual the next.
"""

from typing import Final, NamedTuple

import numpy as np

NIGHTS: Final = (5, 7)  # nights an episode lasts (low, high inclusive)
PEAK: Final = (1.0, 3.0)  # extra visits a night at its height
RAMP: Final = (2, 3)  # nights it takes to get there
DAY_SHARE: Final = 0.5  # of episodes with more visits by day too
DAY_RISE: Final = (1.15, 1.4)  # … by this factor
BAD_NIGHT_RATE: Final = 0.04  # of free nights that are bad nights (about one in 25)
BAD_EXTRA: Final = (2.0, 4.0)  # extra visits on a bad night


class Night(NamedTuple):
    """One night of an episode: extra visits at night, and the factor on the day's."""

    night: float
    day: float


def rising_nights(span: int, rng: np.random.Generator) -> list[Night]:
    """The ``span`` nights of one episode, rising to its peak and staying there.

    >>> nights = rising_nights(6, np.random.default_rng(3))
    >>> len(nights), nights[0].night < nights[-1].night, 1.0 <= nights[-1].night <= 3.0
    (6, True, True)
    """
    peak = float(rng.uniform(*PEAK))
    ramp = int(rng.integers(RAMP[0], RAMP[1] + 1))
    day = float(rng.uniform(*DAY_RISE)) if rng.random() < DAY_SHARE else 1.0
    steps = [peak * min(1.0, (i + 1) / ramp) for i in range(span)]
    return [Night(round(extra, 2), day) for extra in steps]


def bad_night(rng: np.random.Generator) -> float:
    """Extra visits on one bad night.

    >>> 2.0 <= bad_night(np.random.default_rng(1)) <= 4.0
    True
    """
    return round(float(rng.uniform(*BAD_EXTRA)), 2)
