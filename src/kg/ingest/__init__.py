"""Ingest: read, map, validate, load, quarantine."""
