"""What the broker tells ingest about each gateway: ``statuses.jsonl`` beside the readings.

A gateway's MQTT will says ``offline`` when its connection is lost: the broker notices
after 1.5 keep-alive intervals without a packet (the gateway's keep-alive is 60 s), so
the will arrives 90 s into an outage; ``online`` arrives when it reconnects. The detectors
rely on it in production (a silent home is not a gateway down unless the gateway says
so), so a replay of a simulation must see it too.

Examples
--------
>>> from carewatch.records import LabelRecord
>>> outage = LabelRecord("home-001", "gateway_offline", 1000.0, 8200.0, subject="gateway")
>>> statuses = gateway_statuses([outage], {"home-001": "gw-001"}, {"home-001": 10.0})
>>> [(s.state, s.ts) for s in statuses]
[('online', 10.0), ('offline', 1090.0), ('online', 8200.0)]
"""

from collections.abc import Iterable, Mapping

from carewatch.records import LabelRecord, StatusRecord

WILL_AFTER = 90.0  # seconds: 1.5 x the gateway's 60 s MQTT keep-alive


def gateway_statuses(
    labels: Iterable[LabelRecord], gateways: Mapping[str, str], connected: Mapping[str, float]
) -> list[StatusRecord]:
    """Each gateway's ``online`` when it first ``connected``, then the status messages each
    ``gateway_offline`` label implies, in time order."""
    out = [StatusRecord(home, gateways[home], "online", ts) for home, ts in connected.items()]
    for label in labels:
        if label.kind != "gateway_offline" or label.end - label.start <= WILL_AFTER:
            continue
        gateway = gateways[label.home]
        out.append(StatusRecord(label.home, gateway, "offline", label.start + WILL_AFTER))
        out.append(StatusRecord(label.home, gateway, "online", label.end))
    return sorted(out, key=lambda status: (status.ts, status.home))
