"""CareWatch api package."""
