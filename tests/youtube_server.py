"""A loopback HTTP server that plays the YouTube Data API v3 from recorded-shape JSON.

The real google-api-python-client talks to it through YOUTUBE_API_URL. It pages, filters
by id and handle, answers unknown handles with 200 and no ``items``, and can inject the
faults the collector must survive (invalid key, quota exceeded, 503, slow answers).
"""

from __future__ import annotations

import copy
import datetime as dt
import gzip
import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

FIXTURES = Path(__file__).parent / "fixtures" / "youtube"
UMA_ID = "UCumaPERPUSTAKAAN0000001"
UNIMED_ID = "UCunimedDIGILIB000000002"

KEY_INVALID = {
    "error": {
        "code": 400,
        "message": "API key not valid. Please pass a valid API key.",
        "errors": [
            {
                "message": "API key not valid. Please pass a valid API key.",
                "domain": "global",
                "reason": "badRequest",
            }
        ],
        "status": "INVALID_ARGUMENT",
        "details": [
            {
                "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                "reason": "API_KEY_INVALID",
                "domain": "googleapis.com",
                "metadata": {"service": "youtube.googleapis.com"},
            }
        ],
    }
}
QUOTA = {
    "error": {
        "code": 403,
        "message": "The request cannot be completed because you have exceeded your "
        '<a href="/youtube/v3/getting-started#quota">quota</a>.',
        "errors": [
            {
                "message": "The request cannot be completed because you have exceeded your "
                '<a href="/youtube/v3/getting-started#quota">quota</a>.',
                "domain": "youtube.quota",
                "reason": "quotaExceeded",
            }
        ],
    }
}
PLAYLIST_NOT_FOUND = {
    "error": {
        "code": 404,
        "message": "The playlist identified with the request's <code>playlistId</code> "
        "parameter cannot be found.",
        "errors": [
            {
                "message": "The playlist identified with the request's <code>playlistId</code> "
                "parameter cannot be found.",
                "domain": "youtube.playlistItem",
                "reason": "playlistNotFound",
                "location": "playlistId",
                "locationType": "parameter",
            }
        ],
    }
}
PLAYLIST_FORBIDDEN = {
    "error": {
        "code": 403,
        "message": "The request is not properly authorized to retrieve the specified playlist.",
        "errors": [
            {
                "message": "The request is not properly authorized to retrieve the specified "
                "playlist.",
                "domain": "youtube.playlistItem",
                "reason": "playlistItemsNotAccessible",
                "location": "id",
                "locationType": "parameter",
            }
        ],
    }
}
UNAUTHENTICATED = {
    "error": {
        "code": 401,
        "message": "Request had invalid authentication credentials. Expected OAuth 2 access "
        "token, login cookie or other valid authentication credential.",
        "errors": [
            {
                "message": "Invalid Credentials",
                "domain": "global",
                "reason": "authError",
                "location": "Authorization",
                "locationType": "header",
            }
        ],
        "status": "UNAUTHENTICATED",
    }
}
BACKEND = {
    "error": {
        "code": 503,
        "message": "The service is currently unavailable.",
        "errors": [
            {
                "message": "The service is currently unavailable.",
                "domain": "global",
                "reason": "backendError",
            }
        ],
    }
}


def youtube_config(with_unknown: bool = False) -> str:
    """jejaring.toml text for the two channels the server plays (UMA by @handle, UNIMED by
    channel id), and optionally a library whose @handle YouTube does not know."""
    text = f"""
timezone = "Asia/Jakarta"
[[libraries]]
id = "uma"
name = "Perpustakaan UMA"
color = "#1b7f3b"
youtube = ["@perpustakaanuma"]
[[libraries]]
id = "unimed"
name = "Digital Library UNIMED"
color = "#1f5fa8"
youtube = ["{UNIMED_ID}"]
"""
    unknown = """[[libraries]]
id = "usu"
name = "Perpustakaan lain"
color = "#aa3300"
youtube = ["@tidakada"]
"""
    return text + (unknown if with_unknown else "")


def uma_video_id(n: int) -> str:
    return f"umaVid{n:05d}"


@dataclass
class Raw:
    """An answer sent as it is: any bytes, a declared Content-Length (None: the real one), and
    optionally one byte every ``drip`` seconds."""

    body: bytes
    content_type: str = "application/json; charset=UTF-8"
    length: int | None = None
    drip: float = 0.0


HTML_ERROR = (
    b"<!DOCTYPE html><html><head><title>Error 502 (Server Error)</title></head>"
    b"<body><p>That's an error. Please try again later.</p></body></html>"
)


