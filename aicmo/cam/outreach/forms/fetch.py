"""Fetch a page or send a form over HTTP with every limit a stranger's website needs.

Redirects are followed by hand so each hop passes the early address check (check_url); the client's
PinnedTransport checks every connection again as it is made, so a name that answers differently the second time
is refused too. Bodies are read as a stream and cut at the size cap; one time budget covers a request and all
its redirects. Every problem becomes a FetchFailed saying whether to retry (TRANSIENT) or give up on this
channel (CHANNEL_FAILED).
"""

import asyncio
import socket
from dataclasses import dataclass, field
from urllib.parse import urlencode, urljoin, urlsplit, urlunsplit

import httpx
from selectolax.lexbor import LexborHTMLParser

from aicmo.cam.outreach.domain import ErrorKind
from aicmo.cam.outreach.forms.model import MULTIPART
from aicmo.net.ssrf import AddressPolicy, Refused, check_url

REDIRECTS = frozenset({301, 302, 303, 307, 308})
_HTML_TYPES = ("text/html", "application/xhtml+xml")
_NO_SUCH_HOST = {getattr(socket, n) for n in ("EAI_NONAME", "EAI_NODATA") if hasattr(socket, n)}


class FetchFailed(Exception):
    def __init__(self, kind: ErrorKind, detail: str, status: int | None = None) -> None:
        super().__init__(detail)
        self.kind = kind
        self.detail = detail
        self.status = status


@dataclass(frozen=True)
class Limits:
    timeout: float = 10.0
    max_bytes: int = 2_000_000
    max_redirects: int = 5


@dataclass(frozen=True)
class Submission:
    method: str
    url: str
    fields: list[tuple[str, str]]
    enctype: str
    page: str | None = None  # the page the form was on: sent as Referer and Origin, as a browser sends them

    def headers(self) -> dict[str, str]:
        if not self.page:
            return {}
        parts = urlsplit(self.page)
        return {"Referer": self.page, "Origin": f"{parts.scheme}://{parts.netloc}"}


@dataclass
class Page:
    url: str
    status: int
    content_type: str = ""
    charset: str | None = None
    body: bytes = b""
    location: str | None = None  # where a redirect that was not followed points
    redirects: list[str] = field(default_factory=list)
    _tree: LexborHTMLParser | None = field(default=None, repr=False)

    def is_html(self) -> bool:
        if self.content_type:
            return self.content_type in _HTML_TYPES
        return self.body.lstrip()[:1] == b"<"

    def tree(self) -> LexborHTMLParser:
        if self._tree is None:
            if self.charset:
                try:
                    self._tree = LexborHTMLParser(self.body.decode(self.charset, errors="replace"))
                except LookupError:
                    self._tree = LexborHTMLParser(self.body, encoding=True)
            else:
                self._tree = LexborHTMLParser(self.body, encoding=True)
        return self._tree


def _request(client: httpx.AsyncClient, method: str, url: str, sub: Submission | None,
             cookies: httpx.Cookies) -> httpx.Request:
    headers = sub.headers() if sub is not None else {}
    if sub is None or method == "GET":
        if sub is not None:
            parts = urlsplit(url)
            url = urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(sub.fields), ""))
        return client.build_request(method, url, cookies=cookies, headers=headers)
    if sub.enctype == MULTIPART:
        files = [(name, (None, value.encode())) for name, value in sub.fields]
        return client.build_request(method, url, files=files, cookies=cookies, headers=headers)
    return client.build_request(method, url, content=urlencode(sub.fields).encode(), cookies=cookies,
                                headers={**headers, "Content-Type": "application/x-www-form-urlencoded"})


def _content_type(response: httpx.Response) -> tuple[str, str | None]:
    raw = response.headers.get("content-type", "")
    kind = raw.split(";", 1)[0].strip().lower()
    charset = None
    for param in raw.split(";")[1:]:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip('"\'') or None
    return kind, charset


