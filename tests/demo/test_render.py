"""The template language: four placeholders, relative to `now`, and nothing else."""
from datetime import datetime, timezone

import pytest

from zaowan.demo.render import render, shifted
from zaowan.errors import ParseError

NOW = datetime(2026, 3, 15, 1, 30, tzinfo=timezone.utc)


def r(text: str) -> str:
    return render(text, now=NOW, base_url="http://127.0.0.1:8123/")


def test_base_has_no_trailing_slash():
    assert r("{{BASE}}/a.html") == "http://127.0.0.1:8123/a.html"


@pytest.mark.parametrize("template, expected", [
    ("{{ISO:-3h}}", "2026-03-15T06:30:00+08:00"),
    ("{{ISO:-90m}}", "2026-03-15T08:00:00+08:00"),
    ("{{ISO:+1d}}", "2026-03-16T09:30:00+08:00"),
    ("{{RFC822:-3h}}", "Sun, 15 Mar 2026 06:30:00 +0800"),
    ("{{ZHDATE:-40d}}", "2月3日"),
    ("{{ZHDATE:-0d}}", "3月15日"),
])
def test_dates_are_relative_to_now_in_china_time(template, expected):
    assert r(template) == expected


def test_day_boundary_follows_beijing_not_utc():
    late = datetime(2026, 3, 15, 17, 0, tzinfo=timezone.utc)  # already 16 March in Beijing
    assert render("{{ZHDATE:-0d}}", now=late, base_url="x") == "3月16日"


def test_naive_now_is_utc():
    assert shifted(NOW.replace(tzinfo=None), "0h") == shifted(NOW, "0h")


@pytest.mark.parametrize("bad", ["{{BASE_URL}}", "{{ISO:-3y}}", "{{ISO:3 h}}", "{{TODAY}}", "{{iso:-3h}}"])
def test_unknown_placeholders_fail_loudly(bad):
    with pytest.raises(ParseError):
        r(f"before {bad} after")


def test_text_without_placeholders_is_untouched():
    text = "<p>价格为 $0.12，{单个花括号} 不变</p>"
    assert r(text) == text
