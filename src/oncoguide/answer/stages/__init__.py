"""The answer pipeline, one stage per module, each a function over the typed state of ``answer/state.py``:
retrieve (with myths) -> gate -> select -> write -> compose -> verify/cite -> personalise. Safety triage is called by
``AnswerEngine`` from ``answer/safety.py``."""
