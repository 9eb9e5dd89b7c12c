"""The command line: every command documented, every user error one clear line."""
import re

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from zaowan.cli import app

runner = CliRunner()


def _commands(group, prefix=()):
    for name, cmd in group.commands.items():
        path = (*prefix, name)
        if hasattr(cmd, "commands"):
            yield from _commands(cmd, path)
        yield path, cmd


ALL = list(_commands(get_command(app)))


@pytest.mark.parametrize("path,cmd", ALL, ids=[" ".join(p) for p, _ in ALL])
def test_every_command_has_help_and_is_in_the_readme(path, cmd):
    assert (cmd.help or "").strip(), f"zaowan {' '.join(path)} has no help text"
    result = runner.invoke(app, [*path, "--help"])
    assert result.exit_code == 0
    readme = open("README.md", encoding="utf-8").read()
    assert f"zaowan {path[0]}" in readme, f"`zaowan {path[0]}` is not documented in README.md"


def test_init_writes_a_config_that_loads(tmp_path):
    from zaowan.config import load_config

    target = tmp_path / "zaowan.toml"
    assert runner.invoke(app, ["init", str(target)]).exit_code == 0
    cfg = load_config(target)
    assert cfg.sources and cfg.show.name
    again = runner.invoke(app, ["init", str(target)])
    assert again.exit_code == 1 and "--force" in again.output


def test_missing_config_is_one_clear_line(tmp_path):
    result = runner.invoke(app, ["run", "--config", str(tmp_path / "nope.toml")])
    assert result.exit_code == 1
    assert re.search(r"error:.*not found.*zaowan init", result.output.replace("\n", " "))
    assert "Traceback" not in result.output


def test_config_without_sources_is_refused(tmp_path):
    cfg = tmp_path / "zaowan.toml"
    cfg.write_text('[show]\nname = "x"\n', encoding="utf-8")
    result = runner.invoke(app, ["run", "--config", str(cfg)])
    assert result.exit_code == 1 and "[[sources]]" in result.output


def test_desk_without_editions_says_what_to_do(tmp_path):
    cfg = tmp_path / "zaowan.toml"
    cfg.write_text('[output]\ndir = "out"\n', encoding="utf-8")
    result = runner.invoke(app, ["desk", "--config", str(cfg)])
    assert result.exit_code == 1 and "zaowan run" in result.output


def _keys(model, prefix=""):
    from pydantic import BaseModel

    for name, field in model.model_fields.items():
        yield prefix + name
        ann = field.annotation
        if isinstance(ann, type) and issubclass(ann, BaseModel) and name not in ("models",):
            yield from _keys(ann, prefix + name + ".")


@pytest.mark.parametrize("where", ["README.md", "zaowan/example.toml"])
def test_every_config_key_is_documented(where):
    """README and `zaowan init` show every key (the router's keys are documented in docs/models.md)."""
    from zaowan.config import Config

    text = open(where, encoding="utf-8").read()
    missing = [k for k in _keys(Config) if "." in k and f"[{k}." not in text
               and not re.search(rf"(^|[\s#{{,]){re.escape(k.split('.')[-1])}\s*=", text, re.M)]
    assert not missing, f"{where} does not show: {missing}"
