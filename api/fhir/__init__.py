"""FHIR R4 export of a resident's daily summaries and alerts (decisions D113, D114)."""
