"""A loopback HTTP server that plays Google's OAuth 2.0 token endpoint and the YouTube
Analytics API v2 (``GET /v2/reports``) from recorded-shape JSON.

The real google-auth and google-api-python-client talk to it (token_uri and
YOUTUBE_ANALYTICS_API_URL). It checks what Google checks: the bearer token, the scopes,
that the authorising user owns the channel in ``ids``, that a video report has a sort and at
most 200 rows; it omits ``rows`` without data and the most recent days; and it can answer
invalid_grant, 403, a spent quota, slowly, or cut off. The access tokens it issues are also
accepted by the fake Data API (tests/youtube_server.py) when both share ``access_tokens``.
"""

from __future__ import annotations

import base64
import copy
import datetime as dt
import hashlib
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse

FIXTURES = Path(__file__).parent / "fixtures" / "youtube_analytics"
ERRORS = json.loads((FIXTURES / "errors.json").read_text())
DAY_HEADERS = json.loads((FIXTURES / "day_report.json").read_text())["columnHeaders"]
VIDEO_HEADERS = json.loads((FIXTURES / "video_report.json").read_text())["columnHeaders"]
METRICS = [h["name"] for h in DAY_HEADERS[1:]]
ANALYTICS_SCOPE = "https://www.googleapis.com/auth/yt-analytics.readonly"
READONLY_SCOPE = "https://www.googleapis.com/auth/youtube.readonly"
CLIENT_ID = "000000000000-fake.apps.googleusercontent.com"
CLIENT_SECRET = "GOCSPX-SENTINEL-client-secret"  # noqa: S105 - a test sentinel


def day_figures(channel: str, day: dt.date) -> dict[str, int]:
    """The fake's deterministic daily figures of a channel."""
    seed = day.toordinal() + len(channel)
    views = 20 + seed % 37
    return {
        "views": views,
        "engagedViews": views * 2 // 3,
        "estimatedMinutesWatched": views * 3,
        "averageViewDuration": 150 + seed % 60,
        "subscribersGained": seed % 4,
        "subscribersLost": seed % 3 // 2,
        "likes": seed % 5,
        "comments": seed % 2,
        "shares": seed % 3,
    }


def video_figures(video: str) -> dict[str, int]:
    """The fake's lifetime figures of a video."""
    seed = sum(map(ord, video))
    views = 500 + seed % 900
    return {
        "views": views,
        "engagedViews": views * 3 // 4,
        "estimatedMinutesWatched": views * 4,
        "averageViewDuration": 120 + seed % 200,
        "subscribersGained": seed % 9,
        "subscribersLost": seed % 2,
        "likes": seed % 60,
        "comments": seed % 8,
        "shares": seed % 5,
    }


@dataclass
class Channel:
    """What Analytics holds of a channel: days [first, last] with data (last: the lag)."""

    first: dt.date | None
    last: dt.date | None
    videos: list[str] = field(default_factory=list)
    #: day -> figures replacing the formula's (YouTube revises recent days)
    revised: dict[dt.date, dict[str, int]] = field(default_factory=dict)

    def day(self, channel: str, day: dt.date) -> dict[str, int]:
        return self.revised.get(day) or day_figures(channel, day)


