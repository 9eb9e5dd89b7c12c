"""ID3v2.4 tags for the episode MP3: title, show, date, cover art, and a chapter per story
(ID3 CHAP frames under one ordered CTOC, which podcast apps show as a chapter list)."""
from __future__ import annotations

import struct
import zlib
from pathlib import Path

import numpy as np
from mutagen.id3 import APIC, CHAP, COMM, CTOC, ID3, TALB, TCON, TDRC, TIT2, TLAN, TPE1, CTOCFlags, ID3NoHeaderError

from ..errors import AudioError


def png_bytes(rgb: np.ndarray) -> bytes:
    """Encode an H×W×3 uint8 array as PNG with zlib only (no imaging library needed)."""
    h, w, _ = rgb.shape
    raw = b"".join(b"\x00" + rgb[y].tobytes() for y in range(h))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


def generated_cover(edition: str = "morning", size: int = 600) -> bytes:
    """A plain generated cover: a dawn (morning) or dusk (evening) sky with a sun or moon disc."""
    y, x = np.mgrid[0:size, 0:size].astype(np.float32) / size
    if edition == "evening":
        top, bottom, disc = np.array([20, 24, 64]), np.array([120, 60, 110]), np.array([245, 235, 200])
    else:
        top, bottom, disc = np.array([255, 196, 120]), np.array([250, 110, 80]), np.array([255, 245, 225])
    img = top[None, None, :] * (1 - y[..., None]) + bottom[None, None, :] * y[..., None]
    inside = ((x - 0.5) ** 2 + (y - 0.55) ** 2) < 0.18 ** 2
    img[inside] = disc
    horizon = y > 0.72
    img[horizon] = img[horizon] * 0.55
    return png_bytes(img.clip(0, 255).astype(np.uint8))


def _mime(data: bytes) -> str:
    if data.startswith(b"\x89PNG"):
        return "image/png"
    if data.startswith(b"\xff\xd8"):
        return "image/jpeg"
    raise AudioError("cover art must be a PNG or JPEG file")


def write_tags(mp3: Path, *, title: str, show: str, date: str, author: str, language: str,
               chapters: list[dict], cover: bytes, comment: str = "") -> None:
    """Replace any tags in `mp3` with ours. Chapter times are written in milliseconds."""
    try:
        tags = ID3(str(mp3))
        tags.delete()
    except ID3NoHeaderError:
        pass
    tags = ID3()
    tags.add(TIT2(encoding=3, text=title))
    tags.add(TALB(encoding=3, text=show))
    tags.add(TPE1(encoding=3, text=author))
    tags.add(TDRC(encoding=3, text=date))
    tags.add(TCON(encoding=3, text="Podcast"))
    tags.add(TLAN(encoding=3, text=language))
    if comment:
        tags.add(COMM(encoding=3, lang="chi", desc="", text=comment))
    tags.add(APIC(encoding=3, mime=_mime(cover), type=3, desc="Cover", data=cover))
    ids = [f"ch{i}" for i in range(len(chapters))]
    if chapters:
        tags.add(CTOC(element_id="toc", flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED, child_element_ids=ids,
                      sub_frames=[TIT2(encoding=3, text="章节")]))
    for cid, ch in zip(ids, chapters):
        tags.add(CHAP(element_id=cid, start_time=int(ch["start_s"] * 1000), end_time=int(ch["end_s"] * 1000),
                      start_offset=0xFFFFFFFF, end_offset=0xFFFFFFFF, sub_frames=[TIT2(encoding=3, text=ch["title"])]))
    tags.save(str(mp3), v2_version=4)
