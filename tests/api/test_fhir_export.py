"""FHIR export: the bundle parses back with fhir.resources (R4B), says what the API's own
summaries and alerts say, names nobody unless asked, and follows the API's grants."""

from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle
from typer.testing import CliRunner

from api.fhir import codes
from carewatch.cli import build
from carewatch.protocol import DailySummary, encode, summaries_topic
from tests.api.conftest import NOW, PASSWORD, World, alert_for
from tests.api.served import serve

DAY = 86_400.0
FIELDS = [figure.field for figure in codes.FIGURES]


def add_days(world: World, resident: str = "r-1", home: str = "h-1") -> None:
    """Three days of summaries for ``resident``, each different."""
    for back in (3, 2, 1):
        summary = DailySummary(
            home=home,
            date=f"2025-11-{15 - back:02d}",
            tap_litres=1.0 + back / 10,
            tap_uses=5 + back,
            toilet_day=4,
            toilet_night=back,
            chair_minutes=200.0 + back,
            resting_hr=60.0 + back,
            resident=resident,
        )
        assert world.app.state.services.ingestor.handle(summaries_topic(home), encode(summary))


def add_alerts(world: World) -> None:
    """A home-level alert (resolved), an old one (outside 28 days); Rose's is acknowledged."""
    home_alert = world.ingest(alert_for("h-1", None, kind="sensor_health", severity="low"))
    world.ingest(alert_for("h-1", "r-1", detected_at=NOW - 40 * DAY, start=NOW - 40 * DAY))
    for alert, action, who in (
        (world.alert_ids["a"], "acknowledge", "carer-a"),
        (home_alert, "resolve", "admin"),
    ):
        r = world.client.post(
            f"/api/v1/alerts/{alert}/{action}", json={"note": "x"}, headers=world.auth(who)
        )
        assert r.status_code == 200, r.text


def export(world: World, who: str, resident: str = "r-1", **params: Any) -> Bundle:
    r = world.client.get(
        f"/api/v1/residents/{resident}/fhir", params=params, headers=world.auth(who)
    )
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/fhir+json"
    return Bundle.model_validate_json(r.text)


def resources(bundle: Bundle, kind: str) -> list[Any]:
    return [e.resource for e in bundle.entry or [] if e.resource.get_resource_type() == kind]


def coded(resource: Any, system: str) -> set[str]:
    return {c.code for c in resource.code.coding if c.system == system}


@pytest.mark.parametrize("who", ["family-a", "carer-a", "admin"])
def test_the_bundle_says_what_the_api_says(world: World, who: str) -> None:
    add_days(world)
    add_alerts(world)
    bundle = export(world, who)
    assert bundle.type == "collection"
    [patient] = resources(bundle, "Patient")
    assert [(i.system, i.value) for i in patient.identifier] == [(codes.RESIDENT_SYSTEM, "r-1")]
    patient_url = f"urn:uuid:{patient.id}"
    assert all(e.fullUrl == f"urn:uuid:{e.resource.id}" for e in bundle.entry or [])

    summaries = world.client.get("/api/v1/residents/r-1/summaries", headers=world.auth(who))
    expected = {(s["date"], f): s[f] for s in summaries.json() for f in FIELDS}
    found = {}
    for observation in resources(bundle, "Observation"):
        assert observation.subject.reference == patient_url
        date = observation.effectivePeriod.start.date().isoformat()
        [field] = [f.field for f in codes.FIGURES if f.display == observation.code.text]
        found[(date, field)] = float(observation.valueQuantity.value)
        if field == "resting_hr":
            assert coded(observation, codes.LOINC) == {"8867-4", "40443-4"}
            assert observation.valueQuantity.code == "/min"
        else:
            assert coded(observation, codes.SUMMARY_SYSTEM) == {field.replace("_", "-")}
    assert found == pytest.approx(expected) and len(found) == 3 * len(FIELDS)

    listed = world.client.get("/api/v1/alerts", headers=world.auth(who)).json()
    about_rose = {
        a["id"]: a
        for a in listed
        if (a["resident_id"] == "r-1" or (a["resident_id"] is None and a["home_id"] == "h-1"))
        and a["detected_at"] >= NOW - 28 * DAY
    }
    issues = {int(i.identifier[0].value): i for i in resources(bundle, "DetectedIssue")}
    assert set(issues) == set(about_rose) and len(issues) == 2
    for alert_id, issue in issues.items():
        alert = about_rose[alert_id]
        assert issue.patient.reference == patient_url
        assert coded(issue, codes.ALERT_SYSTEM) == {alert["kind"]}
        assert issue.detail == alert["explanation"]
        assert issue.severity == codes.DETECTED_ISSUE_SEVERITY[alert["severity"]]
        assert issue.identifiedDateTime.timestamp() == pytest.approx(alert["detected_at"])
        steps = [m.action.text for m in issue.mitigation or []]
        assert ("Resolved" in steps) == (alert["state"] == "resolved")
        assert (len(steps) > 0) == (alert["state"] != "open")
    flags = resources(bundle, "Flag")
    active = {i for i, a in about_rose.items() if a["state"] != "resolved"}
    assert {f.extension[0].valueReference.reference for f in flags} == {
        f"urn:uuid:{issues[i].id}" for i in active
    }
    assert all(f.status == "active" and f.subject.reference == patient_url for f in flags)


