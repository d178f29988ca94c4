"""Language-aware text primitives, one copy each: sentence segmentation with offsets (``segment``) and reading
grade (``readability``). Their word lists come from ``knowledge/<lang>/text.yaml``; cue rules are compiled by
``knowledge/rules.py``."""
