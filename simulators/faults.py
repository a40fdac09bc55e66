"""Faults of the data path, applied to a home's trace, each with its ground-truth label.

- ``sensor_dead``: a sensor sends nothing from some moment (until replaced, or the end);
- ``sensor_misses``, ``sensor_stuck``: a bed (or chair) mat misses part of several
  nights, or reads occupied for days (:mod:`simulators.mats`); none without a mat;
- ``gateway_offline``: for hours nothing arrives; then the outbox backfills, so those
  readings *arrive* after the outage with their measured ``ts``;
- ``clock_drift``: one sensor's clock runs fast or slow until it is resynchronised;
- ``duplicate``: a batch re-sent (an MQTT QoS 1 redelivery): identical readings again;
- ``malformed``: raw payloads that are not valid protocol; they go to their own list.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

import msgspec
import numpy as np

from simulators.body import HOUR, MINUTE
from simulators.localtime import DAY, LocalClock
from simulators.mats import miss_nights, stick_pressed
from simulators.scenarios import Fault
from simulators.trace import SensorTable, Trace

# Sensors whose silence or drift a detector should notice.
FRAGILE: Final = (
    "motion-kitchen",
    "motion-lounge",
    "motion-bathroom",
    "motion-hall",
    "chair",
    "bed",
    "tap-kitchen",
    "toilet",
)


class MalformedRecord(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A raw message that is not valid protocol, as ``malformed.jsonl`` holds it.

    ``payload`` is the whole raw text of a readings message as published, ``reason``
    says what is wrong with it, and ``ts`` is when it arrives (epoch seconds).
    """

    home: str
    payload: str
    reason: str
    ts: float


@dataclass
class FaultContext:
    """What a fault needs to know about the home and run."""

    table: SensorTable
    clock: LocalClock
    days: int
    gateway: str
    wearable: str
    rng: np.random.Generator


# kind, start, end, detail, subject (the sensor id or "gateway" the fault is about)
Label = tuple[str, float, float, str | None, str | None]


def apply_faults(
    trace: Trace, faults: list[Fault], ctx: FaultContext
) -> tuple[Trace, list[Label], list[MalformedRecord]]:
    """Apply ``faults`` in turn; returns the new trace, labels and malformed payloads."""
    labels: list[Label] = []
    malformed: list[MalformedRecord] = []
    for fault in faults:
        if fault.kind == "malformed":
            records = _malformed(fault, ctx)
            malformed.extend(records)
            labels.append(
                ("malformed", records[0].ts, records[-1].ts, f"count={len(records)}", ctx.gateway)
            )
            continue
        trace, label = _FAULTS[fault.kind](trace, fault, ctx)
        if label is not None:
            labels.append(label)
    return trace, labels, malformed


def _pick_sensor(ctx: FaultContext) -> str:
    """A fragile sensor the home has (any sensor of a home with none of them)."""
    choices = [s for s in (*FRAGILE, ctx.wearable) if s in ctx.table.ids] or ctx.table.ids
    return choices[int(ctx.rng.integers(len(choices)))]


def _moment(ctx: FaultContext, day: int, low_h: float, high_h: float) -> float:
    return ctx.clock.epoch(day * DAY + float(ctx.rng.uniform(low_h, high_h)) * HOUR)


def _sensor_dead(trace: Trace, fault: Fault, ctx: FaultContext) -> tuple[Trace, Label]:
    sensor = _pick_sensor(ctx)
    start = _moment(ctx, fault.day, 8.0, 20.0)
    last = fault.day + fault.span
    end = _moment(ctx, last, 9.0, 17.0) if last < ctx.days else ctx.clock.epoch(ctx.days * DAY)
    code = ctx.table.code(sensor)
    gone = (trace.sensor == code) & (trace.ts >= start) & (trace.ts < end)
    return trace.take(~gone), ("sensor_dead", start, end, f"sensor={sensor}", sensor)


def _gateway_offline(trace: Trace, fault: Fault, ctx: FaultContext) -> tuple[Trace, Label]:
    start = _moment(ctx, fault.day, 0.0, 18.0)
    end = start + float(ctx.rng.uniform(2.0, 8.0)) * HOUR
    held = (trace.arrival >= start) & (trace.arrival < end)
    arrival = trace.arrival.copy()
    # Back online, live readings flow at once while the outbox drains in measured
    # order from a minute or more later: backfill arrives after later-measured readings.
    drain = end + float(ctx.rng.uniform(90.0, 600.0))
    arrival[held] = drain + 0.05 * np.arange(int(held.sum()))
    backfilled = Trace(arrival, trace.ts, trace.sensor, trace.value).in_arrival_order()
    return backfilled, (
        "gateway_offline",
        start,
        end,
        f"backfilled={int(held.sum())}",
        "gateway",
    )


