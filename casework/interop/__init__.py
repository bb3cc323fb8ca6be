"""Interchange formats: FHIR R4, HSDS 3.0 (pure mapping + thin commands)."""
