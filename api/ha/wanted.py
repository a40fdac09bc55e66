"""What the broker should hold for the residents the bridge's API user may see.

Read from the API only (the bridge is one more consumer of it): the residents, their
open and acknowledged alerts, and each one's latest daily summary. The answer maps each
retained topic to its payload; the resident's name is read but never used.
"""

import json
from typing import Any

from api.client import ApiClient
from api.ha.discovery import SENSORS, Topics, alerts_config, alerts_state, sensor_config
from carewatch.errors import BadData

ALERTS_LIMIT = 1000  # the API's largest page; more active alerts than this are not counted


def concerns(alert: dict[str, Any], resident: dict[str, Any]) -> bool:
    """Whether the alert is about the resident (a home-level alert is about all who live there).

    >>> concerns({"resident_id": None, "home_id": "h-1"}, {"id": "r-1", "home_id": "h-1"})
    True
    """
    if alert["resident_id"] is None:
        return bool(alert["home_id"] == resident["home_id"])
    return bool(alert["resident_id"] == resident["id"])


def wanted(
    api: ApiClient, discovery_prefix: str, state_prefix: str, labels: dict[str, str]
) -> dict[str, str]:
    """Retained topic -> payload, configs first, for every resident the API user may see."""
    residents = api.get_json("/api/v1/residents")
    active = {
        state: api.get_json("/api/v1/alerts", state=state, limit=ALERTS_LIMIT)
        for state in ("open", "acknowledged")
    }
    topics: dict[str, str] = {}
    for resident in residents:
        where = Topics(discovery_prefix, state_prefix, resident["id"])
        label = labels.get(resident["id"], resident["id"])
        topics.update([alerts_config(where, label)])
        open_kinds = [a["kind"] for a in active["open"] if concerns(a, resident)]
        acknowledged = sum(concerns(a, resident) for a in active["acknowledged"])
        topics[where.alerts] = alerts_state(open_kinds, acknowledged)
        latest = _latest_summary(api, resident["id"])
        if latest is not None:
            shown = [s for s in SENSORS if latest.get(s.field) is not None]
            topics.update(sensor_config(where, label, sensor) for sensor in shown)
            topics[where.summary] = json.dumps({k: v for k, v in latest.items() if v is not None})
    return topics


def _latest_summary(api: ApiClient, resident: str) -> dict[str, Any] | None:
    try:
        days = api.get_json(f"/api/v1/residents/{resident}/summaries", days=1)
    except BadData:  # removed or no longer granted since the list was read
        return None
    return dict(days[-1]) if days else None
