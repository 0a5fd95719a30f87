"""The HTTP transport's deadlines against real loopback servers that misbehave: a drip of
one byte at a time, silence, an answer cut short. Each must end in bounded time with an
error that says what happened; a good answer passes through unchanged."""

from __future__ import annotations

import gzip
import socket
import threading
import time
from collections.abc import Callable, Iterator

import pytest
import requests

from collectors.http import (
    Budget,
    BudgetExhausted,
    DeadlineAdapter,
    DeadlineExceeded,
    DeadlineHttp,
    TruncatedResponse,
    request,
)


@pytest.fixture
def raw_server() -> Iterator[Callable[[Callable[[socket.socket], None]], str]]:
    """A loopback TCP server whose connections are handled by the test's function."""
    servers: list[socket.socket] = []
    stop = threading.Event()

    def start(handle: Callable[[socket.socket], None]) -> str:
        listener = socket.create_server(("127.0.0.1", 0))
        listener.settimeout(0.2)
        servers.append(listener)

        def loop() -> None:
            while not stop.is_set():
                try:
                    conn, _ = listener.accept()
                except TimeoutError:
                    continue
                except OSError:
                    return
                threading.Thread(target=_serve, args=(conn, handle), daemon=True).start()

        threading.Thread(target=loop, daemon=True).start()
        return f"http://127.0.0.1:{listener.getsockname()[1]}/v1/thing?a=1"

    yield start
    stop.set()
    for listener in servers:
        listener.close()


def _serve(conn: socket.socket, handle: Callable[[socket.socket], None]) -> None:
    with conn:
        conn.settimeout(5)
        try:
            conn.recv(65536)  # the request
            handle(conn)
        except OSError:
            pass


BODY = b'{"ok": true}'


def good(conn: socket.socket) -> None:
    conn.sendall(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-App-Usage: {}\r\n"
        b"Content-Length: %d\r\n\r\n%s" % (len(BODY), BODY)
    )


def dripping(conn: socket.socket) -> None:
    """Headers and then one byte every 0.3 s: each read is quick, the answer never ends."""
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n")
    for _ in range(1000):
        conn.sendall(b" ")
        time.sleep(0.3)


def dripping_headers(conn: socket.socket) -> None:
    for byte in b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}":
        conn.sendall(bytes([byte]))
        time.sleep(0.3)


def silent(conn: socket.socket) -> None:
    time.sleep(5)


def truncated(conn: socket.socket) -> None:
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n" + b'{"items": [' + b"1," * 20)


def test_a_good_answer_comes_through(raw_server):
    answer = request("GET", raw_server(good), deadline=5)
    assert answer.status == 200 and answer.body == BODY
    assert answer.headers["x-app-usage"] == "{}"


@pytest.mark.parametrize("handler", [dripping, dripping_headers, silent])
def test_a_slow_or_silent_server_is_given_up_at_the_deadline(raw_server, handler):
    url = raw_server(handler)
    started = time.monotonic()
    with pytest.raises(DeadlineExceeded):
        request("GET", url, deadline=1.0)
    took = time.monotonic() - started
    # a read timeout alone would wait for ever on the drip; the deadline ends it
    assert took < 2.5, took


def test_an_answer_cut_short_is_a_retryable_truncation(raw_server):
    with pytest.raises(TruncatedResponse, match="cut off"):
        request("GET", raw_server(truncated), deadline=5)
    assert issubclass(TruncatedResponse, ConnectionError)  # googleapiclient retries these


def test_nothing_listening_is_an_oserror():
    sock = socket.create_server(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    with pytest.raises(ConnectionRefusedError):
        request("GET", f"http://127.0.0.1:{port}/", deadline=2)


def test_the_httplib2_adapter_stops_when_the_call_budget_is_spent(raw_server):
    url = raw_server(silent)
    budget = Budget(seconds=1.2)
    adapter = DeadlineHttp(deadline=1.0, budget=budget)
    budget.start()
    with pytest.raises(DeadlineExceeded):
        adapter.request(url)
    # the second attempt gets only what is left of the budget, then none starts at all
    with pytest.raises(DeadlineExceeded):
        adapter.request(url)
    with pytest.raises(BudgetExhausted):
        adapter.request(url)
    assert adapter.requests == 2


def test_the_httplib2_adapter_answers_like_httplib2(raw_server):
    info, content = DeadlineHttp(deadline=5).request(raw_server(good), "GET")
    assert info.status == 200 and info["status"] == "200" and content == BODY
    assert info["content-type"] == "application/json"


def gzipped(conn: socket.socket) -> None:
    """What Google's front end sends a client that accepts gzip (googleapiclient does)."""
    body = gzip.compress(BODY)
    conn.sendall(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\n"
        b"Content-Length: %d\r\n\r\n%s" % (len(body), body)
    )


def gzipped_cut(conn: socket.socket) -> None:
    body = gzip.compress(BODY * 50)[:-12]  # the length is right, the stream is not whole
    conn.sendall(
        b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: %d\r\n\r\n%s"
        % (len(body), body)
    )


def test_a_compressed_answer_is_decoded_for_every_client(raw_server):
    answer = request("GET", raw_server(gzipped), deadline=5)
    assert answer.body == BODY and "content-encoding" not in answer.headers
    info, content = DeadlineHttp(deadline=5).request(raw_server(gzipped))
    assert content == BODY, "googleapiclient gets JSON, not gzip bytes"
    with pytest.raises(TruncatedResponse, match="gzip"):
        request("GET", raw_server(gzipped_cut), deadline=5)


def with_cookies(conn: socket.socket) -> None:
    conn.sendall(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=utf-8\r\n"
        b"Set-Cookie: csrftoken=abc; Path=/\r\nSet-Cookie: mid=xyz; Path=/\r\n"
        b"Content-Length: %d\r\n\r\n%s" % (len(BODY), BODY)
    )


def bounded_session(deadline: float, seen: list | None = None) -> requests.Session:
    session = requests.Session()
    adapter = DeadlineAdapter(
        deadline, on_response=None if seen is None else lambda s, u: seen.append(s)
    )
    session.mount("http://", adapter)
    return session


def test_the_requests_adapter_answers_like_requests(raw_server):
    seen: list[int] = []
    answer = bounded_session(5, seen).get(raw_server(with_cookies), timeout=300)
    assert answer.status_code == 200 and answer.json() == {"ok": True}
    assert answer.headers["content-type"].startswith("application/json")
    assert answer.cookies.get("csrftoken") == "abc" and answer.cookies.get("mid") == "xyz"
    assert seen == [200]
    assert bounded_session(5).get(raw_server(gzipped)).content == BODY


def test_the_requests_adapter_gives_a_total_deadline(raw_server):
    """requests' own timeout (300 s here, as instaloader sets it) bounds each read: the drip
    would hold it for ever. Through the adapter the request ends at its deadline."""
    with pytest.raises(requests.exceptions.Timeout):
        bounded_session(1.0).get(raw_server(dripping), timeout=300)


def test_the_requests_adapter_reports_faults_as_requests_does(raw_server):
    with pytest.raises(requests.exceptions.ConnectionError, match="cut off"):
        bounded_session(5).get(raw_server(truncated))
    sock = socket.create_server(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    with pytest.raises(requests.exceptions.ConnectionError, match="ConnectionRefused"):
        bounded_session(5).get(f"http://127.0.0.1:{port}/")
