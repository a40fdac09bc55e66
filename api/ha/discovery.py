"""What Home Assistant's MQTT discovery needs: retained configs and the states they point at.

For each resident: one ``binary_sensor`` (on while an alert is open, not yet acknowledged)
and one ``sensor`` per figure of their latest daily summary. Entities are grouped under a
device named by the admin's label, so no resident's name is ever published. Topics follow
``<discovery_prefix>/<component>/<node_id>/<object_id>/config`` with ids from
``[a-zA-Z0-9_-]``, as HA's discovery requires.
"""

import json
from dataclasses import dataclass
from typing import Any

from carewatch import __version__


@dataclass(frozen=True)
class Sensor:
    """One summary figure as an HA sensor."""

    field: str
    name: str
    unit: str | None
    device_class: str | None = None
    icon: str | None = None


SENSORS = (
    Sensor("tap_litres", "Tap water used", "L", icon="mdi:water"),
    Sensor("tap_uses", "Tap uses", None, icon="mdi:faucet"),
    Sensor("toilet_day", "Toilet visits by day", None, icon="mdi:toilet"),
    Sensor("toilet_night", "Toilet visits at night", None, icon="mdi:toilet"),
    Sensor("chair_minutes", "Time in the chair", "min", device_class="duration"),
    Sensor("night_episodes", "Spells out of bed at night", None, icon="mdi:bed"),
    Sensor("resting_hr", "Resting heart rate", "bpm", icon="mdi:heart-pulse"),
)


@dataclass(frozen=True)
class Topics:
    """The bridge's topics for one resident."""

    discovery_prefix: str
    state_prefix: str
    resident: str

    @property
    def node(self) -> str:
        """The discovery node id, also the HA device identifier."""
        return f"carewatch_{self.resident}"

    @property
    def availability(self) -> str:
        """``online`` while the bridge reads the API, ``offline`` otherwise (also its will)."""
        return f"{self.state_prefix}/bridge/availability"

    @property
    def alerts(self) -> str:
        """The resident's alert state (JSON)."""
        return f"{self.state_prefix}/{self.resident}/alerts"

    @property
    def summary(self) -> str:
        """The resident's latest daily summary (JSON)."""
        return f"{self.state_prefix}/{self.resident}/summary"

    def config(self, component: str, object_id: str) -> str:
        """The discovery topic of one entity."""
        return f"{self.discovery_prefix}/{component}/{self.node}/{object_id}/config"


def _common(topics: Topics, label: str, object_id: str, name: str) -> dict[str, Any]:
    return {
        "name": name,
        "unique_id": f"{topics.node}_{object_id}",
        "availability_topic": topics.availability,
        "device": {
            "identifiers": [topics.node],
            "name": label,
            "manufacturer": "CareWatch",
            "model": "Resident (pseudonymous)",
            "sw_version": __version__,
        },
        "origin": {"name": "CareWatch", "sw_version": __version__},
    }


def alerts_config(topics: Topics, label: str) -> tuple[str, str]:
    """The ``open alerts`` binary sensor's discovery topic and payload."""
    payload = _common(topics, label, "open_alerts", "Open alerts") | {
        "state_topic": topics.alerts,
        "value_template": "{{ value_json.state }}",
        "payload_on": "ON",
        "payload_off": "OFF",
        "device_class": "problem",
        "json_attributes_topic": topics.alerts,
    }
    return topics.config("binary_sensor", "open_alerts"), json.dumps(payload)


def sensor_config(topics: Topics, label: str, sensor: Sensor) -> tuple[str, str]:
    """One summary figure's discovery topic and payload."""
    payload = _common(topics, label, sensor.field, sensor.name) | {
        "state_topic": topics.summary,
        "value_template": f"{{{{ value_json.{sensor.field} }}}}",
        "state_class": "measurement",
        "json_attributes_topic": topics.summary,
        "json_attributes_template": '{{ {"date": value_json.date} | tojson }}',
    }
    extras = {
        "unit_of_measurement": sensor.unit,
        "device_class": sensor.device_class,
        "icon": sensor.icon,
    }
    payload.update({key: value for key, value in extras.items() if value is not None})
    return topics.config("sensor", sensor.field), json.dumps(payload)


def alerts_state(open_kinds: list[str], acknowledged: int) -> str:
    """The alert state: ``ON`` while any alert is open, with counts and the open kinds.

    >>> alerts_state(["dehydration"], 1)
    '{"state": "ON", "open": 1, "acknowledged": 1, "kinds": ["dehydration"]}'
    """
    state = "ON" if open_kinds else "OFF"
    body = {"state": state, "open": len(open_kinds), "acknowledged": acknowledged}
    return json.dumps(body | {"kinds": sorted(set(open_kinds))})
