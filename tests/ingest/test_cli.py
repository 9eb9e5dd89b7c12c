"""`zaowan sources …` against a real config file, a real store and a loopback server."""
from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from zaowan.errors import ParseError
from zaowan.ingest.cli import sources_app
from zaowan.ingest.opml import parse_opml

from .server import Route

OPML = Path(__file__).parents[1] / "fixtures" / "ingest" / "opml"
runner = CliRunner()

CONFIG = """# my newsroom
[show]
name = "测试台"  # keep this comment

# feeds below
[[sources]]
name = "first"
url = "https://first.example.com/rss"  # the first one
tier = 1

[output]
dir = "out"
"""


@pytest.fixture
def cfg_file(tmp_path):
    path = tmp_path / "zaowan.toml"
    path.write_text(CONFIG, encoding="utf-8")
    return path


def sources_in(path: Path) -> list[dict]:
    return tomllib.loads(path.read_text(encoding="utf-8")).get("sources", [])


def test_every_command_has_help():
    for cmd in ("list", "add", "remove", "check", "import"):
        result = runner.invoke(sources_app, [cmd, "--help"])
        assert result.exit_code == 0 and "--config" in result.output, cmd
    for info in sources_app.registered_commands:
        assert (info.callback.__doc__ or "").strip(), info.name


def test_add_and_remove_keep_comments(cfg_file):
    result = runner.invoke(sources_app, ["add", "second", "https://second.example.com/atom", "--tier", "3",
                                         "--config", str(cfg_file)])
    assert result.exit_code == 0, result.output
    text = cfg_file.read_text(encoding="utf-8")
    assert "# keep this comment" in text and "# the first one" in text and "# feeds below" in text
    assert [(s["name"], s["tier"]) for s in sources_in(cfg_file)] == [("first", 1), ("second", 3)]
    dup = runner.invoke(sources_app, ["add", "second", "https://x.example.com/", "--config", str(cfg_file)])
    assert dup.exit_code == 1 and "already" in dup.output
    assert runner.invoke(sources_app, ["remove", "first", "--config", str(cfg_file)]).exit_code == 0
    assert [s["name"] for s in sources_in(cfg_file)] == ["second"]
    assert "# keep this comment" in cfg_file.read_text(encoding="utf-8")
    missing = runner.invoke(sources_app, ["remove", "nope", "--config", str(cfg_file)])
    assert missing.exit_code == 1 and "no source named 'nope'" in missing.output


def test_add_refuses_bad_urls_and_tiers(cfg_file):
    before = cfg_file.read_text(encoding="utf-8")
    bad = runner.invoke(sources_app, ["add", "x", "file:///etc/passwd", "--config", str(cfg_file)])
    assert bad.exit_code == 1 and "file://" in bad.output
    assert runner.invoke(sources_app, ["add", "y", "https://y.example/", "--tier", "7",
                                       "--config", str(cfg_file)]).exit_code != 0
    assert cfg_file.read_text(encoding="utf-8") == before  # nothing half-written


def test_import_opml(cfg_file):
    result = runner.invoke(sources_app, ["import", str(OPML / "subscriptions.opml"), "--config", str(cfg_file)])
    assert result.exit_code == 0, result.output
    names = [s["name"] for s in sources_in(cfg_file)]
    assert names == ["first", "机器之心", "科技 (AI)", "Atom One", "科技 (综合)"]
    again = runner.invoke(sources_app, ["import", str(OPML / "subscriptions.opml"), "--config", str(cfg_file)])
    assert "imported 0 of 4" in again.output and len(sources_in(cfg_file)) == 5


def test_opml_with_entities_is_refused():
    with pytest.raises(ParseError) as exc:
        parse_opml((OPML / "entities.opml").read_bytes())
    assert exc.value.reason == "xml_entities"
    with pytest.raises(ParseError):
        parse_opml(b"<rss/>")


def test_check_and_list_show_health(tmp_path, server):
    server.routes["/feed"] = Route(body=b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
                                        b'</channel></rss>', headers={"Content-Type": "application/rss+xml"})
    cfg = tmp_path / "zaowan.toml"
    cfg.write_text(f"""[network]
allow_hosts = ["127.0.0.1"]
timeout_s = 3.0

[[sources]]
name = "loop"
url = "{server.url('/feed')}"

[[sources]]
name = "gone"
url = "{server.url('/missing')}"

[[sources]]
name = "later"
url = "https://later.example.com/rss"
""", encoding="utf-8")
    result = runner.invoke(sources_app, ["check", "loop", "--config", str(cfg)])
    assert result.exit_code == 0, result.output
    assert "empty_feed" in result.output
    failed = runner.invoke(sources_app, ["check", "gone", "--config", str(cfg)])
    assert failed.exit_code == 1 and "http_404" in failed.output
    listing = runner.invoke(sources_app, ["list", "--config", str(cfg)], env={"COLUMNS": "200"})
    assert listing.exit_code == 0, listing.output
    assert "never fetched" in listing.output and "http_404" in listing.output and "ok" in listing.output
    assert (tmp_path / "out" / "zaowan.db").exists()
