"""Compose structured, cited answers from retrieved passages."""
