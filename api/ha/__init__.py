"""Home Assistant bridge: CareWatch residents as MQTT-discovered entities (decision D115)."""
