"""The gateway's retained status message: health at a glance for the server and carers."""

from dataclasses import dataclass

from carewatch import __version__
from carewatch.protocol import GatewayStatus


@dataclass(frozen=True)
class Health:
    """The figures a status reports, gathered from the outbox and the runtime."""

    uptime_s: float
    outbox_depth: int
    oldest_unsent_ts: float | None
    next_seq: int
    sensors_last_seen: dict[str, float]
    battery: dict[str, float]


def online_status(gateway: str, tz: str, now: float, health: Health) -> GatewayStatus:
    """The periodic ``online`` status.

    >>> health = Health(12.0, 3, 1_700_000_000.0, 8, {"hr-1": 1_700_000_050.0}, {"door-1": 87})
    >>> online_status("gw-1", "Europe/London", 1_700_000_060.0, health).outbox_depth
    3
    """
    return GatewayStatus(
        gateway=gateway,
        state="online",
        ts=now,
        version=__version__,
        uptime_s=health.uptime_s,
        outbox_depth=health.outbox_depth,
        oldest_unsent_ts=health.oldest_unsent_ts,
        next_seq=health.next_seq,
        tz=tz,
        sensors_last_seen=health.sensors_last_seen,
        battery={sensor: min(100.0, max(0.0, level)) for sensor, level in health.battery.items()},
    )


def offline_status(gateway: str) -> GatewayStatus:
    """The will (and the last word of a clean shutdown).

    >>> from carewatch.protocol import encode
    >>> encode(offline_status("gw-1"))
    b'{"gateway":"gw-1","state":"offline"}'
    """
    return GatewayStatus(gateway=gateway, state="offline")
