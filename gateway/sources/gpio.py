"""GPIO inputs: flow-meter pulses -> tap litres, pressure mats -> chair/bed 1/0.

The logic (:class:`FlowMeter`, :class:`PressureMat`) is pure: it is fed edge
timestamps and polled with the current time, so it is tested without hardware.
The pins are read with ``gpiozero`` (the optional ``carewatch[gpio]`` extra),
imported only when this source is configured.

``[source.gpio]`` options::

    [[source.gpio.flow]]          # a hall-effect flow meter on the cold tap
    pin = 17
    sensor = "tap-kitchen"
    pulses_per_litre = 450        # from the meter's datasheet (YF-S201: about 450)
    idle_s = 5                    # the tap is closed after this long without a pulse

    [[source.gpio.mat]]           # a pressure mat under the armchair cushion
    pin = 27
    sensor = "chair-1"
    kind = "chair"
    debounce_s = 3                # shifting weight is not getting up
"""

import importlib.util
import logging
import threading
from collections.abc import Mapping
from typing import Annotated, Any, Literal

import msgspec

from carewatch.clock import Clock
from carewatch.errors import ConfigError
from carewatch.protocol import Kind, Reading
from carewatch.protocol.kinds import VALUE_RANGES
from gateway.config import IdStr, Section, parse_section
from gateway.sources.base import Sink, SourceContext

log = logging.getLogger(__name__)
_MIN_LITRES, _MAX_LITRES = VALUE_RANGES[Kind.TAP]


class FlowMeter:
    """Counts pulses of one tap use; the use ends after ``idle_s`` without a pulse.

    Examples
    --------
    >>> meter = FlowMeter("tap-kitchen", pulses_per_litre=450, idle_s=5)
    >>> for i in range(900):
    ...     meter.pulse(1_700_000_000 + i * 0.01)
    >>> meter.poll(1_700_000_010.0) is None  # still running
    True
    >>> use = meter.poll(1_700_000_014.0)
    >>> use.kind, round(use.ts, 2), use.value
    (<Kind.TAP: 'tap'>, 1700000008.99, 2.0)
    >>> meter.poll(1_700_000_020.0) is None
    True
    """

    def __init__(self, sensor: str, *, pulses_per_litre: float, idle_s: float) -> None:
        self.sensor = sensor
        self._per_litre = pulses_per_litre
        self._idle = idle_s
        self._pulses = 0
        self._last: float | None = None

    def pulse(self, ts: float) -> None:
        """One pulse from the meter at ``ts``."""
        self._pulses += 1
        self._last = ts

    def poll(self, now: float) -> Reading | None:
        """The finished use as a ``tap`` reading (stamped at the last pulse), if any."""
        if self._last is None or now - self._last < self._idle:
            return None
        litres, ts = self._pulses / self._per_litre, self._last
        self._pulses, self._last = 0, None
        if litres < _MIN_LITRES:
            log.debug("%s: %.3f l is a drip, not a use", self.sensor, litres)
            return None
        return Reading(self.sensor, Kind.TAP, ts, round(min(litres, _MAX_LITRES), 3))


class PressureMat:
    """Debounces a pressure mat: a level counts once stable for ``debounce_s``.

    Examples
    --------
    >>> mat = PressureMat("chair-1", Kind.CHAIR, debounce_s=3)
    >>> mat.edge(True, 100.0); mat.edge(False, 101.0); mat.edge(True, 101.5)
    >>> mat.poll(103.0) is None  # pressed again only 1.5 s ago
    True
    >>> mat.poll(104.5).value
    1.0
    """

    def __init__(self, sensor: str, kind: Kind, *, debounce_s: float) -> None:
        self.sensor = sensor
        self._kind = kind
        self._debounce = debounce_s
        self._level: bool | None = None
        self._since = 0.0
        self._reported: bool | None = None

    def edge(self, level: bool, ts: float) -> None:
        """The input changed to ``level`` (True = weight on the mat) at ``ts``."""
        if level != self._level:
            self._level, self._since = level, ts

    def poll(self, now: float) -> Reading | None:
        """A ``1``/``0`` reading when the stable level differs from the last one reported."""
        level = self._level
        if level is None or level == self._reported or now - self._since < self._debounce:
            return None
        self._reported = level
        # Stamped when the change began: the moment the person sat down or got up.
        return Reading(self.sensor, self._kind, self._since, float(level))


