"""The reading grade now lives in ``oncoguide.text.readability``; this name stays for existing imports."""

from oncoguide.text.readability import fk_grade, syllables

__all__ = ["fk_grade", "syllables"]
