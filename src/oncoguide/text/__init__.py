"""Language-aware text primitives, one copy each: sentence segmentation with offsets (``segment``), reading
grade (``readability``), dates (``dates``) and PDF text with bomb limits and a CPU budget (``pdf``). Word lists come
from ``knowledge/<lang>/text.yaml``; cue rules are compiled by ``knowledge/rules.py``."""
