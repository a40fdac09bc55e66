"""The carer's list puts whoever needs attention most at the top."""

from api.models import AlertRow, Resident
from api.pages import caseload


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


def test_worst_open_severity_then_count_then_longest_waiting() -> None:
    people = [
        resident(r, n)
        for r, n in [("a", "Ann"), ("b", "Bob"), ("c", "Cat"), ("d", "Dan"), ("e", "Eve")]
    ]
    active = [
        alert("a", "low", "open", 100),
        alert("b", "high", "open", 300),
        alert("c", "high", "open", 200),  # as bad as Bob, but waiting longer
        alert("d", "high", "acknowledged", 50),  # in hand: below anyone with an open alert
        alert(None, "medium", "open", 400, home="h-e"),  # home-level alert in Eve's home
    ]
    rows = caseload(people, active)
    assert [r.resident.display_name for r in rows] == ["Cat", "Bob", "Eve", "Ann", "Dan"]
    assert (rows[-1].open, rows[-1].acknowledged) == (0, 1)