class FakeGoogle:
    """The token endpoint and the Analytics API, with their fault switches."""

    def __init__(self, access_tokens: dict[str, str] | None = None) -> None:
        #: refresh token -> (channel id, scopes); tokens not here answer invalid_grant
        self.refresh_tokens: dict[str, tuple[str, tuple[str, ...]]] = {}
        #: authorization code -> (channel id, PKCE challenge, scopes)
        self.codes: dict[str, tuple[str, str, tuple[str, ...]]] = {}
        #: access token -> channel id (shared with the fake Data API)
        self.access_tokens: dict[str, str] = {} if access_tokens is None else access_tokens
        self.access_scopes: dict[str, tuple[str, ...]] = {}
        self.channels: dict[str, Channel] = {}
        self.issued = 0
        self.token_requests: list[dict[str, str]] = []
        self.reports: list[dict[str, str]] = []
        self.quota_after: int | None = None  # reports answered before the quota is spent
        #: faults for the next reports (or token requests): "slow", "truncated", "503"
        self.report_faults: list[str] = []
        self.token_faults: list[str] = []
        self.release = threading.Event()  # frees "slow" answers at the end of a test
        self.lock = threading.Lock()
        self.url = ""

    # -- set-up ---------------------------------------------------------------------

    def authorise(
        self, refresh_token: str, channel: str, scopes: tuple[str, ...] | None = None
    ) -> None:
        self.refresh_tokens[refresh_token] = (channel, scopes or (ANALYTICS_SCOPE, READONLY_SCOPE))

    def add_code(
        self, code: str, channel: str, challenge: str, scopes: tuple[str, ...] | None = None
    ) -> None:
        self.codes[code] = (channel, challenge, scopes or (ANALYTICS_SCOPE, READONLY_SCOPE))

    def client_file(self, path: Path) -> Path:
        """A 'Desktop app' OAuth client JSON as Google Cloud downloads it, pointing here."""
        path.write_text(
            json.dumps(
                {
                    "installed": {
                        "client_id": CLIENT_ID,
                        "project_id": "jejaring-test",
                        "auth_uri": f"{self.url}o/oauth2/auth",
                        "token_uri": f"{self.url}token",
                        "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
                        "client_secret": CLIENT_SECRET,
                        "redirect_uris": ["http://localhost"],
                    }
                }
            )
        )
        return path

    def day_queries(self) -> list[dict[str, str]]:
        return [r for r in self.reports if r.get("dimensions") == "day"]

    def video_queries(self) -> list[dict[str, str]]:
        return [r for r in self.reports if r.get("dimensions") == "video"]

    # -- the token endpoint ---------------------------------------------------------

    def token(self, form: dict[str, str], authorization: str = "") -> tuple[int, dict[str, Any]]:
        self.token_requests.append(form)
        if authorization.startswith("Basic "):  # client_secret_basic, as requests-oauthlib
            user, _, password = base64.b64decode(authorization[6:]).decode().partition(":")
            form = {**form, "client_id": unquote(user), "client_secret": unquote(password)}
        if form.get("client_id") != CLIENT_ID or form.get("client_secret") != CLIENT_SECRET:
            return 401, ERRORS["invalid_client"]
        grant = form.get("grant_type")
        if grant == "refresh_token":
            known = self.refresh_tokens.get(form.get("refresh_token", ""))
            if known is None:
                return 400, ERRORS["invalid_grant"]
            channel, scopes = known
            return 200, self._issue(channel, scopes)
        if grant == "authorization_code":
            known = self.codes.pop(form.get("code", ""), None)
            verifier = form.get("code_verifier", "")
            if known is None or _challenge(verifier) != known[1]:
                return 400, ERRORS["invalid_grant"]
            channel, _, scopes = known
            self.issued += 1
            refresh = f"1//0refresh-SENTINEL-{self.issued}"
            self.authorise(refresh, channel, scopes)
            return 200, {**self._issue(channel, scopes), "refresh_token": refresh}
        return 400, {"error": "unsupported_grant_type"}

    def _issue(self, channel: str, scopes: tuple[str, ...]) -> dict[str, Any]:
        with self.lock:
            self.issued += 1
            token = f"ya29.access-SENTINEL-{self.issued}"
        self.access_tokens[token] = channel
        self.access_scopes[token] = scopes
        return {
            "access_token": token,
            "expires_in": 3599,
            "scope": " ".join(scopes),
            "token_type": "Bearer",
        }

    # -- the Analytics API ------------------------------------------------------------

    def report(self, params: dict[str, str], bearer: str) -> tuple[int, dict[str, Any]]:
        self.reports.append(params)
        caller = self.access_tokens.get(bearer)
        if caller is None:
            return 401, ERRORS["unauthenticated"]
        if ANALYTICS_SCOPE not in self.access_scopes.get(bearer, ()):
            return 403, ERRORS["insufficient_scopes"]
        if self.quota_after is not None and len(self.reports) > self.quota_after:
            return 429, ERRORS["quota"]
        ids = params.get("ids", "")
        channel = ids.removeprefix("channel==")
        if channel == "MINE":
            channel = caller
        if not ids.startswith("channel==") or channel != caller:
            return 403, ERRORS["forbidden"]
        metrics = params.get("metrics", "").split(",")
        start = dt.date.fromisoformat(params["startDate"])
        end = dt.date.fromisoformat(params["endDate"])
        if not set(metrics) <= set(METRICS) or start > end:
            return 400, ERRORS["not_supported"]
        data = self.channels.get(channel, Channel(None, None))
        dimension = params.get("dimensions")
        if dimension == "day":
            headers = [DAY_HEADERS[0], *[h for h in DAY_HEADERS if h["name"] in metrics]]
            rows = []
            if data.first and data.last:
                day = max(start, data.first)
                while day <= min(end, data.last):
                    figures = data.day(channel, day)
                    rows.append([day.isoformat(), *[figures[m] for m in metrics]])
                    day += dt.timedelta(days=1)
        elif dimension == "video":
            if "sort" not in params or int(params.get("maxResults", "0") or 0) > 200:
                return 400, ERRORS["not_supported"]
            if not params.get("maxResults"):
                return 400, ERRORS["not_supported"]
            headers = [VIDEO_HEADERS[0], *[h for h in VIDEO_HEADERS if h["name"] in metrics]]
            wanted = params.get("filters", "").removeprefix("video==").split(",")
            rows = [
                [v, *[video_figures(v)[m] for m in metrics]]
                for v in data.videos
                if v in wanted and data.first and data.last
            ]
            rows.sort(key=lambda r: -r[1 + metrics.index("views")] if "views" in metrics else 0)
            rows = rows[: int(params["maxResults"])]
        else:
            return 400, ERRORS["not_supported"]
        body: dict[str, Any] = {
            "kind": "youtubeAnalytics#resultTable",
            "columnHeaders": copy.deepcopy(headers),
        }
        if rows:  # like the real API: no "rows" when there is no data
            body["rows"] = rows
        return 200, body


