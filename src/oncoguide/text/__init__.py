"""Text helpers shared by ingest and records (PDF text with bomb limits and a CPU budget, ...)."""
