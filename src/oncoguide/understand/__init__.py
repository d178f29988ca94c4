"""Question understanding: what the person asks about (intent) and what passages are about (topic)."""
