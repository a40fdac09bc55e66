"""Retention per kind in both real stores, run by the job on an injected clock."""

import pytest

from carewatch.clock import ManualClock
from carewatch.errors import ConfigError
from carewatch.protocol import Kind
from carewatch.records import ReadingRecord
from carewatch.retention import ReadingsSweep, RetentionJob
from carewatch.settings import load_settings
from carewatch.store import Store
from ingest.settings import IngestSettings

DAY = 86_400.0
NOW = 1_767_571_200.0  # 2026-01-05


def reading(kind: Kind, age_days: float, sensor: str = "s-1", home: str = "h-1") -> ReadingRecord:
    value = 60.0 if kind == Kind.HEART_RATE else 1.0
    return ReadingRecord(home, f"{kind.value}-{sensor}", kind, NOW - age_days * DAY, value)


def everything(store: Store) -> set[ReadingRecord]:
    return {
        r
        for home in ("h-1", "h-2")
        for kind in Kind
        for r in store.query(home, kind, NOW - 400 * DAY, NOW + DAY)
    }


def test_retention_deletes_exactly_what_is_due_per_kind(store: Store) -> None:
    ages = (0.5, 6.9, 7.1, 29.0, 31.0, 89.0, 91.0)
    kept_days = {Kind.HEART_RATE: 7.0, Kind.MOTION: 30.0}  # the rest: 90 days
    written = [
        reading(kind, age, sensor, home)
        for kind in (Kind.HEART_RATE, Kind.MOTION, Kind.TAP)
        for age in ages
        for sensor, home in (("a", "h-1"), ("b", "h-2"))
    ]
    store.write(written)
    clock = ManualClock(NOW)
    by_kind = {kind: days * DAY for kind, days in kept_days.items()}
    job = RetentionJob([ReadingsSweep(store, 90 * DAY, by_kind)], every_s=3600.0, clock=clock)

    deleted = job.run_due()

    due = {r for r in written if NOW - r.ts > kept_days.get(r.kind, 90.0) * DAY}
    assert everything(store) == set(written) - due
    assert deleted is not None
    assert deleted["readings.heart_rate"] == 5 * 2  # 7.1, 29, 31, 89 and 91 days, two homes
    assert sum(deleted.values()) == len(due)
    assert job.run_due() is None  # not due again before an hour of the clock
    clock.advance(3600.0)
    assert job.run_due() == dict.fromkeys(deleted, 0)  # nothing more is due yet


def test_a_kind_without_retention_is_kept_for_ever(store: Store) -> None:
    old = [reading(Kind.BED, 1000.0), reading(Kind.HEART_RATE, 1000.0)]
    store.write(old)
    ReadingsSweep(store, None, {Kind.HEART_RATE: DAY}).sweep(NOW)
    assert store.query("h-1", Kind.BED, 0, NOW) == [old[0]]
    assert store.query("h-1", Kind.HEART_RATE, 0, NOW) == []


def test_sensors_of_a_pruned_kind_are_no_longer_listed_the_others_are(store: Store) -> None:
    store.write([reading(Kind.HEART_RATE, 10.0), reading(Kind.BED, 10.0)])
    store.delete_before(NOW - DAY, Kind.HEART_RATE)
    assert [s.kind for s in store.sensors("h-1")] == [Kind.BED]


@pytest.mark.parametrize(
    ("setting", "value", "named"),
    [
        ("retention_readings", "a month", "CAREWATCH_INGEST_RETENTION_READINGS"),
        ("retention_readings", "-5", "CAREWATCH_INGEST_RETENTION_READINGS"),
        ("retention_readings_by_kind", {"toothbrush": "3d"}, "RETENTION_READINGS_BY_KIND"),
        ("retention_readings_by_kind", {"tap": "3 days"}, "RETENTION_READINGS_BY_KIND"),
        ("retention_every", "0s", "CAREWATCH_INGEST_RETENTION_EVERY"),
    ],
)
def test_a_bad_retention_setting_refuses_to_start_naming_it(
    setting: str, value: object, named: str
) -> None:
    with pytest.raises(ConfigError, match=named):
        load_settings(IngestSettings, **{setting: value})


def test_retention_settings_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CAREWATCH_INGEST_RETENTION_READINGS", "400d")
    monkeypatch.setenv("CAREWATCH_INGEST_RETENTION_READINGS_BY_KIND", '{"heart_rate": "30d"}')
    settings = load_settings(IngestSettings)
    assert settings.retention_readings == 400 * DAY
    assert settings.retention_readings_by_kind == {Kind.HEART_RATE: 30 * DAY}
