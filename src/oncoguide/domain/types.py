"""The closed sets of names every layer shares: one Literal each."""

from __future__ import annotations

from typing import Literal, get_args

Lang = Literal["en", "es"]
LANGS: tuple[str, ...] = get_args(Lang)

Intent = Literal["definition", "symptoms", "testing", "staging", "treatment", "side_effects", "prognosis",
                 "risk", "prevention", "trials", "resistance", "practical", "other"]
INTENTS: tuple[str, ...] = get_args(Intent)

EvidenceStatus = Literal["supported", "partial", "insufficient"]
SafetyKind = Literal["emergency", "urgent_call", "crisis", "dosing", "stop_treatment", "interactions", "myth",
                     "out_of_scope"]
