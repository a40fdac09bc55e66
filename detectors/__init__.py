"""CareWatch detectors package."""
