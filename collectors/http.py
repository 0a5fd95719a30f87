"""HTTP for every platform client, with a total deadline per request (connect, send, and
every byte of the answer) and a time budget per call across its retries.

A socket timeout alone bounds each read, not the whole answer: a server that sends one byte
every few seconds holds a plain client forever. Here every read gets only the time left.
``request`` serves the Graph API client; :class:`DeadlineHttp` gives googleapiclient the same
behaviour (it speaks httplib2's interface), :class:`DeadlineAdapter` gives it to ``requests``
sessions (instaloader's). Knows no platform.
"""

from __future__ import annotations

import http.client
import io
import socket
import ssl
import time
import urllib.request
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httplib2
import requests
import requests.adapters
import requests.cookies
import requests.structures
import requests.utils

DEFAULT_DEADLINE = 60.0  # seconds for one request, connect to last byte
DEFAULT_CONNECT = 15.0
DEFAULT_BUDGET = 180.0  # seconds for one call, its retries and their pauses included
MAX_BODY = 64 * 1024 * 1024  # an API answer larger than this is not an API answer


class DeadlineExceeded(TimeoutError):
    """The server did not finish its answer within the request's deadline (retryable)."""


class TruncatedResponse(ConnectionError):
    """The connection closed before the whole answer arrived (retryable, like a 5xx)."""


class BudgetExhausted(Exception):
    """The call's time budget is spent: no further retry is made (not an OSError, so
    googleapiclient's retry loop lets it through)."""


@dataclass(frozen=True)
class Response:
    status: int
    headers: Mapping[str, str]  # lower-case names
    body: bytes  # decoded when the server compressed it (gzip, deflate)
    url: str = ""
    #: every header line as sent, in order (several Set-Cookie lines stay apart)
    header_lines: tuple[tuple[str, str], ...] = ()
    reason: str = ""


@dataclass
class Budget:
    """The time left for one call across its retries."""

    seconds: float = DEFAULT_BUDGET
    ends: float = field(default=0.0)

    def start(self) -> None:
        self.ends = time.monotonic() + self.seconds

    def left(self) -> float:
        return self.ends - time.monotonic() if self.ends else self.seconds


class _DeadlineReader(io.RawIOBase):
    """Reads the socket, giving each read only the time left before the deadline."""

    def __init__(self, sock: socket.socket, deadline: float, holder: Any) -> None:
        self.sock = sock
        self.deadline = deadline
        # http.client's own file on the socket: while it is open, closing the connection
        # does not close the socket under this reader (the socket counts its files).
        self.holder = holder

    def close(self) -> None:
        if not self.closed:
            self.holder.close()
        super().close()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise DeadlineExceeded("the server did not finish its answer in time")
        self.sock.settimeout(left)
        try:
            return self.sock.recv_into(buffer)
        except TimeoutError:
            raise DeadlineExceeded("the server did not finish its answer in time") from None


def _response_class(deadline: float) -> type[http.client.HTTPResponse]:
    class DeadlineResponse(http.client.HTTPResponse):
        def __init__(self, sock: socket.socket, *args: Any, **kwargs: Any) -> None:
            super().__init__(sock, *args, **kwargs)
            self.fp = io.BufferedReader(_DeadlineReader(sock, deadline, self.fp))

    return DeadlineResponse


def _context() -> ssl.SSLContext:
    try:
        import certifi

        return ssl.create_default_context(cafile=certifi.where())
    except ImportError:  # pragma: no cover - certifi comes with requests and httplib2
        return ssl.create_default_context()


def _connection(
    url: str, connect_timeout: float, deadline: float
) -> tuple[http.client.HTTPConnection, str]:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"not an http(s) URL: {parts.scheme}://{parts.hostname or ''}")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    timeout = max(0.001, min(connect_timeout, deadline - time.monotonic()))
    proxy = urllib.request.getproxies().get(parts.scheme)
    if proxy and not urllib.request.proxy_bypass(parts.hostname):
        via = urlsplit(proxy if "://" in proxy else f"http://{proxy}")
        if parts.scheme == "https":
            conn: http.client.HTTPConnection = http.client.HTTPSConnection(
                via.hostname, via.port or 8080, timeout=timeout, context=_context()
            )
            conn.set_tunnel(parts.hostname, port)
        else:
            conn = http.client.HTTPConnection(via.hostname, via.port or 8080, timeout=timeout)
            path = url  # a plain-HTTP proxy takes the absolute URL
            conn.response_class = _response_class(deadline)
            return conn, path
    elif parts.scheme == "https":
        conn = http.client.HTTPSConnection(
            parts.hostname, port, timeout=timeout, context=_context()
        )
    else:
        conn = http.client.HTTPConnection(parts.hostname, port, timeout=timeout)
    conn.response_class = _response_class(deadline)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return conn, path


