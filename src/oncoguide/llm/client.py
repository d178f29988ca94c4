"""A minimal client for OpenAI-compatible chat completion servers (vLLM, llama.cpp, Ollama, hosted APIs)."""

from __future__ import annotations

from typing import Any

import httpx

from oncoguide.config import LLMSettings


class LLMError(Exception):
    """The server gave no usable reply; ``reason`` is safe to log and show (it never holds the prompt or reply)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def endpoint(url: str) -> str:
    """``<url>/v1/chat/completions``; a URL that already ends in ``/v1`` or names the endpoint is kept."""
    url = url.rstrip("/")
    if url.endswith("/chat/completions"):
        return url
    return f"{url}/chat/completions" if url.endswith("/v1") else f"{url}/v1/chat/completions"


class ChatClient:
    """Sends one chat request and returns the reply's text, or raises :class:`LLMError`. Thread-safe."""

    def __init__(self, cfg: LLMSettings) -> None:
        if not cfg.url:
            raise ValueError("the LLM writer has no URL (set ONCOGUIDE_LLM__URL)")
        self.cfg = cfg
        self.url = endpoint(cfg.url)
        headers = {"Authorization": f"Bearer {cfg.api_key.get_secret_value()}"} if cfg.api_key else {}
        self._http = httpx.Client(timeout=cfg.timeout_s, headers=headers)

    def complete(self, messages: list[dict[str, str]]) -> str:
        body = {"model": self.cfg.model, "messages": messages, "temperature": self.cfg.temperature,
                "max_tokens": self.cfg.max_tokens, "stream": False}
        try:
            response = self._http.post(self.url, json=body)
        except httpx.TimeoutException:
            raise LLMError(f"timed out after {self.cfg.timeout_s:g} s") from None
        except httpx.HTTPError as e:
            raise LLMError(f"could not reach the server ({type(e).__name__})") from None
        if response.status_code == 429:
            raise LLMError("rate limited (HTTP 429)")
        if response.status_code >= 400:
            raise LLMError(f"server error (HTTP {response.status_code})")
        return _content(response)

    def close(self) -> None:
        self._http.close()


def _content(response: httpx.Response) -> str:
    """The reply's text; when ``max_tokens`` cut it off, without its unfinished last line."""
    try:
        data: Any = response.json()
        choice = data["choices"][0]
        content = choice["message"]["content"]
    except (ValueError, KeyError, IndexError, TypeError):
        raise LLMError("malformed reply (not an OpenAI chat completion)") from None
    if not isinstance(content, str) or not content.strip():
        raise LLMError("empty reply")
    if choice.get("finish_reason") == "length":
        content = content.rstrip().rpartition("\n")[0]
        if not content.strip():
            raise LLMError("reply cut off by max_tokens before its first line ended")
    return content
