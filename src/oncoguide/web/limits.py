"""Request body limit enforced on the bytes received, not only on ``Content-Length`` (chunked uploads too)."""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from oncoguide.web.security import HEADERS


class BodyTooLarge(Exception):
    """Raised inside the app when the body passes the limit; the middleware answers 413."""


class BodyLimit:
    """ASGI middleware: stop reading a request body past ``max_bytes`` and answer 413 with a JSON error."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        state = {"seen": 0, "over": False, "started": False}

        async def limited_receive() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                state["seen"] += len(message.get("body", b""))
                if state["seen"] > self.max_bytes:
                    state["over"] = True
                    raise BodyTooLarge
            return message

        async def guarded_send(message: Message) -> None:
            if state["over"] and message["type"] == "http.response.start":
                state["started"] = True
                await self._too_large(send)
                return
            if state["over"] and state["started"]:
                return  # the app's own (error) response is replaced by the 413
            await send(message)

        try:
            await self.app(scope, limited_receive, guarded_send)
        except BodyTooLarge:
            if not state["started"]:
                await self._too_large(send)

    async def _too_large(self, send: Send) -> None:
        mib = self.max_bytes // 2**20
        body = json.dumps({"code": "too_large", "message": f"The request is larger than {mib} MiB."}).encode()
        headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                   (b"connection", b"close"), *((k.lower().encode(), v.encode()) for k, v in HEADERS.items())]
        await send({"type": "http.response.start", "status": 413, "headers": headers})
        await send({"type": "http.response.body", "body": body})
