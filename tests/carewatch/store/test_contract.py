"""The store contract, run against both backends (SQLite file, real influxd)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from carewatch.errors import BadData
from carewatch.protocol.kinds import Kind
from carewatch.records import ReadingRecord
from carewatch.store import Store, Window, WindowAggregate
from tests.carewatch.store.conftest import StoreFactory

T0 = 1_700_000_000.0  # 2023-11-14 22:13:20 UTC
LONDON = ZoneInfo("Europe/London")


def hr(ts: float, value: float = 60.0, home: str = "h-1", sensor: str = "hr-1") -> ReadingRecord:
    return ReadingRecord(home=home, sensor=sensor, kind=Kind.HEART_RATE, ts=ts, value=value)


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> float:
    return datetime(year, month, day, hour, minute, tzinfo=LONDON).timestamp()


def test_rewriting_a_reading_stores_it_once_with_the_last_value(store: Store) -> None:
    first = [hr(T0 + i, 60 + i) for i in range(5)]
    store.write(first)
    store.write([*first[2:], hr(T0 + 1, 99.0)])  # redelivery, and one corrected value

    got = store.query("h-1", Kind.HEART_RATE, T0, T0 + 10)

    assert [(r.ts, r.value) for r in got] == [
        (T0, 60.0),
        (T0 + 1, 99.0),
        (T0 + 2, 62.0),
        (T0 + 3, 63.0),
        (T0 + 4, 64.0),
    ]


def test_same_time_on_two_sensors_is_two_readings(store: Store) -> None:
    store.write([hr(T0, 60, sensor="hr-1"), hr(T0, 70, sensor="hr-2")])

    got = store.query("h-1", Kind.HEART_RATE, T0, T0 + 1)

    assert [(r.sensor, r.value) for r in got] == [("hr-1", 60.0), ("hr-2", 70.0)]


def test_query_is_one_home_one_kind_half_open_range_oldest_first(store: Store) -> None:
    tap = ReadingRecord(home="h-1", sensor="tap-1", kind=Kind.TAP, ts=T0 + 5, value=0.25)
    store.write([hr(T0 + 3), hr(T0 + 1), hr(T0 + 2, home="h-2"), hr(T0 + 10), hr(T0), tap])

    got = store.query("h-1", Kind.HEART_RATE, T0 + 1, T0 + 10)

    assert [r.ts for r in got] == [T0 + 1, T0 + 3]
    assert store.query("h-1", Kind.TAP, T0, T0 + 10) == [tap]
    assert store.query("h-3", Kind.HEART_RATE, T0, T0 + 10) == []


def test_timestamps_keep_millisecond_precision_and_resident(store: Store) -> None:
    reading = ReadingRecord(
        home="h-1", sensor="hr-1", kind=Kind.HEART_RATE, ts=T0 + 0.123, value=61.5, resident="r-7"
    )
    store.write([reading, hr(T0 + 0.124)])

    got = store.query("h-1", Kind.HEART_RATE, T0, T0 + 1)

    assert [round(r.ts * 1000) for r in got] == [round(T0 * 1000) + 123, round(T0 * 1000) + 124]
    assert (got[0].value, got[0].resident, got[1].resident) == (61.5, "r-7", None)


def test_minute_and_hour_windows(store: Store) -> None:
    start = 1_700_006_400.0  # 2023-11-15 00:00 UTC, a whole hour
    store.write([hr(start + i * 20, 50 + i) for i in range(9)])  # 0..160 s
    store.write([hr(start + 3600 + 5, 100)])

    minutes = store.aggregate("h-1", Kind.HEART_RATE, start, start + 7200, Window.MINUTE)
    hours = store.aggregate("h-1", Kind.HEART_RATE, start, start + 7200, Window.HOUR)

    assert minutes == [
        WindowAggregate(start, 3, 153.0, 51.0, 50.0, 52.0),
        WindowAggregate(start + 60, 3, 162.0, 54.0, 53.0, 55.0),
        WindowAggregate(start + 120, 3, 171.0, 57.0, 56.0, 58.0),
        WindowAggregate(start + 3600, 1, 100.0, 100.0, 100.0, 100.0),
    ]
    assert hours == [
        WindowAggregate(start, 9, 486.0, 54.0, 50.0, 58.0),
        WindowAggregate(start + 3600, 1, 100.0, 100.0, 100.0, 100.0),
    ]


def test_aggregate_respects_the_range(store: Store) -> None:
    store.write([hr(T0 + i * 60, 60) for i in range(10)])

    got = store.aggregate("h-1", Kind.HEART_RATE, T0 + 120, T0 + 300, Window.DAY)

    assert [a.count for a in got] == [3]
    assert store.aggregate("h-2", Kind.HEART_RATE, T0, T0 + 600, Window.DAY) == []


def test_reads_can_be_limited_to_some_sensors(store: Store) -> None:
    """One resident's view of a shared home: another's wearable never counts."""
    store.write([hr(T0 + i, 60, sensor="hr-mine") for i in range(3)])
    store.write([hr(T0 + i, 150, sensor="hr-theirs") for i in range(3)])
    store.write([hr(T0, 70, sensor="hr-else", home="h-2")])

    mine = store.aggregate("h-1", Kind.HEART_RATE, T0, T0 + 60, Window.DAY, sensors={"hr-mine"})
    readings = store.query("h-1", Kind.HEART_RATE, T0, T0 + 60, sensors=["hr-mine", "hr-else"])

    assert [(a.count, a.max) for a in mine] == [(3, 60.0)]
    assert {r.sensor for r in readings} == {"hr-mine"}
    assert store.aggregate("h-1", Kind.HEART_RATE, T0, T0 + 60, Window.DAY, sensors=()) == []
    assert store.query("h-1", Kind.HEART_RATE, T0, T0 + 60, sensors=set()) == []
    everyone = store.aggregate("h-1", Kind.HEART_RATE, T0, T0 + 60, Window.HOUR)
    assert [a.count for a in everyone] == [6]


def test_days_are_cut_at_local_midnight(store: Store) -> None:
    # 2024-07-01 23:30 BST is still the 1st in London, but the 2nd in UTC
    store.write([hr(local(2024, 7, 1, 23, 30), 60), hr(local(2024, 7, 2, 0, 30), 80)])

    london = store.aggregate("h-1", Kind.HEART_RATE, 0, 2e9, Window.DAY, tz="Europe/London")
    utc = store.aggregate("h-1", Kind.HEART_RATE, 0, 2e9, Window.DAY)

    assert [(a.start, a.count) for a in london] == [
        (local(2024, 7, 1), 1),
        (local(2024, 7, 2), 1),
    ]
    assert [(a.start, a.count) for a in utc] == [(local(2024, 7, 1, 1), 2)]


@pytest.mark.parametrize(
    ("day", "hours"),
    [((2024, 3, 31), 23), ((2024, 10, 27), 25), ((2024, 6, 1), 24)],
    ids=["spring-forward", "fall-back", "summer"],
)
def test_dst_days_in_london(store: Store, day: tuple[int, int, int], hours: int) -> None:
    midnight = local(*day)
    after = datetime(*day, tzinfo=LONDON) + timedelta(days=1)
    next_midnight = after.replace(hour=0).timestamp()
    span = next_midnight - midnight
    assert span == hours * 3600  # the test's own premise
    # one reading every 10 minutes from an hour before to an hour after the local day
    store.write([hr(midnight - 3600 + i * 600) for i in range(int(span // 600) + 12)])

    days = store.aggregate(
        "h-1", Kind.HEART_RATE, midnight, next_midnight, Window.DAY, tz="Europe/London"
    )
    hour_windows = store.aggregate(
        "h-1", Kind.HEART_RATE, midnight, next_midnight, Window.HOUR, tz="Europe/London"
    )

    assert [(a.start, a.count) for a in days] == [(midnight, hours * 6)]
    assert [a.start for a in hour_windows] == [midnight + h * 3600 for h in range(hours)]
    assert {a.count for a in hour_windows} == {6}


def test_hours_follow_local_half_hour_offsets(store: Store) -> None:
    kolkata = ZoneInfo("Asia/Kolkata")  # UTC+05:30
    start = datetime(2024, 1, 10, 9, 0, tzinfo=kolkata).timestamp()
    store.write([hr(start + 10), hr(start + 1790), hr(start + 1810)])

    got = store.aggregate(
        "h-1", Kind.HEART_RATE, start, start + 3600, Window.HOUR, tz="Asia/Kolkata"
    )

    assert [(a.start, a.count) for a in got] == [(start, 3)]


def test_unknown_time_zone_is_bad_data(store: Store) -> None:
    with pytest.raises(BadData, match="not an IANA zone"):
        store.aggregate("h-1", Kind.HEART_RATE, T0, T0 + 60, Window.DAY, tz="Europe/Londn")


def test_sensors_with_last_seen(store: Store) -> None:
    tap = ReadingRecord(home="h-2", sensor="tap-1", kind=Kind.TAP, ts=T0 + 50, value=0.2)
    store.write([hr(T0 + 10), hr(T0 + 30), hr(T0 + 20, sensor="hr-2"), tap])
    store.write([hr(T0 + 5)])  # late, older reading: last seen stays

    everyone = store.sensors()
    home_one = store.sensors("h-1")

    assert [(s.home, s.sensor, s.kind, s.last_seen) for s in everyone] == [
        ("h-1", "hr-1", Kind.HEART_RATE, T0 + 30),
        ("h-1", "hr-2", Kind.HEART_RATE, T0 + 20),
        ("h-2", "tap-1", Kind.TAP, T0 + 50),
    ]
    assert [s.sensor for s in home_one] == ["hr-1", "hr-2"]
    assert store.sensors("h-9") == []


def test_delete_before_keeps_the_rest(store: Store) -> None:
    store.write([hr(T0 + i * 100) for i in range(10)] + [hr(T0, sensor="old-1")])

    assert store.delete_before(T0 + 500) == 6  # five of hr-1 and old-1's one

    assert [r.ts for r in store.query("h-1", Kind.HEART_RATE, 0, 2e9)] == [
        T0 + i * 100 for i in range(5, 10)
    ]
    assert [s.sensor for s in store.sensors()] == ["hr-1"]


def test_empty_batch_is_fine(store: Store) -> None:
    store.write([])
    assert store.query("h-1", Kind.HEART_RATE, 0, 2e9) == []
    assert store.sensors() == []


key_pool = st.tuples(
    st.sampled_from(["h-1", "h-2"]),
    st.sampled_from(["s-1", "s-2", "s-3"]),
    st.sampled_from([Kind.HEART_RATE, Kind.TAP]),
    st.integers(min_value=0, max_value=50).map(lambda ms: T0 + ms / 1000),
)


def _reading(key: tuple[str, str, Kind, float]) -> ReadingRecord:
    home, sensor, kind, ts = key
    # a redelivered reading carries the same value: derive it from the key
    value = float(20 + (hash((home, sensor, kind)) % 200)) if kind is Kind.HEART_RATE else 0.5
    return ReadingRecord(home=home, sensor=sensor, kind=kind, ts=ts, value=value)


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(keys=st.lists(key_pool, max_size=40), chunk=st.integers(min_value=1, max_value=15))
def test_query_returns_the_distinct_set_written(
    new_store: StoreFactory, keys: list[tuple[str, str, Kind, float]], chunk: int
) -> None:
    store = new_store()
    readings = [_reading(k) for k in keys]
    for i in range(0, len(readings), chunk):
        store.write(readings[i : i + chunk])

    stored = {
        (r.home, r.sensor, r.kind, round(r.ts * 1e6), r.value)
        for home in ("h-1", "h-2")
        for kind in (Kind.HEART_RATE, Kind.TAP)
        for r in store.query(home, kind, 0, 2e9)
    }
    count = sum(len(store.query(h, k, 0, 2e9)) for h in ("h-1", "h-2") for k in Kind)

    assert stored == {(r.home, r.sensor, r.kind, round(r.ts * 1e6), r.value) for r in readings}
    assert count == len(stored)


def test_large_answers_come_back_whole(store: Store) -> None:
    # InfluxDB streams answers in chunks of 10 000 rows: all of them must arrive
    store.write([hr(T0 + i * 0.5, 40 + i % 100) for i in range(25_000)])

    got = store.query("h-1", Kind.HEART_RATE, T0, T0 + 86400)
    minutes = store.aggregate("h-1", Kind.HEART_RATE, T0, T0 + 86400, Window.MINUTE)

    assert len(got) == 25_000
    assert got[-1].ts == T0 + 12_499.5
    assert sum(a.count for a in minutes) == 25_000


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    offsets=st.lists(
        st.integers(min_value=0, max_value=320 * 86400)
        | st.builds(  # near 2024's clock changes (US 10 Mar / 3 Nov, EU 31 Mar / 27 Oct)
            lambda day, second: day * 86400 + second,
            st.sampled_from([69, 90, 300, 307]),
            st.integers(min_value=-3 * 3600, max_value=12 * 3600),
        ),
        min_size=1,
        max_size=60,
    ),
    tz=st.sampled_from(["UTC", "Europe/London", "America/New_York", "Asia/Kolkata"]),
    window=st.sampled_from(list(Window)),
)
def test_every_reading_lands_in_exactly_one_window(
    new_store: StoreFactory, offsets: list[int], tz: str, window: Window
) -> None:
    store = new_store()
    start = local(2024, 1, 1)  # the range crosses both of 2024's clock changes
    store.write([hr(start + s, 20 + s % 200) for s in offsets])
    distinct = sorted(set(offsets))

    windows = store.aggregate("h-1", Kind.HEART_RATE, start, start + 321 * 86400, window, tz)

    expected: dict[float, list[float]] = {}
    for offset in distinct:  # the oracle: zoneinfo's own local-time arithmetic
        expected.setdefault(_local_floor(start + offset, tz, window), []).append(20 + offset % 200)
    assert [(a.start, a.count, a.min, a.max) for a in windows] == [
        (begin, len(values), min(values), max(values)) for begin, values in sorted(expected.items())
    ]
    assert [a.sum for a in windows] == pytest.approx([sum(v) for _, v in sorted(expected.items())])


def _local_floor(ts: float, tz: str, window: Window) -> float:
    moment = datetime.fromtimestamp(ts, ZoneInfo(tz))
    if window is Window.MINUTE:
        return moment.replace(second=0, microsecond=0).timestamp()
    if window is Window.HOUR:  # replace keeps fold: the repeated autumn hour stays distinct
        return moment.replace(minute=0, second=0, microsecond=0).timestamp()
    return moment.replace(hour=0, minute=0, second=0, microsecond=0, fold=0).timestamp()
