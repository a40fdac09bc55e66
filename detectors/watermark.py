"""Event time's "now": when silence-based checks may run, from the homes' own clocks.

One policy for every event-time source (decision D89): the watermark is the home clock
with a given share of the homes at or behind it, each home's clock being its readings' time with
learnt sensor clock offsets taken off (so one sensor with a fast clock cannot push it),
and homes with no reading yet left out. Two shares are used, for one reason — how far
apart the homes' readings can arrive:

- :data:`REPLAY` (the clock the latest tenth of the homes have reached): a file in
  arrival order keeps the homes that are heard from within minutes of each other, but at
  night most homes without a wearable say nothing for hours; the median then stood
  still, and a night spell in the chair was judged only when the next reading came
  (decision D128). Fewer than a tenth of the homes running fast cannot push time, and a
  home whose gateway stopped does not stop everyone's clock (a file has no gateway will);
- :data:`LIVE_STACK` (the slowest home): readings through gateways, MQTT and ingest at a
  demo's acceleration arrive hours of event time apart, and any faster "now" makes the
  homes still in flight look silent; a home that stops is told by its gateway's will.

A live deployment ticks on the wall clock, not on a watermark.
"""

from bisect import bisect_right

REPLAY = 0.9  # share of the homes (in time order) at or behind the watermark
LIVE_STACK = 0.0  # … the slowest home


def watermark(clocks: list[float], share: float) -> float:
    """The home clock at ``share`` of the homes, in time order (0.0 without any).

    ``clocks`` is sorted in place (ticks come every minute of event time: no copy).

    >>> watermark([30.0, 10.0, 20.0, 0.0], 0.5), watermark([30.0, 10.0], LIVE_STACK)
    (20.0, 10.0)
    >>> watermark([float(t) for t in range(1, 21)], REPLAY)  # two homes of 20 run ahead
    19.0
    >>> watermark([], REPLAY)
    0.0
    """
    clocks.sort()
    start = bisect_right(clocks, 0.0)  # homes with no reading yet
    ticking = len(clocks) - start
    return clocks[start + int(share * ticking)] if ticking else 0.0
