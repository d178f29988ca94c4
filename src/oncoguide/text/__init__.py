"""Language-aware text primitives, one copy each: sentence segmentation with offsets (``segment``), reading grade
(``readability``) and the cue-rule compiler (``rules``). Word lists come from ``knowledge/<lang>/text.yaml``."""
