"""HTTP for every platform client, with a total deadline per request (connect, send, and
every byte of the answer) and a time budget per call across its retries.

A socket timeout alone bounds each read, not the whole answer: a server that sends one byte
every few seconds holds a plain client forever. Here every read gets only the time left.
``request`` serves the Graph API client; :class:`DeadlineHttp` gives googleapiclient the same
behaviour (it speaks httplib2's interface). Knows no platform.
"""

from __future__ import annotations

import http.client
import io
import socket
import ssl
import time
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httplib2

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
    body: bytes
    url: str = ""


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
        return Response(answer.status, {k.lower(): v for k, v in answer.getheaders()}, data, url)
    finally:
        conn.close()


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
        info = httplib2.Response(dict(answer.headers))
        info.status = answer.status
        info["status"] = str(answer.status)
        return info, answer.body

    def close(self) -> None:
        return None
