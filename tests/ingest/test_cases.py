"""Fixture cases in feedparser's style: each file under tests/fixtures/ingest/cases/ describes
itself (`description`), what the loopback server answers (`[[route]]`) and what the run must
report (`[expect]`). One test runs them all against a real 127.0.0.1 server.

Body placeholders: `{base}` is the server's base URL; `{rfc822:+3d}` / `{iso:-2h}` are dates
relative to the run's clock (so "fresh" and "future" stay true whenever the suite runs).
"""
from __future__ import annotations

import gzip
import re
import tomllib
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path

import pytest

from zaowan.config import SourceConfig
from zaowan.ingest import ingest

from .conftest import make_config
from .server import Route

CASES = sorted((Path(__file__).parents[1] / "fixtures" / "ingest" / "cases").glob("*.toml"))
NOW = datetime.now(timezone.utc).replace(microsecond=0)
_UNITS = {"m": "minutes", "h": "hours", "d": "days"}


def render(text: str, base: str) -> str:
    def date(m: re.Match) -> str:
        sign = -1 if m.group(2) == "-" else 1
        when = NOW + sign * timedelta(**{_UNITS[m.group(4)]: int(m.group(3))})
        return format_datetime(when) if m.group(1) == "rfc822" else when.isoformat()

    text = re.sub(r"\{(rfc822|iso):([+-])(\d+)([mhd])\}", date, text)
    return text.replace("{base}", base)


def build_body(spec: dict, base: str) -> bytes:
    gen = spec.get("generate", "")
    if gen.startswith("zeros:"):
        body = b"\0" * int(gen.split(":")[1])
    elif gen.startswith("padded_rss:"):
        pad = b"<!-- " + b"x" * int(gen.split(":")[1]) + b" -->"
        body = b'<?xml version="1.0"?><rss version="2.0"><channel><title>big</title>' + pad + b"</channel></rss>"
    else:
        body = render(spec.get("body", ""), base).encode(spec.get("encode", "utf-8"))
    return gzip.compress(body, compresslevel=9) if spec.get("gzip") else body


def build_route(spec: dict, base: str) -> Route:
    headers = dict(spec.get("headers", {}))
    if "content_type" in spec:
        headers["Content-Type"] = spec["content_type"]
    if spec.get("gzip"):
        headers["Content-Encoding"] = "gzip"
    headers = {k: render(v, base) for k, v in headers.items()}
    return Route(status=spec.get("status", 200), body=build_body(spec, base), headers=headers,
                 delay_s=spec.get("delay_s", 0.0), trickle_s=spec.get("trickle_s", 0.0),
                 sequence=[build_route(s, base) for s in spec.get("sequence", [])])


@pytest.mark.parametrize("case_file", CASES, ids=[c.stem for c in CASES])
def test_case(case_file: Path, server, store):
    case = tomllib.loads(case_file.read_text(encoding="utf-8"))
    assert case.get("description"), f"{case_file.name} must describe itself"
    for spec in case.get("route", []):
        server.routes[spec["path"]] = build_route(spec, server.base)
    url = render(case.get("url", "{base}/feed"), server.base)
    cfg = make_config([SourceConfig(name="case", url=url, kind=case.get("kind", "auto"))],
                      **case.get("network", {}))

    report = ingest(cfg, store, now=NOW)  # must not raise, whatever the case

    exp = case["expect"]
    res = report.sources[0]
    got = f"{res.status}/{res.reason}: {res.detail}"
    assert res.status == exp["status"], got
    assert res.reason == exp.get("reason", ""), got
    for key in ("items", "new", "truncated"):
        if key in exp:
            assert getattr(res, key) == exp[key], f"{key}: {got}"
    for needle in exp.get("detail_contains", []):
        assert render(needle, server.base) in res.detail, got
    log = store.fetch_log("case")
    assert log and log[-1]["status"] == res.status and (log[-1]["reason"] or "") == res.reason
    if res.status == "error":
        assert res.detail, "an error must say why"
        assert report.article_ids == []
    arts = [store.article(i) for i in report.article_ids]
    assert len(arts) == res.items
    for want, art in zip(exp.get("articles", []), arts, strict=False):
        check_article(want, art, server.base)
    assert len(exp.get("articles", [])) <= len(arts)


def check_article(want: dict, art, base: str) -> None:
    for key in ("title", "truncated", "script", "lang", "author"):
        if key in want:
            assert getattr(art, key) == want[key], (key, getattr(art, key))
    if "url" in want:
        assert art.url == render(want["url"], base)
    if "canonical_url" in want:
        assert art.canonical_url == render(want["canonical_url"], base)
    for needle in want.get("text_contains", []):
        assert needle in art.text, (needle, art.text)
    for needle in want.get("text_not_contains", []):
        assert needle not in art.text, (needle, art.text)
    for needle in want.get("original_contains", []):
        assert needle in art.text_original, (needle, art.text_original)
    for needle in want.get("truncation_contains", []):
        assert needle in art.truncation_detail, art.truncation_detail
    if "published_at" in want:
        value = want["published_at"]
        if value == "none":
            assert art.published_at is None
        elif value == "now":
            assert art.published_at == NOW
        else:
            assert art.published_at == datetime.fromisoformat(value)
    if "date_origins" in want:
        assert sorted({d.origin for d in art.dates}) == sorted(want["date_origins"]), art.dates
    if "date_note_contains" in want:
        assert any(want["date_note_contains"] in d.note for d in art.dates), art.dates
