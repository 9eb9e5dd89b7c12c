"""`zaowan models`, `doctor` and `logs` through typer's runner, against the loopback fake."""
from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from zaowan.config import load_config
from zaowan.models import ChatRequest, Router
from zaowan.models.cli import doctor_cmd, logs_cmd, models_cmd
from zaowan.store.db import Store

from .conftest import KEYS

DOCS = Path(__file__).resolve().parents[2] / "docs" / "models.md"


@pytest.fixture
def app():
    a = typer.Typer()
    a.command("models")(models_cmd)
    a.command("doctor")(doctor_cmd)
    a.command("logs")(logs_cmd)
    return a


@pytest.fixture
def toml(tmp_path, fake):
    path = tmp_path / "zaowan.toml"
    path.write_text(f"""
[output]
dir = "out"

[models.providers.cn]
kind = "openai"
base_url = "{fake.openai_url}"
key_env = "FAKE_CN_KEY"
region = "cn"
models = {{ "cn-small" = {{ context = 4000, price_in = 2, price_out = 8, currency = "CNY" }} }}

[models.providers.us]
kind = "anthropic"
base_url = "{fake.anthropic_url}"
key_env = "FAKE_US_KEY"
models = {{ "us-model" = {{ context = 200000, price_in = 1, price_out = 5 }} }}

[models.roles]
writer = ["cn/cn-small", "us/us-model", "offline"]
""", encoding="utf-8")
    return path


def test_models_lists_chains_and_names_missing_keys(app, toml, monkeypatch):
    monkeypatch.setenv("FAKE_CN_KEY", KEYS["FAKE_CN_KEY"])
    monkeypatch.delenv("FAKE_US_KEY", raising=False)
    out = CliRunner().invoke(app, ["models", "-c", str(toml)])
    assert out.exit_code == 0, out.output
    line = next(x for x in out.output.splitlines() if x.strip().startswith("writer"))
    assert "cn/cn-small [key set] → us/us-model [missing FAKE_US_KEY] → offline" in line
    assert KEYS["FAKE_CN_KEY"] not in out.output


def test_doctor_checks_reachability_and_key_acceptance(app, toml, monkeypatch):
    monkeypatch.setenv("FAKE_CN_KEY", KEYS["FAKE_CN_KEY"])
    monkeypatch.setenv("FAKE_US_KEY", KEYS["FAKE_US_KEY"])
    for var in ("DEEPSEEK_API_KEY", "OPENAI_API_KEY", "ANTHROPIC_API_KEY", "GEMINI_API_KEY", "DASHSCOPE_API_KEY",
                "MOONSHOT_API_KEY", "ZHIPUAI_API_KEY", "MINIMAX_API_KEY"):
        monkeypatch.delenv(var, raising=False)
    out = CliRunner().invoke(app, ["doctor", "-c", str(toml), "--timeout", "3"])
    assert out.exit_code == 0, out.output
    assert "cn          key set, ok" in out.output and "us          key set, ok" in out.output
    assert "deepseek    key missing: set DEEPSEEK_API_KEY" in out.output
    assert "writer           leads with cn/cn-small" in out.output
    assert "tagger           offline editor only" in out.output

    monkeypatch.setenv("FAKE_US_KEY", "a-wrong-key-123456")
    out = CliRunner().invoke(app, ["doctor", "-c", str(toml), "--timeout", "3"])
    assert out.exit_code == 1 and "rejected: HTTP 401 (check FAKE_US_KEY)" in out.output
    assert "a-wrong-key-123456" not in out.output


def test_doctor_reports_an_unreachable_local_server(app, tmp_path, monkeypatch):
    path = tmp_path / "z.toml"
    path.write_text('[models.providers.llamacpp]\nbase_url = "http://127.0.0.1:9/v1"\n'
                    '[models.roles]\nwriter = ["llamacpp/local", "offline"]\n', encoding="utf-8")
    out = CliRunner().invoke(app, ["doctor", "-c", str(path), "--timeout", "1"])
    assert out.exit_code == 1 and "llamacpp    key not needed, unreachable: ConnectError" in out.output


def test_logs_shows_attempts_with_reasons(app, toml, fake, monkeypatch):
    from zaowan.testing.fake_llm import status

    cfg = load_config(toml)
    store = Store(cfg.db_path())
    fake.script("cn-small", status(401))
    router = Router.from_config(cfg, store, "2026-11-22-morning", env=KEYS)
    asyncio.run(router.complete(ChatRequest(role="writer", messages=[{"role": "user", "content": "hi"}])))
    asyncio.run(router.aclose())
    store.close()
    out = CliRunner().invoke(app, ["logs", "-c", str(toml), "--edition", "2026-11-22-morning"])
    assert out.exit_code == 0, out.output
    assert "writer          cn/cn-small #1 error (http_401)" in out.output
    assert "us/us-model #2 ok" in out.output and "2 attempts, 1 answers" in out.output
    assert "no calls logged for edition other" in CliRunner().invoke(app, ["logs", "-c", str(toml), "-e", "other"]).output


def test_bad_config_is_one_clear_line(app, tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text('[models.roles]\nwriter = ["nope/x"]\n', encoding="utf-8")
    out = CliRunner().invoke(app, ["models", "-c", str(path)])
    assert out.exit_code == 1 and "unknown provider 'nope'" in out.output


@pytest.mark.parametrize("cmd", ["models", "doctor", "logs"])
def test_every_command_has_help_and_docs(app, cmd):
    out = CliRunner().invoke(app, [cmd, "--help"])
    assert out.exit_code == 0 and len(out.output) > 100
    assert f"zaowan {cmd}" in DOCS.read_text(encoding="utf-8")
