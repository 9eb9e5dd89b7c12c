"""Configuration: `zaowan.toml` parsed into typed, validated settings.

Every key has a default except the sources; `zaowan init` writes a commented example.
"""
from __future__ import annotations

import tomllib
from pathlib import Path

from pydantic import BaseModel, Field, ValidationError, field_validator

from .errors import ConfigError
from .models.config import ModelsConfig


class ShowConfig(BaseModel):
    name: str = "早晚AI报"
    host: str = "晓晓"
    greeting: str = "大家好，欢迎收听新一期的早晚AI报，我是主播晓晓。今天的AI圈又有不少新动静，咱们一条一条来聊。"
    signoff: str = "今天的节目就到这里，我们下期再见。"
    timezone: str = "Asia/Shanghai"
    author: str = "zaowan"
    description: str = "每天早晚两期的AI新闻播客，由zaowan自动编辑、核实和播报。"
    site_url: str = "http://127.0.0.1:8000/"
    language: str = "zh-cn"


class SourceConfig(BaseModel):
    name: str
    url: str
    tier: int = Field(2, ge=1, le=3)
    kind: str = "auto"  # auto | rss | atom | jsonfeed | page | file | folder
    owner: str = ""  # sources with one owner count once for corroboration

    @field_validator("name")
    @classmethod
    def _name_not_blank(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("source name must not be empty")
        return v


class NetworkConfig(BaseModel):
    allow_hosts: list[str] = Field(default_factory=list)
    timeout_s: float = 20.0
    connect_timeout_s: float = 5.0
    max_bytes: int = 15 * 1024 * 1024
    max_redirects: int = 5
    per_host_concurrency: int = 2
    user_agent: str = "zaowan/0.1 (+https://github.com/zaowan; AI newsroom feed reader)"


class EditionWindow(BaseModel):
    window_hours: float = 14.0


class EditionConfig(BaseModel):
    morning: EditionWindow = EditionWindow(window_hours=14)
    evening: EditionWindow = EditionWindow(window_hours=12)
    full_stories: int = 6
    short_stories: int = 4
    full_story_chars: int = 330  # per story; Full lands around 5-8 minutes of speech
    short_story_chars: int = 200  # Short lands around 2-3 minutes
    full_sentences: int = 5  # most sentences per story (the offline editor's extract length)
    short_sentences: int = 3
    review_rounds: int = 2  # deputy-editor send-backs before the offline repairs apply
    aired_lookback: int = 6  # editions whose stories count as already aired


class DeskConfig(BaseModel):
    topics: list[str] = Field(default_factory=lambda: ["AI", "人工智能", "大模型", "模型", "芯片", "机器人", "智能体"])
    min_independent_sources_low_tier: int = 2
    max_stories_per_company: int = 2


class TTSEngineConfig(BaseModel):
    """Overrides for one vendor TTS engine; unset fields keep the engine's own profile."""

    base_url: str = ""
    model: str = ""
    key_env: str = ""
    voices: dict[str, str] = Field(default_factory=dict)  # speaker (host, cohost) -> vendor voice id
    max_chars: int = 0
    timeout_s: float = 60.0
    retries: int = 2


class VoiceConfig(BaseModel):
    engine: str = "kokoro"  # kokoro | espeak
    host_voice: str = "zf_xiaoxiao"
    speed: float = 1.0
    lexicon: dict[str, str] = Field(default_factory=dict)
    # Engines tried in order for every segment; empty means [engine]. The local voice is always
    # appended last so a run without keys or network still speaks.
    chain: list[str] = Field(default_factory=list)
    cohost_voice: str = "zm_yunyang"
    engines: dict[str, TTSEngineConfig] = Field(default_factory=dict)
    model_dir: str = ""  # where the joined Kokoro model is cached; empty: ~/.cache/zaowan
    asr_check: bool = False  # Whisper back-check of every voiced chunk (needs faster-whisper)
    asr_max_cer: float = 0.25  # above this error rate (toneless syllables) a chunk is re-voiced by the next engine


class AudioConfig(BaseModel):
    target_lufs: float | None = None  # None: -16 LUFS for stereo, -19 for mono (the podcast norms)
    true_peak_db: float = -1.5
    bitrate: str = "128k"
    story_pause_s: float = 0.6
    channels: int = Field(2, ge=1, le=2)
    cover: str = ""  # path to a JPEG/PNG; empty: a generated cover
    stings: bool = True  # generated intro/outro stings

    @property
    def loudness_target(self) -> float:
        if self.target_lufs is not None:
            return self.target_lufs
        return -16.0 if self.channels == 2 else -19.0


class OutputConfig(BaseModel):
    dir: str = "out"


class StoreConfig(BaseModel):
    path: str = ""  # default: <output dir>/zaowan.db


class Config(BaseModel):
    show: ShowConfig = ShowConfig()
    sources: list[SourceConfig] = Field(default_factory=list)
    network: NetworkConfig = NetworkConfig()
    edition: EditionConfig = EditionConfig()
    desk: DeskConfig = DeskConfig()
    voice: VoiceConfig = VoiceConfig()
    audio: AudioConfig = AudioConfig()
    output: OutputConfig = OutputConfig()
    store: StoreConfig = StoreConfig()
    models: ModelsConfig = ModelsConfig()

    def out_dir(self) -> Path:
        return Path(self.output.dir)

    def db_path(self) -> Path:
        return Path(self.store.path) if self.store.path else self.out_dir() / "zaowan.db"


def parse_config(data: dict) -> Config:
    try:
        return Config.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ConfigError(f"config key {where}: {first['msg']}") from exc


def load_config(path: str | Path) -> Config:
    p = Path(path)
    if not p.exists():
        raise ConfigError(f"config file {p} not found (run `zaowan init` to write an example)")
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{p}: not valid TOML: {exc}") from exc
    cfg = parse_config(data)
    # Relative paths in a config file are relative to the file, not to the caller's cwd.
    if not Path(cfg.output.dir).is_absolute():
        cfg.output.dir = str((p.parent / cfg.output.dir).resolve())
    for s in cfg.sources:
        if "://" not in s.url and not Path(s.url).is_absolute():
            s.url = str((p.parent / s.url).resolve())
    return cfg