def test_no_name_unless_asked_and_the_export_is_audited(world: World) -> None:
    plain = world.client.get("/api/v1/residents/r-1/fhir", headers=world.auth("family-a"))
    assert "Rose" not in plain.text and "Able" not in plain.text
    named = export(world, "family-a", include_name=True)
    [patient] = resources(named, "Patient")
    assert patient.name[0].text == "Rose Able"
    audit = world.client.get(
        "/api/v1/audit", params={"resident_id": "r-1"}, headers=world.auth("admin")
    ).json()
    exports = [a for a in audit if a["action"] == "export" and a["what"] == "fhir"]
    assert [e["detail"].endswith("with name") for e in exports] == [True, False]  # newest first


def test_others_and_the_missing_get_the_same_404(world: World) -> None:
    for resident in ("r-2", "r-404"):
        r = world.client.get(f"/api/v1/residents/{resident}/fhir", headers=world.auth("family-a"))
        assert (r.status_code, r.json()) == (404, {"detail": "not found"})
    assert world.client.get("/api/v1/residents/r-1/fhir").status_code == 401
    bad = world.client.get("/api/v1/residents/r-1/fhir?days=0", headers=world.auth("admin"))
    assert bad.status_code == 422


def test_withheld_heart_rate_is_not_exported(world: World) -> None:
    add_days(world)
    r = world.client.patch(
        "/api/v1/residents/r-1",
        json={"consent": {"heart_rate": False}},
        headers=world.auth("admin"),
    )
    assert r.status_code == 200, r.text
    bundle = export(world, "family-a")
    observations = resources(bundle, "Observation")
    assert len(observations) == 3 * (len(FIELDS) - 1)
    assert not any(coded(o, codes.LOINC) for o in observations)


def test_the_days_span_limits_summaries_and_alerts(world: World) -> None:
    add_days(world)
    add_alerts(world)
    short = export(world, "admin", days=1)
    dates = {o.effectivePeriod.start.date().isoformat() for o in resources(short, "Observation")}
    assert dates == {"2025-11-14"}
    wide = export(world, "admin", days=60)
    assert len(resources(wide, "DetectedIssue")) == 3


def test_the_command_exports_through_a_served_api(
    tmp_path: Path, world_template: tuple[Path, World], monkeypatch: pytest.MonkeyPatch
) -> None:
    password = tmp_path / "password"
    password.write_text(PASSWORD + "\n")
    runner = CliRunner()
    with serve(tmp_path, world_template) as (world, url):
        add_days(world)
        out = tmp_path / "rose.json"
        common = ["export", "fhir", "--api", url, "--resident", "r-1"]
        args = [*common, "--username", "family-a", "--password-file", str(password)]
        result = runner.invoke(build(["export"]), [*args, "--out", str(out)])
        assert result.exit_code == 0, result.output
        served = Bundle.model_validate_json(out.read_text())
        direct = export(world, "family-a")
        assert served.model_dump(exclude={"timestamp"}) == direct.model_dump(exclude={"timestamp"})

        monkeypatch.setenv("CAREWATCH_EXPORT_PASSWORD", PASSWORD)
        theirs = runner.invoke(build(["export"]), [*common[:-1], "r-2", "--username", "family-a"])
        assert theirs.exit_code != 0 and "not found, or not granted" in str(theirs.exception)
        nowhere = runner.invoke(
            build(["export"]), [*args, "--out", str(tmp_path / "no-such-dir" / "x.json")]
        )
        assert "no-such-dir does not exist" in str(nowhere.exception)
        monkeypatch.setenv("CAREWATCH_EXPORT_PASSWORD", "wrong password")
        refused = runner.invoke(build(["export"]), [*common, "--username", "family-a"])
        assert "logging in as 'family-a': refused" in str(refused.exception)
