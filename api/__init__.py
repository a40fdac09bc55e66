"""CareWatch API: people and access, residents, alerts, notifications and dashboards."""