def request(
    method: str,
    url: str,
    *,
    headers: Mapping[str, str] | None = None,
    body: bytes | None = None,
    deadline: float = DEFAULT_DEADLINE,
    connect_timeout: float = DEFAULT_CONNECT,
) -> Response:
    """One HTTP request that takes at most ``deadline`` seconds in all.

    Raises :class:`DeadlineExceeded` (slow or silent server), :class:`TruncatedResponse`
    (closed early), or an ``OSError`` (no connection).
    """
    ends = time.monotonic() + deadline
    conn, path = _connection(url, connect_timeout, ends)
    try:
        try:
            conn.request(method, path, body=body, headers=dict(headers or {}))
            if conn.sock is not None:
                conn.sock.settimeout(max(0.001, ends - time.monotonic()))
            answer = conn.getresponse()
            data = answer.read(MAX_BODY + 1)
            if len(data) <= MAX_BODY and answer.length:  # Content-Length not reached
                raise http.client.IncompleteRead(data, answer.length)
        except http.client.IncompleteRead as exc:
            raise TruncatedResponse(
                f"the answer was cut off after {len(exc.partial)} bytes"
            ) from None
        except (http.client.RemoteDisconnected, http.client.BadStatusLine) as exc:
            raise TruncatedResponse(f"the server closed the connection ({exc})") from None
        except TimeoutError:
            raise DeadlineExceeded(f"no complete answer within {deadline:.0f} s") from None
        if len(data) > MAX_BODY:
            raise TruncatedResponse(f"the answer is larger than {MAX_BODY // 2**20} MiB")
        lines = tuple(answer.getheaders())
        headers = {k.lower(): v for k, v in lines}
        encoding = headers.get("content-encoding", "").strip().lower()
        if encoding in _DECODERS and data:
            data = _decode(data, encoding)
            # the body handed on is plain: say so, as httplib2 and urllib3 do
            headers.pop("content-encoding")
            headers.pop("content-length", None)
            lines = tuple((k, v) for k, v in lines if k.lower() not in _ENCODING_HEADERS)
        return Response(answer.status, headers, data, url, lines, answer.reason or "")
    finally:
        conn.close()


# Clients ask for compressed answers (googleapiclient sends "accept-encoding: gzip,
# deflate"); the body is decoded here, as httplib2 and urllib3 would.
_DECODERS = {"gzip": 16 + zlib.MAX_WBITS, "x-gzip": 16 + zlib.MAX_WBITS, "deflate": zlib.MAX_WBITS}
_ENCODING_HEADERS = ("content-encoding", "content-length")


def _decode(data: bytes, encoding: str) -> bytes:
    """A gzip or deflate body, decoded up to :data:`MAX_BODY` bytes."""
    attempts = [_DECODERS[encoding]]
    if encoding == "deflate":
        attempts.append(-zlib.MAX_WBITS)  # some servers send raw deflate without its header
    for wbits in attempts:
        decoder = zlib.decompressobj(wbits)
        try:
            plain = decoder.decompress(data, MAX_BODY + 1)
        except zlib.error:
            continue
        if len(plain) > MAX_BODY:
            raise TruncatedResponse(f"the answer is larger than {MAX_BODY // 2**20} MiB")
        if not decoder.eof:
            raise TruncatedResponse(f"the {encoding} answer was cut off")
        return plain
    raise TruncatedResponse(f"the {encoding} answer is damaged")


