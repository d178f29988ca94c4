"""OncoGuide: plain-language cancer answers grounded in the guideline documents it holds."""

__version__ = "0.1.0"