async def _read(response: httpx.Response, limits: Limits) -> bytes:
    try:
        declared = int(response.headers.get("content-length") or 0)
    except ValueError:
        declared = 0
    too_big = f"page larger than the {limits.max_bytes:,}-byte cap"
    if declared > limits.max_bytes:
        raise FetchFailed(ErrorKind.CHANNEL_FAILED, too_big, response.status_code)
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.aiter_bytes():
        size += len(chunk)
        if size > limits.max_bytes:
            raise FetchFailed(ErrorKind.CHANNEL_FAILED, too_big, response.status_code)
        chunks.append(chunk)
    return b"".join(chunks)


async def _one(client: httpx.AsyncClient, request: httpx.Request, limits: Limits, cookies: httpx.Cookies) -> Page:
    response = await client.send(request, stream=True)
    try:
        cookies.extract_cookies(response)
        kind, charset = _content_type(response)
        page = Page(url=str(request.url), status=response.status_code, content_type=kind, charset=charset)
        location = response.headers.get("location")
        if response.status_code in REDIRECTS and location:
            page.location = urljoin(page.url, location.strip())
        else:
            page.body = await _read(response, limits)
        return page
    finally:
        await response.aclose()


async def _checked(url: str, policy: AddressPolicy) -> None:
    try:
        await check_url(url, policy)
    except Refused as exc:
        raise FetchFailed(ErrorKind.CHANNEL_FAILED, str(exc)) from None
    except socket.gaierror as exc:
        host = urlsplit(url).hostname
        if exc.errno in _NO_SUCH_HOST:
            raise FetchFailed(ErrorKind.CHANNEL_FAILED, f"host not found: {host}") from None
        raise FetchFailed(ErrorKind.TRANSIENT, f"name lookup failed for {host}: {exc}") from None


async def _follow(client: httpx.AsyncClient, url: str, policy: AddressPolicy, limits: Limits,
                  sub: Submission | None, follow: bool, cookies: httpx.Cookies) -> Page:
    method = sub.method if sub else "GET"
    seen = [url]
    while True:
        await _checked(url, policy)
        page = await _one(client, _request(client, method, url, sub, cookies), limits, cookies)
        page.redirects = seen[1:]
        if page.location is None or (not follow and page.status in (301, 302, 303)):
            return page
        if page.location in seen:
            raise FetchFailed(ErrorKind.CHANNEL_FAILED, f"redirect loop at {page.location}", page.status)
        if len(seen) > limits.max_redirects:
            raise FetchFailed(ErrorKind.CHANNEL_FAILED, f"more than {limits.max_redirects} redirects from {seen[0]}",
                              page.status)
        if page.status in (301, 302, 303):
            method, sub = "GET", None
        url = page.location
        seen.append(url)


async def fetch(client: httpx.AsyncClient, url: str, policy: AddressPolicy, limits: Limits, *,
                submission: Submission | None = None, follow: bool = True,
                cookies: httpx.Cookies | None = None) -> Page:
    """GET the URL (or send the submission to it), following redirects unless `follow` is off for a POST.

    With follow off, a 301/302/303 answer is returned as it is (its `location` set); 307/308 are always
    followed, since they ask for the same request again elsewhere.
    """
    jar = cookies if cookies is not None else httpx.Cookies()
    try:
        async with asyncio.timeout(limits.timeout):
            return await _follow(client, url, policy, limits, submission, follow, jar)
    except TimeoutError:
        raise FetchFailed(ErrorKind.TRANSIENT, f"timed out after {limits.timeout:g}s: {url}") from None
    except Refused as exc:  # refused as it connected (PinnedTransport)
        raise FetchFailed(ErrorKind.CHANNEL_FAILED, str(exc)) from None
    except httpx.TimeoutException:
        raise FetchFailed(ErrorKind.TRANSIENT, f"timed out after {limits.timeout:g}s: {url}") from None
    except (httpx.NetworkError, httpx.RemoteProtocolError, httpx.ProxyError) as exc:
        raise FetchFailed(ErrorKind.TRANSIENT, f"connection failed: {type(exc).__name__}: {exc}") from None
    except (httpx.HTTPError, httpx.InvalidURL, httpx.StreamError, UnicodeError, ValueError) as exc:
        raise FetchFailed(ErrorKind.CHANNEL_FAILED, f"HTTP request failed: {type(exc).__name__}: {exc}") from None
