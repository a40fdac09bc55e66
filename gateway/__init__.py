"""CareWatch gateway package."""
