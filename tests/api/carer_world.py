"""A month in Rose's home for the carer pages, with a housemate whose data must never show.

Rose (r-1) shares home h-1 with Cyril (r-3), whom carer-a is not granted; Dora (r-4,
home h-3) is carer-a's too and has had a quiet month. Cyril's figures are made
unmistakable (9.87 litres, 133 bpm, in bed 03:00-11:00) so a leak is easy to see.
"""

from datetime import UTC, datetime, timedelta
from datetime import time as dtime
from zoneinfo import ZoneInfo

from carewatch.protocol import DailySummary, Kind, NightEpisode, encode, summaries_topic
from carewatch.records import ReadingRecord
from tests.api.conftest import NOW, World, alert_for

DAY = 86_400.0
CYRIL_MARKS = ("Cyril", "9.87", "133", "03:00")


def populate(world: World) -> dict[str, int]:
    """Residents, sensors, 30 days of summaries and bed readings, and alerts; their ids."""
    admin = world.auth("admin")
    client = world.client
    assert (
        client.put(
            "/api/v1/homes/h-3",
            json={"id": "h-3", "label": "Dora's flat", "tz": "Europe/London"},
            headers=admin,
        ).status_code
        == 200
    )
    for rid, home, name in (("r-3", "h-1", "Cyril Cole"), ("r-4", "h-3", "Dora Dale")):
        body = {"id": rid, "home_id": home, "display_name": name}
        assert client.post("/api/v1/residents", json=body, headers=admin).status_code == 201
    grant = {"user_id": world.user_ids["carer-a"], "resident_id": "r-4"}
    assert client.post("/api/v1/grants", json=grant, headers=admin).status_code == 201
    for sensor, kind, owner in (
        ("bed-1", "bed", "r-1"),
        ("bed-cyril", "bed", "r-3"),
        ("tap-kitchen", "tap", None),
        ("wc-1", "toilet", None),
    ):
        body = {"kind": kind, "resident_id": owner}
        r = client.put(f"/api/v1/homes/h-1/sensors/{sensor}", json=body, headers=admin)
        assert r.status_code == 200, r.text
    _summaries(world)
    _beds(world)
    return _alerts(world)


def _summaries(world: World) -> None:
    ingest = world.app.state.services.ingestor
    today = datetime.fromtimestamp(NOW, UTC).date()
    for back in range(30, 0, -1):
        date = (today - timedelta(days=back)).isoformat()
        latest = back == 1
        rose = DailySummary(
            home="h-1",
            date=date,
            tap_litres=0.6 if latest else 1.4 + (back % 3) * 0.1,
            tap_uses=4 if latest else 8 + back % 2,
            toilet_day=5 + back % 2,
            toilet_night=2 if latest else back % 2,
            chair_minutes=310.0 + (back % 5) * 10,
            night_episodes=[NightEpisode(start=NOW - 30_000, end=NOW - 29_000)]
            * (2 if latest else 0),
            resting_hr=68.0 + (back % 4),
            resident="r-1",
        )
        cyril = DailySummary(
            home="h-1",
            date=date,
            tap_litres=9.87,
            tap_uses=33,
            toilet_day=19,
            toilet_night=7,
            chair_minutes=900.0,
            resting_hr=133.0,
            resident="r-3",
        )
        dora = DailySummary(
            home="h-3",
            date=date,
            tap_litres=1.2,
            tap_uses=7,
            toilet_day=5,
            toilet_night=1,
            chair_minutes=200.0,
            resident="r-4",
        )
        for summary in (rose, cyril, dora):
            assert ingest.handle(summaries_topic(summary.home), encode(summary)) == "stored"


def _beds(world: World) -> None:
    """Rose in bed 22:30-07:00 each night (a trip at 02:00); Cyril 03:00-11:00."""
    london = ZoneInfo("Europe/London")
    today = datetime.fromtimestamp(NOW, london).date()
    readings = []
    for back in range(31, -1, -1):  # local midnights: the clocks went back on 26 October
        night = datetime.combine(today - timedelta(days=back), dtime(0), london).timestamp()
        for sensor, marks in (
            ("bed-1", ((-1.5, 1), (2.0, 0), (2.2, 1), (7.0, 0))),
            ("bed-cyril", ((3.0, 1), (11.0, 0))),
        ):
            readings += [
                ReadingRecord(
                    home="h-1", sensor=sensor, kind=Kind.BED, ts=night + h * 3600, value=v
                )
                for h, v in marks
                if night + h * 3600 < NOW
            ]
    world.store.write(readings)


def _alerts(world: World) -> dict[str, int]:
    ids = {
        "stress": world.ingest(
            alert_for(
                "h-1",
                "r-1",
                kind="stress",
                severity="high",
                detected_at=NOW - 3 * 3600,
                start=NOW - 4 * 3600,
                explanation="Heart rate raised while resting: 104 bpm.",
                evidence={"heart_rate": 104.0, "resting_usual": 70.0, "resting_sd": 4.1},
            )
        ),
        "dry": world.ingest(
            alert_for(
                "h-1",
                "r-1",
                severity="medium",
                detected_at=NOW - 3600,
                start=NOW - 7200,
                explanation="Less water drawn from the tap than usual since yesterday.",
                evidence={
                    "tap_litres": 0.8,
                    "tap_litres_usual": 2.4,
                    "index": 0.33,
                    "shortfall_sd": 2.82,
                },
            )
        ),
        "quiet": world.ingest(
            alert_for(
                "h-1",
                None,
                kind="inactivity",
                severity="high",
                detected_at=NOW - 1800,
                start=NOW - 5 * 3600,
                explanation="No movement at home since 04:46.",
            )
        ),
        "old": world.ingest(
            alert_for(
                "h-1",
                "r-1",
                kind="night_wandering",
                detected_at=NOW - 10 * DAY,
                start=NOW - 10 * DAY - 600,
                explanation="Up in the night: out of bed since 02:10.",
            )
        ),
        "done": world.ingest(
            alert_for(
                "h-1",
                "r-1",
                severity="low",
                detected_at=NOW - 5 * DAY,
                start=NOW - 5 * DAY - 60,
                explanation="Less water drawn from the tap than usual (five days ago).",
            )
        ),
        "cyril": world.ingest(
            alert_for(
                "h-1",
                "r-3",
                kind="stress",
                severity="high",
                detected_at=NOW - 7200,
                start=NOW - 9000,
                explanation="Cyril's heart rate raised: 133 bpm.",
            )
        ),
    }
    carer = world.auth("carer-a")
    done = f"/api/v1/alerts/{ids['done']}"
    for path, body in (
        ("acknowledge", {"note": "Rang her daughter"}),
        ("resolve", {"note": "Kettle was broken; replaced"}),
        ("feedback", {"useful": True, "note": "Spot on"}),
    ):
        r = world.client.post(f"{done}/{path}", json=body, headers=carer)
        assert r.status_code < 300, r.text
    return ids
