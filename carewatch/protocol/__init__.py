"""Wire protocol v1: topics, payload schemas, and strict encode/decode."""

from carewatch.protocol.codec import (
    MAX_MESSAGE_BYTES,
    ProtocolError,
    check_readings,
    decode,
    decode_readings,
    encode,
)
from carewatch.protocol.kinds import AlertKind, Kind, Severity, value_problem
from carewatch.protocol.messages import (
    ID_PATTERN,
    MAX_READINGS_PER_BATCH,
    Alert,
    DailySummary,
    GatewayStatus,
    NightEpisode,
    Reading,
    ReadingsBatch,
)
from carewatch.protocol.topics import (
    ALERTS_SUBSCRIPTION,
    READINGS_SUBSCRIPTION,
    STATUS_SUBSCRIPTION,
    SUMMARIES_SUBSCRIPTION,
    Topic,
    alerts_topic,
    parse_topic,
    readings_topic,
    status_topic,
    summaries_topic,
)

__all__ = [
    "ALERTS_SUBSCRIPTION",
    "ID_PATTERN",
    "MAX_MESSAGE_BYTES",
    "MAX_READINGS_PER_BATCH",
    "READINGS_SUBSCRIPTION",
    "STATUS_SUBSCRIPTION",
    "SUMMARIES_SUBSCRIPTION",
    "Alert",
    "AlertKind",
    "DailySummary",
    "GatewayStatus",
    "Kind",
    "NightEpisode",
    "ProtocolError",
    "Reading",
    "ReadingsBatch",
    "Severity",
    "Topic",
    "alerts_topic",
    "check_readings",
    "decode",
    "decode_readings",
    "encode",
    "parse_topic",
    "readings_topic",
    "status_topic",
    "summaries_topic",
    "value_problem",
]
