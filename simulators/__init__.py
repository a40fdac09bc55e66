"""CareWatch simulators package."""
