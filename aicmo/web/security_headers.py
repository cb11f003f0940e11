"""Headers that keep the pages from being framed, sniffed or made to run someone else's script."""

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Scripts only from our own files (an injected <script> does not run); styles may be inline (the SVG charts and the
# unsubscribe pages carry theirs); no page may be framed (clickjacking a "Stop" button); forms post only to us.
POLICY = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
          "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
HEADERS = {
    "content-security-policy": POLICY,
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
}
# FastAPI's interactive API docs load Swagger UI and ReDoc from their CDN: they keep every header but the policy.
OWN_POLICY = ("/docs", "/redoc")


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = str(scope.get("path", ""))
        skip_policy = path.startswith(OWN_POLICY)

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in HEADERS.items():
                    if name not in headers and not (skip_policy and name == "content-security-policy"):
                        headers[name] = value
            await send(message)

        await self.app(scope, receive, with_headers)
