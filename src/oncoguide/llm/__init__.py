"""Optional LLM writer: plain-language answers from an OpenAI-compatible server, verified sentence by sentence.

OncoGuide never needs it; it is on when ``ONCOGUIDE_LLM__URL`` (or ``ONCOGUIDE_LLM_URL``) is set.
"""

from oncoguide.answer.writer import Written
from oncoguide.llm.client import ChatClient, LLMError
from oncoguide.llm.writer import Writer

__all__ = ["ChatClient", "LLMError", "Writer", "Written"]
