"""FastAPI app: HTML pages and the JSON API (/api/v1)."""
