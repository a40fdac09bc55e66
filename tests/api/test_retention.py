"""The API database's retention: exactly what is due goes, on an injected clock."""

from pathlib import Path

import pytest
from sqlalchemy import select

from api.models import AlertRow, AlertState, AuditEntry, ConsentRecord, Delivery, SummaryRow
from api.retention import retention_job
from api.settings import ApiSettings
from carewatch.errors import ConfigError
from carewatch.settings import load_settings
from tests.api.conftest import NOW, SECRET, World, alert_for, make_settings

DAY = 86_400.0


def test_retention_deletes_exactly_what_is_due(world: World, tmp_path: Path) -> None:
    services = world.app.state.services
    with services.sessions.begin() as session:
        cases = ((40, "resolved"), (20, "resolved"), (40, "open"), (40, "acknowledged"))
        for i, (age, state) in enumerate(cases):
            detected = NOW - age * DAY
            alert = alert_for("h-1", "r-1", start=detected - 3600 - i, detected_at=detected)
            row = AlertRow(
                home_id=alert.home, resident_id="r-1", resident_key="r-1", kind=alert.kind,
                severity=alert.severity, detected_at=alert.detected_at, start=alert.start,
                explanation="x", evidence={}, state=state, received_at=alert.detected_at,
                resolved_at=alert.detected_at if state == AlertState.RESOLVED else None,
            )  # fmt: skip
            session.add(row)
            session.flush()
            session.add(Delivery(alert_id=row.id, user_id=1, step=0, attempt=1, ok=True, at=NOW))
        for age in (100, 89):
            session.add(AuditEntry(at=NOW - age * DAY, action="read", what="resident"))
        for date in ("2025-08-15", "2025-08-16", "2025-08-17"):
            session.add(SummaryRow(home_id="h-1", resident_key="", date=date, data={}))
        consents = session.query(ConsentRecord).count()
        audit_before = session.query(AuditEntry).count()
    settings = make_settings(
        tmp_path, retention_alerts="30d", retention_audit="90d", retention_summaries="90d"
    )
    job = retention_job(settings, services.sessions, world.clock)
    assert job is not None

    deleted = job.run_due()

    # 90 days before NOW (2025-11-15 09:46 UTC) is 2025-08-17 09:46: the 15th is over in
    # every time zone, the 16th not yet in UTC-12
    assert deleted == {"alerts": 1, "audit": 1, "summaries": 1}
    with services.sessions() as session:
        alerts = session.scalars(select(AlertRow).where(AlertRow.home_id == "h-1")).all()
        ages = sorted((round((NOW - a.detected_at) / DAY), a.state) for a in alerts)
        assert (20, "resolved") in ages and (40, "open") in ages and (40, "acknowledged") in ages
        assert (40, "resolved") not in ages
        assert session.query(Delivery).count() == 3
        assert session.query(AuditEntry).count() == audit_before - 1
        dates = sorted(session.scalars(select(SummaryRow.date).where(SummaryRow.home_id == "h-1")))
        assert dates[:2] == ["2025-08-16", "2025-08-17"]
        assert session.query(ConsentRecord).count() == consents  # the evidence is kept
    assert job.run_due() is None  # not due again within the hour
    world.clock.advance(3600)
    assert job.run_due() == {"alerts": 0, "audit": 0, "summaries": 0}


def test_no_retention_set_keeps_everything(tmp_path: Path, world: World) -> None:
    assert (
        retention_job(make_settings(tmp_path), world.app.state.services.sessions, world.clock)
        is None
    )


@pytest.mark.parametrize("name", ["retention_alerts", "retention_audit", "retention_summaries"])
def test_a_bad_retention_refuses_to_start_naming_the_setting(name: str) -> None:
    with pytest.raises(ConfigError, match=f"CAREWATCH_API_{name.upper()}"):
        load_settings(ApiSettings, jwt_secret=SECRET, **{name: "a year"})
