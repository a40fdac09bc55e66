"""A home's readings as columns (numpy arrays), and their conversion to records.

Columns keep a month of one-a-minute heart rate cheap to build, fault and merge;
records (:class:`carewatch.records.ReadingRecord`) are made only when asked for.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Final

import msgspec
import numpy as np
import numpy.typing as npt

from carewatch.protocol.kinds import Kind
from carewatch.records import ReadingRecord
from simulators.localtime import FloatArray
from simulators.profiles import HomeProfile

IntArray = npt.NDArray[np.int16]  # sensor codes: a home has a handful of sensors


class Line(msgspec.Struct, omit_defaults=True):
    """The file form of a reading, encoded exactly as a ``ReadingRecord``.

    Built without the record's per-value check, which the simulator guarantees by
    construction (and the tests prove by decoding), so writing a month is fast.
    """

    home: str
    sensor: str
    kind: str
    ts: float
    value: float
    resident: str | None = None


ENCODER: Final = msgspec.json.Encoder()


@dataclass
class Trace:
    """Readings of one home: ``arrival`` order is file order, ``ts`` is measured time."""

    arrival: FloatArray
    ts: FloatArray
    sensor: IntArray
    value: FloatArray

    def __len__(self) -> int:
        return len(self.ts)

    def take(self, index: npt.NDArray[np.intp] | npt.NDArray[np.bool_]) -> "Trace":
        """The rows at ``index`` (positions or a mask)."""
        return Trace(self.arrival[index], self.ts[index], self.sensor[index], self.value[index])

    def in_arrival_order(self) -> "Trace":
        """Rows sorted by arrival, ties kept in measured order."""
        return self.take(np.argsort(self.arrival, kind="stable"))

    @staticmethod
    def concat(parts: list["Trace"]) -> "Trace":
        """All rows of ``parts``, one after the other."""
        return Trace(
            np.concatenate([p.arrival for p in parts]),
            np.concatenate([p.ts for p in parts]),
            np.concatenate([p.sensor for p in parts]),
            np.concatenate([p.value for p in parts]),
        )


class SensorTable:
    """Per sensor code of a home: id, kind and, for wearables, the resident."""

    def __init__(self, profile: HomeProfile) -> None:
        self.home = profile.home
        self.ids = list(profile.sensors)
        self.kinds = [Kind(kind) for kind in profile.sensors.values()]
        self.residents = [
            profile.resident if kind is Kind.HEART_RATE else None for kind in self.kinds
        ]

    def code(self, sensor: str) -> int:
        """The code of sensor ``sensor``."""
        return self.ids.index(sensor)

    def records(self, trace: Trace) -> Iterator[ReadingRecord]:
        """The rows of ``trace`` as validated records, in row order."""
        ids, kinds, residents, home = self.ids, self.kinds, self.residents, self.home
        for ts, code, value in zip(
            trace.ts.tolist(), trace.sensor.tolist(), trace.value.tolist(), strict=True
        ):
            yield ReadingRecord(home, ids[code], kinds[code], ts, value, residents[code])

    def lines(self, trace: Trace) -> list[Line]:
        """The rows of ``trace`` ready for :data:`ENCODER`, in row order."""
        ids, residents, home = self.ids, self.residents, self.home
        kinds = [kind.value for kind in self.kinds]
        return [
            Line(home, ids[code], kinds[code], ts, value, residents[code])
            for ts, code, value in zip(
                trace.ts.tolist(), trace.sensor.tolist(), trace.value.tolist(), strict=True
            )
        ]
