"""CareWatch ingest package."""
