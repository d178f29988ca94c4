"""Errors the store raises with a message meant for the operator."""

from __future__ import annotations


class StoreError(RuntimeError):
    """The database cannot be used as configured (bad URL, missing driver, unreachable)."""


class SchemaError(StoreError):
    """The database schema is not the one this version of OncoGuide needs."""