def error_body(status: int, reason: str, message: str = "") -> dict[str, Any]:
    """An API error in Google's JSON shape."""
    text = message or f"The request failed ({reason})."
    return {
        "error": {
            "code": status,
            "message": text,
            "errors": [{"message": text, "domain": "youtube.common", "reason": reason}],
        }
    }


class FakeYouTube:
    """The channels, playlists and videos the server knows, and its fault switches."""

    def __init__(self, uma_uploads: int = 120) -> None:
        channels = json.loads((FIXTURES / "channels.json").read_text())["items"]
        videos = json.loads((FIXTURES / "videos.json").read_text())
        self.channels: dict[str, dict[str, Any]] = {c["id"]: c for c in channels}
        self.template = videos["template"]
        self.videos: dict[str, dict[str, Any]] = {}
        self.playlists: dict[str, list[str]] = {
            "UUumaPERPUSTAKAAN0000001": [],
            "UUunimedDIGILIB000000002": [],
        }
        for n in range(uma_uploads):
            self.add_uma_video(
                n, dt.datetime(2026, 11, 20, 3, tzinfo=dt.UTC) - dt.timedelta(days=n)
            )
        for item in videos["unimed"]:
            self.videos[item["id"]] = item
            self.playlists["UUunimedDIGILIB000000002"].append(item["id"])
        for extra in videos["unimed_playlist_extra"]:
            self.playlists["UUunimedDIGILIB000000002"].append(extra["videoId"])
        # The Shorts-only system playlist (UUSH…): UNIMED has one, UMA (no Shorts) has none.
        self.playlists["UUSHunimedDIGILIB000000002"] = ["unimedShrt1"]
        #: access token -> channel id, for requests authorised with OAuth instead of a key
        #: (the fake token endpoint of tests/youtube_analytics_server.py fills it)
        self.access_tokens: dict[str, str] = {}
        self.forbidden_playlists: set[str] = set()  # answered 403 playlistItemsNotAccessible
        self.requests: list[tuple[str, dict[str, list[str]]]] = []
        self.key = "test-key"
        self.invalid_key = False
        self.quota_after: int | None = None  # calls answered before quotaExceeded
        self.fail_503: set[int] = set()  # call numbers (1-based) answered with 503
        self.delay = 0.0
        # Faults tied to one channel or video id: any channels.list or videos.list call that
        # asks for it is answered with "json" (a body cut in the middle of the JSON), "html"
        # (an HTML error page with status 200), "truncated" (fewer bytes than the declared
        # Content-Length, then the connection closes), "truncated_once" (that, only the
        # first time), "null_items" (200 with ``items`` [null, 5]), "null_item" (200 with
        # ``items`` [null]), "null_in_place" (the good answer with this item replaced by
        # null), or an API error given as (status, body), where body may be any JSON. A
        # channels.list by @handle is faulted by its handle as the key.
        self.faults: dict[str, Any] = {}
        # playlistItems.list: "same" answers the same nextPageToken for ever, "new" a new
        # one for ever; errors by playlist id; playlists whose answers drip.
        self.page_tokens: str | None = None
        self.playlist_errors: dict[str, tuple[int, dict[str, Any]]] = {}
        self.drip: dict[str, float] = {}
        self.lock = threading.Lock()

    def add_uma_video(self, n: int, published: dt.datetime, newest_first: bool = False) -> str:
        vid = uma_video_id(n)
        item = copy.deepcopy(self.template)
        item["id"] = vid
        item["etag"] = f"etag{n}"
        item["snippet"]["publishedAt"] = published.strftime("%Y-%m-%dT%H:%M:%SZ")
        item["snippet"]["title"] = f"Tutorial {n} #perpustakaanuma"
        item["statistics"]["viewCount"] = str(1000 + n)
        item["statistics"]["likeCount"] = str(40 + n % 7)
        for size in item["snippet"]["thumbnails"].values():
            size["url"] = size["url"].replace("TEMPLATE", vid)
        self.videos[vid] = item
        playlist = self.playlists["UUumaPERPUSTAKAAN0000001"]
        if newest_first:
            playlist.insert(0, vid)
        else:
            playlist.append(vid)
        uma = self.channels[UMA_ID]["statistics"]
        uma["videoCount"] = str(len(playlist))
        return vid

    def add_unimed_video(
        self, vid: str, seconds: int, published: dt.datetime, short: bool = False
    ) -> str:
        """Add an upload to UNIMED (newest first) of ``seconds``; a Short is also listed in
        its Shorts playlist."""
        item = copy.deepcopy(self.template)
        item["id"] = vid
        item["snippet"]["channelId"] = UNIMED_ID
        item["snippet"]["publishedAt"] = published.strftime("%Y-%m-%dT%H:%M:%SZ")
        item["snippet"]["title"] = f"Video {vid}"
        item["snippet"]["description"] = "Trailer" if not short else "Tips singkat"
        item["contentDetails"]["duration"] = f"PT{seconds // 60}M{seconds % 60}S"
        self.videos[vid] = item
        self.playlists["UUunimedDIGILIB000000002"].insert(0, vid)
        if short:
            self.playlists.setdefault("UUSHunimedDIGILIB000000002", []).insert(0, vid)
        stats = self.channels[UNIMED_ID]["statistics"]
        stats["videoCount"] = str(int(stats["videoCount"]) + 1)
        return vid

    # -- answers ------------------------------------------------------------------

    def answer(
        self, path: str, params: dict[str, list[str]], headers: dict[str, str] | None = None
    ) -> tuple[int, dict[str, Any]]:
        with self.lock:
            self.requests.append((path, params))
            number = len(self.requests)
        if self.delay:
            time.sleep(self.delay)
        bearer = (headers or {}).get("authorization", "").removeprefix("Bearer ")
        caller = self.access_tokens.get(bearer) if "key" not in params else None
        params = {**params, "_caller": [caller or ""]}
        if "key" not in params and bearer:
            if caller is None:
                return 401, UNAUTHENTICATED
        elif params.get("key", [""])[0] != self.key or self.invalid_key:
            return 400, KEY_INVALID
        if number in self.fail_503:
            return 503, BACKEND
        if self.quota_after is not None and self.api_calls() > self.quota_after:
            return 403, QUOTA
        name = path.rsplit("/", 1)[-1]
        fault = self._fault(name, params)
        if fault is not None:
            return fault
        handler = {
            "channels": self._channels,
            "playlistItems": self._playlist,
            "videos": self._videos,
        }.get(name)
        if handler is not None:
            try:
                return 200, handler(params)
            except NotFound as missing:
                return missing.status, missing.body
        if handler is None:
            return 404, {
                "error": {
                    "code": 404,
                    "message": "Not Found",
                    "errors": [{"reason": "notFound", "domain": "global", "message": "Not Found"}],
                }
            }
        return 200, handler(params)

    def _fault(self, name: str, params: dict[str, list[str]]) -> tuple[int, Any] | None:
        if name == "playlistItems":
            playlist = params.get("playlistId", [""])[0]
            if playlist in self.playlist_errors:
                return self.playlist_errors[playlist]
            if playlist in self.drip:
                body = json.dumps(self._playlist(params)).encode()
                return 200, Raw(body, drip=self.drip[playlist])
            return None
        if name not in ("channels", "videos"):
            return None
        asked = params.get("id", [""])[0].split(",") + params.get("forHandle", [])
        for ident in asked:
            kind = self.faults.get(ident)
            if kind is None:
                continue
            if isinstance(kind, tuple):
                return kind
            answer = self._channels(params) if name == "channels" else self._videos(params)
            if kind in ("null_items", "null_item"):
                items = [None, 5] if kind == "null_items" else [None]
                return 200, self._list(name.rstrip("s"), items)
            if kind == "null_in_place":
                answer["items"] = [
                    None if item.get("id") == ident or ident.startswith("@") else item
                    for item in answer.get("items", [])
                ]
                return 200, answer
            data = json.dumps(answer).encode()
            if kind == "json":
                return 200, Raw(data[: len(data) // 2])
            if kind == "html":
                return 200, Raw(HTML_ERROR, content_type="text/html; charset=UTF-8")
            if kind in ("truncated", "truncated_once"):
                if kind == "truncated_once":
                    self.faults.pop(ident)
                return 200, Raw(data[: len(data) // 2], length=len(data))
        return None

    def api_calls(self) -> int:
        """Calls that reached an API method (the retried 503s are not charged here)."""
        return len(self.requests) - len([n for n in self.fail_503 if n <= len(self.requests)])

    def _list(self, kind: str, items: list[Any], extra: dict[str, Any] | None = None) -> dict:
        body: dict[str, Any] = {
            "kind": f"youtube#{kind}ListResponse",
            "etag": "rec0rdedEtag",
            "pageInfo": {"totalResults": len(items), "resultsPerPage": 50},
        }
        if items:  # like the real API: no "items" key when nothing matched
            body["items"] = items
        body.update(extra or {})
        return body

    def _channels(self, params: dict[str, list[str]]) -> dict[str, Any]:
        if params.get("mine", [""])[0] == "true":
            caller = params["_caller"][0]
            found = [self.channels[caller]] if caller in self.channels else []
        elif "forHandle" in params:
            handle = params["forHandle"][0].lstrip("@").lower()
            found = [
                c
                for c in self.channels.values()
                if c["snippet"]["customUrl"].lstrip("@").lower() == handle
            ]
        else:
            ids = params.get("id", [""])[0].split(",")
            found = [self.channels[i] for i in ids if i in self.channels]
        return self._list("channel", copy.deepcopy(found))

    def _playlist(self, params: dict[str, list[str]]) -> dict[str, Any]:
        if params["playlistId"][0] in self.forbidden_playlists:
            raise NotFound(PLAYLIST_FORBIDDEN, 403)
        if params["playlistId"][0] not in self.playlists:
            raise NotFound(PLAYLIST_NOT_FOUND)
        playlist = self.playlists[params["playlistId"][0]]
        size = int(params.get("maxResults", ["5"])[0])
        token = params.get("pageToken", [""])[0]
        if self.page_tokens == "same":  # the first page again, and the same token, for ever
            start = 0
        elif self.page_tokens == "new":  # tokens "T<start>", never an end
            start = int(token[1:] or 0) if token else 0
        else:
            start = int(token or 0)
        items = []
        for vid in playlist[start : start + size]:
            details: dict[str, Any] = {"videoId": vid}
            if vid in self.videos and "publishedAt" in self.videos[vid]["snippet"]:
                details["videoPublishedAt"] = self.videos[vid]["snippet"]["publishedAt"]
            items.append(
                {
                    "kind": "youtube#playlistItem",
                    "etag": f"pl{vid}",
                    "id": f"UExpc3Q{vid}",
                    "contentDetails": details,
                }
            )
        extra = {"nextPageToken": str(start + size)} if start + size < len(playlist) else {}
        # "For ever" ends after 200 pages, so that a client without a guard fails its test
        # instead of hanging it.
        if self.page_tokens is not None:
            looping = self.calls("playlistItems") <= 200
            token = "CDIQAA" if self.page_tokens == "same" else f"T{start + size}"
            extra = {"nextPageToken": token} if looping else {}
        body = self._list("playlistItem", items, extra)
        body["pageInfo"]["totalResults"] = len(playlist)
        return body

    def _videos(self, params: dict[str, list[str]]) -> dict[str, Any]:
        ids = params.get("id", [""])[0].split(",")
        return self._list("video", [copy.deepcopy(self.videos[i]) for i in ids if i in self.videos])

    def calls(self, name: str) -> int:
        return sum(1 for path, _ in self.requests if path.endswith("/" + name))


class NotFound(Exception):
    """A 404 (or 403) answer with the API's error body."""

    def __init__(self, body: dict[str, Any], status: int = 404) -> None:
        super().__init__(body["error"]["message"])
        self.body = body
        self.status = status


def serve(api: FakeYouTube) -> tuple[ThreadingHTTPServer, str]:
    """Start the server on a free loopback port; returns it and its API root URL."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the http.server API
            parsed = urlparse(self.path)
            headers = {k.lower(): v for k, v in self.headers.items()}
            status, body = api.answer(parsed.path, parse_qs(parsed.query), headers)
            raw = body if isinstance(body, Raw) else Raw(json.dumps(body).encode())
            self.send_response(status)
            self.send_header("Content-Type", raw.content_type)
            if "gzip" in self.headers.get("Accept-Encoding", "") and not isinstance(body, Raw):
                # like Google's front end: googleapiclient asks for gzip and gets it
                raw = Raw(gzip.compress(raw.body), raw.content_type)
                self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(raw.length or len(raw.body)))
            self.end_headers()
            if not raw.drip:
                self.wfile.write(raw.body)
                return
            try:
                for byte in raw.body:
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                    time.sleep(raw.drip)
            except OSError:  # the client gave up
                return

        def log_message(self, *args: Any) -> None:  # keep test output clean
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def main() -> None:
    """Run standalone (for the crash test): ``python tests/youtube_server.py PORTFILE DELAY``."""
    import sys

    api = FakeYouTube()
    api.delay = float(sys.argv[2]) if len(sys.argv) > 2 else 0.0
    server, url = serve(api)
    Path(sys.argv[1]).write_text(url)
    try:
        while True:
            time.sleep(1)
    except KeyboardInterrupt:
        server.shutdown()


if __name__ == "__main__":
    main()
