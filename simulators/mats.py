"""Pressure mats that misbehave, as real bed and chair mats do.

- :func:`miss_nights`: on several nights the mat stops feeling the sleeper for part of
  the night: it reports vacated (0) while they lie still, and occupied (1) again when
  they move back onto it. Nothing else in the home changes.
- :func:`stick_pressed`: the mat reads occupied for days whatever happens (a fold, a
  heavy pillow, a failed switch): one 1 at the start, no change until it is freed, then
  the true state.

Both work on a home's :class:`simulators.trace.Trace` (on-change readings of one mat,
by sensor code) and return the new trace with the span of the misbehaviour.
"""

from typing import Final

import numpy as np

from simulators.trace import Trace

MIN_SLEEP_S: Final = 3 * 3600.0  # a stretch in bed this long is a night
MISS_MINUTES: Final = (40.0, 150.0)


def _rows(ts: list[float], code: int, values: list[float]) -> Trace:
    times = np.asarray(np.round(ts, 3), dtype=np.float64)
    return Trace(times, times.copy(), np.full(len(ts), code, np.int16), np.asarray(values))


def _nights(
    trace: Trace, code: int, span: tuple[float, float], run: tuple[float, float]
) -> list[tuple[float, float]]:
    """(in bed, out of bed) of the mat's long stretches occupied that begin in ``span``.

    A run that starts or ends with the sleeper in bed counts from its start or to its end.
    """
    mine = np.flatnonzero(trace.sensor == code)
    mine = mine[np.argsort(trace.ts[mine], kind="stable")]
    ts, values = [run[0], *trace.ts[mine].tolist(), run[1]], [1.0, *trace.value[mine].tolist()]
    if len(values) > 1 and values[1] == 1.0:
        values[0] = 0.0  # first reading "occupied": they were not in bed at the start
    values.append(0.0)
    return [
        (ts[i], ts[i + 1])
        for i in range(len(ts) - 1)
        if values[i] == 1.0
        and values[i + 1] == 0.0
        and span[0] <= ts[i] < span[1]
        and ts[i + 1] - ts[i] >= MIN_SLEEP_S
    ]


def miss_nights(
    trace: Trace,
    code: int,
    span: tuple[float, float],
    run: tuple[float, float],
    rng: np.random.Generator,
) -> tuple[Trace, tuple[float, float] | None]:
    """Blank out part of several nights that begin in ``span`` (epoch) of the ``run``.

    Returns the new trace and the first miss's start and the last one's end.
    """
    nights = _nights(trace, code, span, run)
    if not nights:
        return trace, None
    chosen = sorted(
        rng.choice(len(nights), max(2, (len(nights) + 1) // 2), replace=len(nights) < 2)
    )
    times: list[float] = []
    for i in sorted(set(chosen)):
        lay, rose = nights[i]
        begin = lay + (rose - lay) * float(rng.uniform(0.15, 0.55))
        length = min(float(rng.uniform(*MISS_MINUTES)) * 60.0, rose - begin - 600.0)
        times.extend([begin, begin + length])
    extra = _rows(times, code, [0.0, 1.0] * (len(times) // 2))
    return Trace.concat([trace, extra]).in_arrival_order(), (times[0], times[-1])


def stick_pressed(trace: Trace, code: int, start: float, end: float) -> Trace:
    """The mat reads occupied from ``start`` to ``end`` (epoch), then the truth again."""
    mine = trace.sensor == code
    before = mine & (trace.ts < start)
    during = mine & (trace.ts >= start) & (trace.ts < end)
    was = float(trace.value[before][np.argmax(trace.ts[before])]) if before.any() else 0.0
    truth = float(trace.value[during][np.argmax(trace.ts[during])]) if during.any() else was
    times, values = ([start], [1.0]) if was == 0.0 else ([], [])
    if truth == 0.0:
        times, values = [*times, end], [*values, 0.0]
    kept = trace.take(~during)
    return Trace.concat([kept, _rows(times, code, values)]).in_arrival_order()
