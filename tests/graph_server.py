"""A loopback HTTP server that plays the Instagram Graph API from recorded-shape JSON
(tests/fixtures/graph/, each file citing the reference page it follows).

The real client (collectors.instagram_graph) talks to it through INSTAGRAM_GRAPH_API_URL.
It checks what Meta checks (the token, metric_type per metric, 30-day windows, reel-only
metrics, professional accounts for business discovery), pages with opaque cursors, and
injects the faults the collector must survive: expired or revoked tokens, rate limits with
usage headers, permission errors, HTML with status 200, cut-off bodies, repeated cursors.
"""

from __future__ import annotations

import base64
import copy
import datetime as dt
import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse
from zoneinfo import ZoneInfo

FIXTURES = Path(__file__).parent / "fixtures" / "graph"
PACIFIC = ZoneInfo("America/Los_Angeles")
VERSION = "v27.0"
UMA_IG = "17841400000000001"
UNIMED_IG = "17841400000000002"
APP_ID, APP_SECRET = "1234567890", "APP-SECRET-SENTINEL-5e3"


def fixture(name: str) -> dict[str, Any]:
    data = json.loads((FIXTURES / name).read_text())
    data.pop("_comment", None)
    return data


ERRORS = fixture("errors.json")
INSIGHTS = fixture("insights.json")


def error(name: str, **replace: str) -> tuple[int, dict[str, Any]]:
    body = copy.deepcopy(ERRORS[name])
    status = body.pop("status")
    for key, value in replace.items():
        body["error"]["message"] = body["error"]["message"].replace(key, value)
        if "error_user_msg" in body["error"]:
            body["error"]["error_user_msg"] = body["error"]["error_user_msg"].replace(key, value)
    return status, body


def insight_value(ig_id: str, day: dt.date, metric: str) -> int:
    """The value the server holds for an account's metric on a day (tests compare the store
    with this function, not with the client's reading)."""
    seed = day.toordinal() * 7 + sum(map(ord, metric)) + int(ig_id[-2:])
    return {"follows": seed % 9, "unfollows": seed % 4}.get(metric, 50 + seed % 400)


def media_value(media_id: str, metric: str) -> int:
    seed = int(media_id[-4:]) * 13 + sum(map(ord, metric))
    if metric == "ig_reels_avg_watch_time":
        return 4000 + seed % 9000  # milliseconds
    return 10 + seed % 900


def cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode().rstrip("=")


def offset_of(value: str | None) -> int:
    if not value:
        return 0
    raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()
    return int(raw.split(":")[1])


def pacific_days(since: int, until: int) -> list[dt.date]:
    first = dt.datetime.fromtimestamp(since, PACIFIC).date()
    last = (dt.datetime.fromtimestamp(until, PACIFIC) - dt.timedelta(seconds=1)).date()
    return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]


@dataclass
class TokenInfo:
    kind: str  # page, user, app
    ig: tuple[str, ...] = ()
    state: str = "ok"  # ok, expired, revoked


@dataclass
class Fault:
    match: str  # a substring of "path?query"
    status: int
    body: Any  # a JSON object, or bytes sent as they are
    headers: dict[str, str] = field(default_factory=dict)
    times: int = 1
    truncate: bool = False
    #: seconds between the body's bytes: an answer that drips in slower than a deadline
    drip: float = 0.0