def _clock_drift(trace: Trace, fault: Fault, ctx: FaultContext) -> tuple[Trace, Label]:
    sensor = _pick_sensor(ctx)
    start = _moment(ctx, fault.day, 0.0, 12.0)
    end = ctx.clock.epoch(min(fault.day + fault.span, ctx.days) * DAY)
    rate = float(ctx.rng.uniform(30.0, 120.0)) * (1.0 if ctx.rng.random() < 0.5 else -1.0)
    code = ctx.table.code(sensor)
    drifting = (trace.sensor == code) & (trace.ts >= start) & (trace.ts < end)
    ts = trace.ts.copy()
    ts[drifting] = np.round(ts[drifting] + rate * (ts[drifting] - start) / HOUR, 3)
    detail = f"sensor={sensor} rate_s_per_h={rate:+.0f}"
    drifted = Trace(trace.arrival, ts, trace.sensor, trace.value)
    return drifted, ("clock_drift", start, end, detail, sensor)


def _duplicate(trace: Trace, fault: Fault, ctx: FaultContext) -> tuple[Trace, Label]:
    start = _moment(ctx, fault.day, 7.0, 21.0)
    end = start + float(ctx.rng.uniform(10.0, 40.0)) * MINUTE
    index = np.flatnonzero((trace.arrival >= start) & (trace.arrival < end))
    copies = trace.take(index)
    copies.arrival = np.full(len(index), end) + 0.5 + 0.002 * np.arange(len(index))
    both = Trace.concat([trace, copies]).in_arrival_order()
    return both, ("duplicate", start, end, f"copies={len(index)}", ctx.gateway)


def _sensor_misses(trace: Trace, fault: Fault, ctx: FaultContext) -> tuple[Trace, Label | None]:
    if "bed" not in ctx.table.ids:
        return trace, None
    span = (ctx.clock.epoch(fault.day * DAY), ctx.clock.epoch((fault.day + fault.span) * DAY))
    run = (ctx.clock.epoch(0.0), ctx.clock.epoch(ctx.days * DAY))
    trace, missed = miss_nights(trace, ctx.table.code("bed"), span, run, ctx.rng)
    if missed is None:
        return trace, None
    return trace, ("sensor_misses", *missed, "sensor=bed misses part of nights", "bed")


def _sensor_stuck(trace: Trace, fault: Fault, ctx: FaultContext) -> tuple[Trace, Label | None]:
    mats = [s for s in ("bed", "bed", "chair") if s in ctx.table.ids]  # mostly the bed
    if not mats:
        return trace, None
    sensor = mats[int(ctx.rng.integers(len(mats)))]
    start = _moment(ctx, fault.day, 8.0, 20.0)
    last = fault.day + fault.span
    end = _moment(ctx, last, 9.0, 17.0) if last < ctx.days else ctx.clock.epoch(ctx.days * DAY)
    stuck = stick_pressed(trace, ctx.table.code(sensor), start, end)
    return stuck, ("sensor_stuck", start, end, f"sensor={sensor} reads occupied", sensor)


_FAULTS: dict[str, Callable[[Trace, Fault, FaultContext], tuple[Trace, Label | None]]] = {
    "sensor_dead": _sensor_dead,
    "sensor_misses": _sensor_misses,
    "sensor_stuck": _sensor_stuck,
    "gateway_offline": _gateway_offline,
    "clock_drift": _clock_drift,
    "duplicate": _duplicate,
}


def _malformed(fault: Fault, ctx: FaultContext) -> list[MalformedRecord]:
    """A handful of bad messages through one day, each of a known kind of fault."""
    count = int(ctx.rng.integers(5, 13))
    times = np.sort([_moment(ctx, fault.day, 0.0, 24.0) for _ in range(count)])
    home = ctx.table.home
    return [
        _bad_payload(home, ctx.gateway, ctx.wearable, round(float(t), 3), i, ctx.rng)
        for i, t in enumerate(times.tolist())
    ]


def _bad_payload(
    home: str, gateway: str, wearable: str, ts: float, seq: int, rng: np.random.Generator
) -> MalformedRecord:
    good = {"sensor": wearable, "kind": "heart_rate", "ts": ts, "value": 72.0}
    variants: list[tuple[object, str]] = [
        ({**good, "value": 900.0}, "heart_rate value out of range"),
        ({**good, "kind": "temperature"}, "unknown kind"),
        ({**good, "sensor": "Kitchen Tap"}, "sensor id outside [a-z0-9-]"),
        ({**good, "ts": "yesterday"}, "ts is not a number"),
        ({k: v for k, v in good.items() if k != "value"}, "missing value"),
        ({**good, "kind": "tap", "sensor": "tap-kitchen", "value": -1.0}, "negative tap litres"),
        ([], "empty readings list"),
        ("truncated", "not JSON: truncated"),
        ("garbage", "not JSON: garbage bytes"),
    ]
    reading, reason = variants[int(rng.integers(len(variants)))]
    readings = reading if isinstance(reading, list) else [reading]
    batch = {"gateway": gateway, "seq": 1_000_000 + seq, "sent": ts, "readings": readings}
    text = msgspec.json.encode(batch).decode()
    if reading == "truncated":
        batch["readings"] = [good]
        text = msgspec.json.encode(batch).decode()[: int(rng.integers(10, 60))]
    elif reading == "garbage":
        text = "\x00\x07\ufffd" + "".join(rng.choice(list('{}[]:,"ab9 '), 24).tolist())
    return MalformedRecord(home=home, payload=text, reason=reason, ts=ts)