class FlowPin(Section):
    """``[[source.gpio.flow]]``."""

    pin: Annotated[int, msgspec.Meta(ge=0, le=40)]
    sensor: IdStr
    pulses_per_litre: Annotated[float, msgspec.Meta(gt=0)] = 450.0
    idle_s: Annotated[float, msgspec.Meta(gt=0, le=600)] = 5.0


class MatPin(Section):
    """``[[source.gpio.mat]]``."""

    pin: Annotated[int, msgspec.Meta(ge=0, le=40)]
    sensor: IdStr
    kind: Literal["chair", "bed"]
    debounce_s: Annotated[float, msgspec.Meta(ge=0, le=600)] = 3.0
    active_low: bool = True  # mat closes the pin to ground, pulled up otherwise


class GpioOptions(Section):
    """``[source.gpio]``."""

    flow: list[FlowPin] = msgspec.field(default_factory=list)
    mat: list[MatPin] = msgspec.field(default_factory=list)
    poll_s: Annotated[float, msgspec.Meta(gt=0, le=10)] = 0.2


class GpioSource:
    """Wires gpiozero pin callbacks to the pure logic and polls it from a thread."""

    name = "gpio"

    def __init__(self, options: GpioOptions, clock: Clock) -> None:
        self._options = options
        self._clock = clock
        self._lock = threading.Lock()
        self._meters = [
            FlowMeter(f.sensor, pulses_per_litre=f.pulses_per_litre, idle_s=f.idle_s)
            for f in options.flow
        ]
        self._mats = [
            PressureMat(m.sensor, Kind(m.kind), debounce_s=m.debounce_s) for m in options.mat
        ]
        self._devices: list[Any] = []
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self, sink: Sink) -> None:
        """Open the pins and start polling."""
        from gpiozero import Button, DigitalInputDevice  # optional extra, Pi only

        for meter, flow in zip(self._meters, self._options.flow, strict=True):
            device = DigitalInputDevice(flow.pin, pull_up=True)
            device.when_activated = lambda m=meter: self._locked(m.pulse, self._clock())
            self._devices.append(device)
        for mat, pin in zip(self._mats, self._options.mat, strict=True):
            button = Button(pin.pin, pull_up=pin.active_low, bounce_time=None)
            button.when_pressed = lambda m=mat: self._locked(m.edge, True, self._clock())
            button.when_released = lambda m=mat: self._locked(m.edge, False, self._clock())
            mat.edge(bool(button.is_pressed), self._clock())
            self._devices.append(button)
        self._thread = threading.Thread(
            target=self._poll, args=(sink,), name=self.name, daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop polling and release the pins."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        for device in self._devices:
            device.close()

    def _locked(self, action: Any, *args: Any) -> None:
        with self._lock:
            action(*args)

    def _poll(self, sink: Sink) -> None:
        while not self._stop.wait(self._options.poll_s):
            with self._lock:
                now = self._clock()
                inputs: list[FlowMeter | PressureMat] = [*self._meters, *self._mats]
                readings = [r for d in inputs if (r := d.poll(now)) is not None]
            for reading in readings:
                sink.reading(reading)


def build(options: Mapping[str, Any], context: SourceContext) -> GpioSource:
    """Factory for ``[source.gpio]``; needs ``pip install carewatch[gpio]`` on a Pi."""
    opts = parse_section(GpioOptions, options, context.file, "source.gpio")
    if not opts.flow and not opts.mat:
        raise ConfigError(f"{context.file}: [source.gpio]: configure at least one flow or mat")
    if importlib.util.find_spec("gpiozero") is None:
        raise ConfigError(
            f"{context.file}: [source.gpio]: needs gpiozero: pip install 'carewatch[gpio]'"
        )
    return GpioSource(opts, context.clock)
