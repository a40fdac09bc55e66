"""Alerts and daily summaries to their usual MQTT topics, so the API takes them unchanged.

QoS 1 through a node's MQTT listener: :meth:`Outputs.publish` returns once every message
is acknowledged, and the worker checkpoints only after that, so an alert is never lost.
"""

import asyncio

from carewatch.errors import RetryLater
from carewatch.mqtt import BrokerAddress, make_client
from carewatch.protocol import Alert, alerts_topic, encode, summaries_topic
from ingest.cluster.partition import Output

PUBACK_TIMEOUT_S = 60.0
CONNECT_POLL_S = 0.1


def topic_of(output: Output) -> str:
    """Where an alert or a summary goes."""
    return alerts_topic(output.home) if isinstance(output, Alert) else summaries_topic(output.home)


class Outputs:
    """A persistent QoS 1 MQTT session that publishes detector outputs."""

    def __init__(self, broker: BrokerAddress, client_id: str) -> None:
        self.client = make_client(client_id, broker)
        self.client.connect_async(broker.host, broker.port)
        self.client.loop_start()

    async def publish(self, outputs: list[Output]) -> None:
        """Publish and wait for every acknowledgement, or raise :class:`RetryLater`.

        The caller publishes the same outputs again after a failure: a repeat is
        recognised by the API by its identity, a loss would not be.
        """
        if not outputs:
            return
        await self._connected()
        infos = [self.client.publish(topic_of(out), encode(out), qos=1) for out in outputs]
        for info in infos:
            try:
                await asyncio.to_thread(info.wait_for_publish, PUBACK_TIMEOUT_S)
            except (RuntimeError, ValueError) as error:
                raise RetryLater(f"MQTT publish failed: {error}") from None
            if not info.is_published():
                raise RetryLater(f"no PUBACK in {PUBACK_TIMEOUT_S} s for message {info.mid}")

    async def _connected(self) -> None:
        for _ in range(int(PUBACK_TIMEOUT_S / CONNECT_POLL_S)):
            if self.client.is_connected():
                return
            await asyncio.sleep(CONNECT_POLL_S)
        raise RetryLater("not connected to the MQTT listener")

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()