class FakeGraph:
    """The accounts, media and tokens the server knows, and its fault switches."""

    def __init__(self, uma_extra: int = 55, unimed_extra: int = 57) -> None:
        users = fixture("ig_user.json")
        media = fixture("media.json")
        self.profiles = {UMA_IG: users["uma"], UNIMED_IG: users["unimed"]}
        self.media: dict[str, list[dict[str, Any]]] = {
            UMA_IG: copy.deepcopy(media["uma"]),
            UNIMED_IG: copy.deepcopy(fixture("business_discovery.json")["unimed"]),
        }
        self.page_shape = media["page"]
        self.bd_shape = fixture("business_discovery.json")["answer"]
        start = dt.datetime(2025, 1, 1, 3, tzinfo=dt.UTC)  # before DPinOld0001's day
        for n in range(uma_extra):
            self.media[UMA_IG].append(self._synthetic(media["template"], "U", n, start))
        for n in range(unimed_extra):
            item = self._synthetic(media["template"], "N", n, start)
            for key in ("media_product_type", "media_url"):
                item.pop(key)
            self.media[UNIMED_IG].append(item)
        self.tags = {UMA_IG: fixture("tags.json")["uma"], UNIMED_IG: []}
        self.usernames = {"perpustakaan.uma": UMA_IG, "digilib.unimed": UNIMED_IG}
        self.tokens: dict[str, TokenInfo] = {}
        #: media ids whose insights are empty, or refused with #10 "not enough viewers"
        self.empty_media = {"17900000000000004"}
        self.few_viewers = {"17900000000000005"}
        #: Pacific days without any account insight (an empty data list)
        self.empty_days: set[dt.date] = set()
        self.history_start = dt.date(2023, 12, 1)  # insights before this: #100
        self.faults: list[Fault] = []
        self.usage: dict[str, str] = {}
        self.repeat_cursor = False
        self.tags_permission = True
        self.exchange_tokens = {"SHORT-LIVED-SENTINEL-41": "LONG-LIVED-USER-SENTINEL-42"}
        self.requests: list[tuple[str, dict[str, str], dict[str, str]]] = []
        self.lock = threading.Lock()
        self.url = ""

    @staticmethod
    def _synthetic(template: dict[str, Any], tag: str, n: int, start: dt.datetime) -> dict:
        item = copy.deepcopy(template)
        code = f"DSyn{tag}{n:06d}"
        item["id"] = f"1791{'1' if tag == 'U' else '2'}0000000{n:05d}"
        item["permalink"] = item["permalink"].replace("CODE", code)
        item["media_url"] = item["media_url"].replace("CODE", code)
        item["timestamp"] = (start - dt.timedelta(days=3 * (n + 1))).strftime(
            "%Y-%m-%dT%H:%M:%S+0000"
        )
        item["like_count"] = 40 + n
        return item

    # -- requests ---------------------------------------------------------------------

    def answer(
        self, path: str, query: str, headers: dict[str, str]
    ) -> tuple[int, Any, dict[str, str], bool, float]:
        params = {k: v[0] for k, v in parse_qs(query).items()}
        with self.lock:
            self.requests.append((path, params, headers))
            for fault in self.faults:
                if fault.times > 0 and fault.match in f"{path}?{query}":
                    fault.times -= 1
                    return (
                        fault.status,
                        fault.body,
                        dict(fault.headers),
                        fault.truncate,
                        fault.drip,
                    )
        status, body = self._route(path, params, headers)
        return status, body, dict(self.usage), False, 0.0

    def _route(self, path: str, params: dict[str, str], headers: dict[str, str]):
        prefix = f"/{VERSION}/"
        if not path.startswith(prefix):
            return 400, {
                "error": {
                    "message": "Unknown path components",
                    "type": "OAuthException",
                    "code": 2500,
                }
            }
        parts = path[len(prefix) :].strip("/").split("/")
        if parts == ["oauth", "access_token"]:
            return self._exchange(params)
        bearer = headers.get("authorization", "")
        token = bearer.removeprefix("Bearer ") if bearer.startswith("Bearer ") else None
        token = token or params.get("access_token")
        if parts == ["debug_token"]:
            if token != f"{APP_ID}|{APP_SECRET}":
                return error("revoked")
            body = fixture("oauth.json")["debug_page"]
            body["data"]["is_valid"] = params.get("input_token") in self.tokens
            return 200, body
        info = self.tokens.get(token or "")
        if info is None:
            return 400, {
                "error": {
                    "message": "Invalid OAuth access token - Cannot parse access token",
                    "type": "OAuthException",
                    "code": 190,
                    "fbtrace_id": "AbCdEfGhIjZ9",
                }
            }
        if info.state != "ok":
            return error(info.state)
        if parts[0] == "me":
            return self._me(parts[1:], params, info)
        node = parts[0]
        edge = parts[1] if len(parts) > 1 else None
        if node in self.profiles and node not in info.ig:
            return error("permission_10")
        if edge is None and node in self.profiles:
            fields = params.get("fields", "")
            if fields.startswith("business_discovery"):
                return self._discovery(fields)
            return 200, self._profile(node, fields)
        if edge == "media" and node in self.profiles:
            return self._page(self.media[node], params)
        if edge == "tags" and node in self.profiles:
            if not self.tags_permission:
                return error("permission_10")
            return self._page(self.tags[node], params)
        if edge == "insights" and node in self.profiles:
            return self._account_insights(node, params)
        if edge == "insights":
            return self._media_insights(node, params)
        return 400, {
            "error": {
                "message": f"Unsupported get request. Object with ID '{node}' does not exist",
                "type": "GraphMethodException",
                "code": 100,
                "error_subcode": 33,
            }
        }

    def _exchange(self, params: dict[str, str]):
        if (params.get("client_id"), params.get("client_secret")) != (APP_ID, APP_SECRET):
            return 400, {
                "error": {
                    "message": "Error validating client secret.",
                    "type": "OAuthException",
                    "code": 1,
                    "fbtrace_id": "x",
                }
            }
        long = self.exchange_tokens.get(params.get("fb_exchange_token", ""))
        if long is None:
            return error("expired")
        self.tokens[long] = TokenInfo("user", (UMA_IG,))
        self.tokens["PAGE-TOKEN-SENTINEL-43"] = TokenInfo("page", (UMA_IG,))
        body = fixture("oauth.json")["exchange"]
        body["access_token"] = long
        return 200, body

    def _me(self, rest: list[str], params: dict[str, str], info: TokenInfo):
        oauth = fixture("oauth.json")
        if rest == ["permissions"]:
            return 200, oauth["permissions"]
        if rest == ["accounts"]:
            body = oauth["accounts"]
            body["data"][0]["access_token"] = "PAGE-TOKEN-SENTINEL-43"
            body["data"][1]["access_token"] = "PAGE-TOKEN-OTHER-44"
            return 200, body
        if info.kind == "user" and "instagram_business_account" in params.get("fields", ""):
            return error("no_field")
        return 200, oauth["me_page"]

    def _profile(self, ig_id: str, fields: str) -> dict[str, Any]:
        profile = dict(self.profiles[ig_id], media_count=len(self.media[ig_id]))
        wanted = fields.split(",") if fields else ["id"]
        return {k: v for k, v in profile.items() if k in wanted}

    def _page(self, items: list[dict[str, Any]], params: dict[str, str]):
        size = int(params.get("limit", "25"))
        start = offset_of(params.get("after"))
        wanted = params.get("fields", "id").split(",")
        chunk = [{k: v for k, v in i.items() if k in wanted} for i in items[start : start + size]]
        body = copy.deepcopy(self.page_shape)
        body["data"] = chunk
        after = params.get("after") if self.repeat_cursor and start else cursor(start + size)
        body["paging"]["cursors"] = {"before": cursor(start), "after": after}
        if start + size < len(items) or (self.repeat_cursor and chunk):
            # Meta's next link embeds the token: a client that follows it would leak it
            body["paging"]["next"] = body["paging"]["next"].replace(
                "after=QVFIUmFmdGVy", f"after={after}"
            )
        else:
            body["paging"].pop("next")
        return 200, body

    def _discovery(self, fields: str):
        match = re.match(
            r"business_discovery\.username\(([^)]+)\)\{([^{]*),media(?:\.after\(([^)]+)\))?"
            r"\.limit\((\d+)\)\{([^}]*)\}\}$",
            fields,
        )
        if not match:
            return 400, {
                "error": {"message": "(#100) Syntax error", "type": "OAuthException", "code": 100}
            }
        username, profile_fields, after, limit, media_fields = match.groups()
        ig_id = self.usernames.get(username)
        if ig_id is None:
            return error("bd_not_found", USERNAME=username)
        start, size = offset_of(after), int(limit)
        items = self.media[ig_id]
        body = copy.deepcopy(self.bd_shape)
        found = body["business_discovery"]
        profile = dict(self.profiles[ig_id], media_count=len(items))
        for key in list(found):
            if key != "media":
                found.pop(key)
        found.update({k: v for k, v in profile.items() if k in profile_fields.split(",")})
        wanted = media_fields.split(",")
        found["media"]["data"] = [
            {k: v for k, v in i.items() if k in wanted} for i in items[start : start + size]
        ]
        found["media"]["paging"]["cursors"] = {
            "before": cursor(start),
            "after": cursor(start + size),
        }
        if start + size < len(items):
            found["media"]["paging"]["next"] = "https://graph.facebook.com/…"
        return 200, body

    def _account_insights(self, ig_id: str, params: dict[str, str]):
        metrics = params.get("metric", "").split(",")
        if params.get("period") != "day" or "since" not in params or "until" not in params:
            return 400, {
                "error": {
                    "message": "(#100) period and a time range are required",
                    "type": "OAuthException",
                    "code": 100,
                }
            }
        since, until = int(params["since"]), int(params["until"])
        if until - since > 30 * 86400:
            return error("window")
        days = pacific_days(since, until)
        if days[0] < self.history_start:
            return error("too_old")
        kind = params.get("metric_type", "time_series")
        if kind == "time_series" and metrics != ["reach"]:
            others = ",".join(m for m in metrics if m != "reach")
            return error("needs_total_value", METRICS=others)
        shown = [d for d in days if d not in self.empty_days]
        if not shown:
            return 200, {"data": []}
        data = []
        for metric in metrics:
            if kind == "time_series":
                row = copy.deepcopy(INSIGHTS["time_series"]["data"][0])
                row["values"] = [
                    {
                        "value": insight_value(ig_id, d, metric),
                        "end_time": dt.datetime.combine(
                            d + dt.timedelta(days=1), dt.time(), PACIFIC
                        )
                        .astimezone(dt.UTC)
                        .strftime("%Y-%m-%dT%H:%M:%S+0000"),
                    }
                    for d in shown
                ]
            elif metric == "follows_and_unfollows":
                row = copy.deepcopy(INSIGHTS["follows"])
                follows = sum(insight_value(ig_id, d, "follows") for d in shown)
                unfollows = sum(insight_value(ig_id, d, "unfollows") for d in shown)
                row["total_value"]["value"] = follows + unfollows
                if params.get("breakdown") == "follow_type":
                    results = row["total_value"]["breakdowns"][0]["results"]
                    results[0]["value"], results[1]["value"] = follows, unfollows
                    # Meta leaves out a follow type with nothing in it
                    row["total_value"]["breakdowns"][0]["results"] = [
                        r for r in results if r["value"]
                    ]
                else:
                    row["total_value"].pop("breakdowns")
            else:
                row = copy.deepcopy(INSIGHTS["total_value"])
                row["total_value"]["value"] = sum(insight_value(ig_id, d, metric) for d in shown)
            row["name"] = metric
            row["id"] = f"{ig_id}/insights/{metric}/day"
            data.append(row)
        return 200, {"data": data}

    def _media_insights(self, media_id: str, params: dict[str, str]):
        item = next(
            (m for items in self.media.values() for m in items if m["id"] == media_id), None
        )
        if item is None:
            return 400, {
                "error": {
                    "message": f"Unsupported get request. Object with ID "
                    f"'{media_id}' does not exist",
                    "code": 100,
                }
            }
        metrics = params.get("metric", "").split(",")
        if "ig_reels_avg_watch_time" in metrics and item.get("media_product_type") != "REELS":
            return error("reel_metric")
        if media_id in self.few_viewers:
            return error("few_viewers")
        if media_id in self.empty_media:
            return 200, {"data": []}
        data = []
        for metric in metrics:
            row = copy.deepcopy(INSIGHTS["media"])
            row["name"] = metric
            row["values"][0]["value"] = media_value(media_id, metric)
            row["id"] = f"{media_id}/insights/{metric}/lifetime"
            data.append(row)
        return 200, {"data": data}

    # -- helpers for tests --------------------------------------------------------------

    def fail(self, match: str, name: str, times: int = 1, headers: dict | None = None) -> None:
        status, body = error(name)
        self.faults.append(Fault(match, status, body, dict(headers or {}), times))

    def calls(self, pred: Callable[[str, dict[str, str]], bool]) -> int:
        return sum(1 for path, params, _ in self.requests if pred(path, params))


def serve(api: FakeGraph) -> tuple[ThreadingHTTPServer, str]:
    """Start the server on a free loopback port; returns it and its API root URL."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the http.server API
            parsed = urlparse(self.path)
            headers = {k.lower(): v for k, v in self.headers.items()}
            status, body, extra, truncate, drip = api.answer(parsed.path, parsed.query, headers)
            if isinstance(body, bytes):
                data, kind = body, "text/html; charset=utf-8"
            else:
                data, kind = json.dumps(body).encode(), "application/json; charset=UTF-8"
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data) + (100 if truncate else 0)))
            for name, value in extra.items():
                self.send_header(name, value if isinstance(value, str) else json.dumps(value))
            self.end_headers()
            if not drip:
                self.wfile.write(data)
                return
            self.wfile.flush()
            for byte in data:  # until the client gives up (then the write fails)
                time.sleep(drip)
                self.wfile.write(bytes([byte]))
                self.wfile.flush()

        def log_message(self, *args: Any) -> None:  # keep test output clean
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    api.url = f"http://127.0.0.1:{server.server_address[1]}/"
    return server, api.url
