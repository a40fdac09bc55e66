"""Detectors partitioned by home on a NATS JetStream cluster (decisions D101-D103).

Gateways publish MQTT unchanged to any node; the nodes' subject mapping puts each home's
readings and statuses on one of ``partitions`` subjects; a replicated stream keeps them;
one worker at a time owns a partition (a lease in a KV bucket), runs the ordinary
:class:`detectors.Engine` over it and checkpoints it with the stream sequence it reached.
"""
