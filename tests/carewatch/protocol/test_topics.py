import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from carewatch.protocol import (
    ProtocolError,
    Topic,
    alerts_topic,
    parse_topic,
    readings_topic,
    status_topic,
    summaries_topic,
)

ids = st.from_regex(r"\A[a-z0-9][a-z0-9-]{0,20}\Z")


@given(ids, ids)
def test_gateway_topics_round_trip(home: str, gateway: str) -> None:
    assert parse_topic(readings_topic(home, gateway)) == Topic(home, gateway, "readings")
    assert parse_topic(status_topic(home, gateway)) == Topic(home, gateway, "status")


@given(ids)
def test_home_topics_round_trip(home: str) -> None:
    assert parse_topic(alerts_topic(home)) == Topic(home, None, "alerts")
    assert parse_topic(summaries_topic(home)) == Topic(home, None, "summaries")


@pytest.mark.parametrize(
    "topic",
    [
        "carewatch/v2/home-1/gw-1/readings",
        "carewatch/v1/home-1/gw-1/alerts",
        "carewatch/v1/home-1/readings",
        "carewatch/v1/Home/gw-1/readings",
        "carewatch/v1/home-1/gw 1/status",
        "carewatch/v1/home-1/gw-1/readings/extra",
        "",
    ],
)
def test_other_topics_are_refused(topic: str) -> None:
    with pytest.raises(ProtocolError):
        parse_topic(topic)


def test_builders_refuse_names() -> None:
    with pytest.raises(ProtocolError, match="must match"):
        alerts_topic("Mrs Smith")


@given(st.text(max_size=80))
def test_parser_is_total(topic: str) -> None:
    with contextlib.suppress(ProtocolError):
        parse_topic(topic)
