"""The carer's list puts whoever needs attention most at the top, newest first within a
severity, and every alert has a proper title and a time people read."""

from api.alert_words import state_words, title, who
from api.caseload import by_urgency, caseload
from api.models import AlertRow, Resident
from api.when import ago, full

DAY = 86_400.0


def resident(rid: str, name: str) -> Resident:
    return Resident(id=rid, home_id=f"h-{rid}", display_name=name, consent={})


def alert(
    rid: str | None, severity: str, state: str, detected_at: float, home: str = ""
) -> AlertRow:
    return AlertRow(
        resident_id=rid,
        home_id=home or f"h-{rid}",
        severity=severity,
        state=state,
        detected_at=detected_at,
        kind="stress",
    )


def test_worst_open_severity_then_the_newest() -> None:
    people = [
        resident(r, n)
        for r, n in [("a", "Ann"), ("b", "Bob"), ("c", "Cat"), ("d", "Dan"), ("e", "Eve")]
    ]
    active = [
        alert("a", "low", "open", 100),
        alert("b", "high", "open", 300),  # as bad as Cat, and newer: nobody has seen it yet
        alert("c", "high", "open", 200),
        alert("d", "high", "acknowledged", 50),  # in hand: below anyone with an open alert
        alert(None, "medium", "open", 400, home="h-e"),  # home-level alert in Eve's home
    ]
    rows = caseload(people, active)
    assert [r.resident.display_name for r in rows] == ["Bob", "Cat", "Eve", "Ann", "Dan"]
    assert (rows[-1].open, rows[-1].acknowledged) == (0, 1)


def test_alerts_open_first_then_severity_then_newest_first() -> None:
    alerts = [
        alert("a", "medium", "open", 100),
        alert("a", "high", "acknowledged", 500),
        alert("a", "high", "open", 200),
        alert("a", "medium", "open", 300),
        alert("a", "high", "open", 400),
    ]
    order = [(a.state, a.severity, a.detected_at) for a in by_urgency(alerts)]
    assert order == [
        ("open", "high", 400),
        ("open", "high", 200),
        ("open", "medium", 300),
        ("open", "medium", 100),
        ("acknowledged", "high", 500),
    ]


def test_relative_times_with_the_full_date_and_year() -> None:
    now = 1_763_200_000.0  # Sat 15 Nov 2025, 09:46 in London
    assert ago(now - 3 * 3600 - 120, now) == "3 hours ago"
    assert ago(now - 45 * 60, now) == "45 minutes ago"
    assert ago(now - 1.5 * DAY, now) == "yesterday"
    assert ago(now - 10 * DAY, now) == "10 days ago"
    assert ago(now - 20 * DAY, now) == "2 weeks ago"
    assert ago(now - 400 * DAY, now) == "1 year ago"
    assert ago(now - 3 * DAY, now) == "3 days ago"
    assert full(now - 3 * 3600, "Europe/London") == "Sat 15 Nov 2025, 06:46"
    assert full(now, "America/New_York") == "Sat 15 Nov 2025, 04:46"


def test_home_level_alerts_are_titled_by_who_lives_there() -> None:
    assert title("inactivity", who(None, ["Stanley Moore"], "Stanley Moore's home")) == (
        "Stanley Moore: no movement at home"
    )
    shared = title("sensor_health", who(None, ["Rose Able", "Cyril Cole"], "H-1"))
    assert shared == "Rose Able and Cyril Cole (the home): a sensor or the gateway needs checking"
    assert not title("inactivity", who(None, [], "H-1")).startswith("Home ")


def test_a_state_says_how_old_it_is_once_it_is_not_fresh() -> None:
    now = 1_763_200_000.0
    fresh = alert("a", "high", "open", now - 3600)
    stale = alert("a", "high", "open", now - 10 * DAY)
    assert state_words(fresh, now) == "New: no one has picked this up yet"
    assert state_words(stale, now) == "No carer has recorded seeing this (raised 10 days ago)"
    held = alert("a", "high", "acknowledged", now - 10 * DAY)
    held.acknowledged_at = now - 9 * DAY
    assert state_words(held, now) == (
        "A carer picked this up 9 days ago; not yet marked as dealt with"
    )
