"""A loopback HTTP server (127.0.0.1 only) that plays back scripted replies and records requests."""
from __future__ import annotations

import json
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np

from zaowan.audio.ffmpeg import ffmpeg_exe


def mp3_bytes(seconds: float = 2.0) -> bytes:
    """A real MP3 of speech-like tone bursts, encoded by the bundled ffmpeg."""
    sr = 24000
    t = np.arange(int(seconds * sr)) / sr
    pcm = (0.3 * np.sin(np.pi * t * 5) ** 2 * np.sin(2 * np.pi * 220 * t)).astype("<f4")
    proc = subprocess.run([ffmpeg_exe(), "-hide_banner", "-f", "f32le", "-ar", str(sr), "-ac", "1", "-i", "pipe:0",
                           "-c:a", "libmp3lame", "-b:a", "64k", "-f", "mp3", "pipe:1"],
                          input=pcm.tobytes(), capture_output=True, check=True)
    return proc.stdout


class Reply:
    def __init__(self, status: int = 200, body: bytes | dict = b"", content_type: str = "audio/mpeg",
                 delay_s: float = 0.0):
        self.status = status
        self.body = json.dumps(body).encode() if isinstance(body, dict) else body
        self.content_type = "application/json" if isinstance(body, dict) else content_type
        self.delay_s = delay_s


class Loopback:
    def __init__(self):
        self.replies: list[Reply] = []
        self.requests: list[dict] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                owner.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
                reply = owner.replies.pop(0) if owner.replies else Reply(500, b"no reply scripted")
                if reply.delay_s:
                    threading.Event().wait(reply.delay_s)
                try:
                    self.send_response(reply.status)
                    self.send_header("Content-Type", reply.content_type)
                    self.send_header("Content-Length", str(len(reply.body)))
                    self.end_headers()
                    self.wfile.write(reply.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout test)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def json(self, i: int = -1) -> dict:
        return json.loads(self.requests[i]["body"])