def _challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def serve(google: FakeGoogle) -> tuple[ThreadingHTTPServer, str]:
    """Start the server on a free loopback port; returns it and its root URL."""

    class Handler(BaseHTTPRequestHandler):
        def _send(self, status: int, body: dict[str, Any], faults: list[str]) -> None:
            fault = faults.pop(0) if faults else None
            if fault == "slow":
                google.release.wait(30)  # answers only when the test ends
            if fault == "503":
                status, body = 503, {"error": {"code": 503, "message": "Backend Error",
                                               "errors": [{"reason": "backendError"}]}}  # fmt: skip
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=UTF-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if fault == "truncated":
                self.wfile.write(data[: len(data) // 2])
                self.close_connection = True
                return
            self.wfile.write(data)

        def do_GET(self) -> None:  # noqa: N802 - the http.server API
            parsed = urlparse(self.path)
            params = {k: v[0] for k, v in parse_qs(parsed.query).items()}
            bearer = self.headers.get("Authorization", "").removeprefix("Bearer ")
            if parsed.path.endswith("/v2/reports"):
                with google.lock:
                    faults = [google.report_faults.pop(0)] if google.report_faults else []
                status, body = google.report(params, bearer)
                self._send(status, body, faults)
            else:
                self._send(404, {"error": {"code": 404, "message": "Not Found"}}, [])

        def do_POST(self) -> None:  # noqa: N802
            length = int(self.headers.get("Content-Length") or 0)
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            if urlparse(self.path).path.endswith("/token"):
                with google.lock:
                    faults = [google.token_faults.pop(0)] if google.token_faults else []
                status, body = google.token(form, self.headers.get("Authorization", ""))
                self._send(status, body, faults)
            else:
                self._send(404, {"error": "not_found"}, [])

        def log_message(self, *args: Any) -> None:  # keep test output clean
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    google.url = f"http://127.0.0.1:{server.server_address[1]}/"
    return server, google.url


def pacific_today(now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC)) -> dt.date:
    from zoneinfo import ZoneInfo

    return now().astimezone(ZoneInfo("America/Los_Angeles")).date()