class DeadlineHttp:
    """An ``httplib2.Http`` stand-in for googleapiclient: each request ends within
    ``deadline`` seconds, and none starts once the current call's ``budget`` is spent."""

    def __init__(
        self,
        deadline: float = DEFAULT_DEADLINE,
        connect_timeout: float = DEFAULT_CONNECT,
        budget: Budget | None = None,
    ) -> None:
        self.deadline = deadline
        self.connect_timeout = connect_timeout
        self.budget = budget or Budget()
        self.timeout = deadline  # read by google_auth_httplib2.AuthorizedHttp
        self.redirect_codes = httplib2.REDIRECT_CODES
        self.follow_redirects = True
        self.connections: dict[str, Any] = {}
        self.requests = 0
        #: the status of the last answer (None before any): for callers whose HTTP library
        #: failed on the answer's body before telling them
        self.last_status: int | None = None

    def request(
        self,
        uri: str,
        method: str = "GET",
        body: bytes | str | None = None,
        headers: Mapping[str, str] | None = None,
        redirections: int = 5,
        connection_type: Any = None,
    ) -> tuple[httplib2.Response, bytes]:
        left = self.budget.left()
        if left <= 0:
            raise BudgetExhausted(
                f"gave up after {self.budget.seconds:.0f} s of retries for one request"
            )
        if isinstance(body, str):
            body = body.encode("utf-8")
        self.requests += 1
        answer = request(
            method,
            uri,
            headers=headers,
            body=body,
            deadline=min(self.deadline, left),
            connect_timeout=self.connect_timeout,
        )
        self.last_status = answer.status
        info = httplib2.Response(dict(answer.headers))
        info.status = answer.status
        info["status"] = str(answer.status)
        return info, answer.body

    def close(self) -> None:
        return None


class _RawStandIn:
    """What ``requests`` reads from a response's ``raw`` after the body is in: the header
    lines (for cookies); there is no connection left to release."""

    def __init__(self, message: http.client.HTTPMessage) -> None:
        self._original_response = self  # requests.cookies reads ._original_response.msg
        self.msg = message

    def release_conn(self) -> None:
        return None

    def close(self) -> None:
        return None


class DeadlineAdapter(requests.adapters.BaseAdapter):
    """A transport adapter for ``requests`` sessions: each request goes through
    :func:`request`, so it ends within ``deadline`` seconds in all (``requests``' own
    timeout bounds each read only). Faults become the exceptions ``requests`` users catch:
    ``Timeout`` for the deadline, ``ConnectionError`` for no connection or a cut answer.
    ``on_response(status, url)`` is told of every answer."""

    def __init__(
        self,
        deadline: float = DEFAULT_DEADLINE,
        connect_timeout: float = DEFAULT_CONNECT,
        on_response: Callable[[int, str], None] | None = None,
    ) -> None:
        super().__init__()
        self.deadline = deadline
        self.connect_timeout = connect_timeout
        self.on_response = on_response

    def send(
        self,
        prepared: requests.PreparedRequest,
        stream: bool = False,
        timeout: Any = None,
        verify: Any = True,
        cert: Any = None,
        proxies: Any = None,
    ) -> requests.Response:
        headers = dict(prepared.headers)
        headers["Accept-Encoding"] = "gzip, deflate"  # what request() decodes
        body = prepared.body
        if isinstance(body, str):
            body = body.encode("utf-8")
        elif body is not None and not isinstance(body, bytes):
            body = b"".join(body)  # an iterable of chunks
        url = prepared.url or ""
        try:
            answer = request(
                prepared.method or "GET",
                url,
                headers=headers,
                body=body,
                deadline=self.deadline,
                connect_timeout=self.connect_timeout,
            )
        except DeadlineExceeded as exc:
            raise requests.exceptions.ReadTimeout(str(exc), request=prepared) from exc
        except TruncatedResponse as exc:
            raise requests.exceptions.ConnectionError(str(exc), request=prepared) from exc
        except ValueError as exc:  # not an http(s) URL
            raise requests.exceptions.InvalidURL(str(exc), request=prepared) from exc
        except OSError as exc:  # refused, unreachable, unknown host, TLS
            raise requests.exceptions.ConnectionError(
                f"{type(exc).__name__}: {exc}", request=prepared
            ) from exc
        if self.on_response is not None:
            self.on_response(answer.status, url)
        return self._response(prepared, answer)

    def _response(self, prepared: requests.PreparedRequest, answer: Response) -> requests.Response:
        message = http.client.HTTPMessage()
        for name, value in answer.header_lines:
            message[name] = value  # appends: every Set-Cookie line is kept
        headers = requests.structures.CaseInsensitiveDict()
        for name, value in answer.header_lines:
            headers[name] = f"{headers[name]}, {value}" if name in headers else value
        response = requests.Response()
        response.status_code = answer.status
        response.reason = answer.reason
        response.headers = headers
        response.url = prepared.url or ""
        response.request = prepared
        response.encoding = requests.utils.get_encoding_from_headers(headers)
        response._content = answer.body
        response._content_consumed = True
        response.raw = _RawStandIn(message)
        response.connection = self
        requests.cookies.extract_cookies_to_jar(response.cookies, prepared, response.raw)
        return response

    def close(self) -> None:
        return None
