"""Publishing: scripts, episode.json, web pages and the podcast feed, written under the output dir."""
from __future__ import annotations

import json
from pathlib import Path

from ..config import Config
from ..errors import PublishError
from ..records import Edition
from ..store import Store
from .rss import FeedChannel, FeedEpisode, build_feed
from .script_md import render_script
from .site import episode_page, index_page

EDITION_LABEL = {"morning": "早报", "evening": "晚报"}


def edition_title(cfg: Config, ed: Edition) -> str:
    y, m, d = (int(x) for x in ed.date.split("-"))
    return f"{cfg.show.name} {y}/{m}/{d} {EDITION_LABEL[ed.edition]}"


def episode_document(cfg: Config, store: Store, ed: Edition) -> dict:
    """The machine-readable record of one edition (the contract acceptance checks read)."""
    full = store.script(ed.id, "full")
    if full is None:
        raise PublishError(f"edition {ed.id} has no Full script yet; run the write stage first")
    stories = {s.id: s for s in store.stories(ed.id)}
    texts = {line.story_id: line.text for line in full.stories}
    doc_stories = [
        {"id": sid, "title": stories[sid].title, "status": stories[sid].status, "text": texts.get(sid, ""),
         "sources": [src.model_dump() for src in stories[sid].sources], "reasons": stories[sid].reasons}
        for sid in ed.full if sid in stories
    ]
    dropped = [{"url": d.url, "title": d.title, "source": d.source, "reason": d.reason.value if d.reason else "",
                "detail": d.detail, "story_id": d.story_id}
               for d in store.decisions(ed.id) if not d.kept]
    audio = {}
    for variant in ("full", "short"):
        info = store.audio(ed.id, variant)
        if info:
            audio[variant] = info.model_dump()
    return {
        "id": ed.id, "edition": ed.edition, "date": ed.date, "title": full.title,
        "published_at": (ed.published_at or ed.started_at).isoformat(),
        "hooks": full.hooks, "keywords": full.keywords, "stories": doc_stories,
        "short_story_ids": ed.short, "dropped": dropped, "audio": audio,
        "scripts": {"full": "full.md", "short": "short.md"},
        "review_notes": full.review_notes, "run_notes": ed.notes,
    }


def write_episode(cfg: Config, store: Store, ed: Edition, out_dir: Path) -> Path:
    ep_dir = out_dir / "episodes" / ed.id
    ep_dir.mkdir(parents=True, exist_ok=True)
    for variant in ("full", "short"):
        script = store.script(ed.id, variant)
        if script is None:
            raise PublishError(f"edition {ed.id} has no {variant} script")
        (ep_dir / f"{variant}.md").write_text(render_script(script), encoding="utf-8")
    doc = episode_document(cfg, store, ed)
    (ep_dir / "episode.json").write_text(json.dumps(doc, ensure_ascii=False, indent=2), encoding="utf-8")
    (ep_dir / "index.html").write_text(episode_page(doc), encoding="utf-8")
    return ep_dir


def write_site(cfg: Config, out_dir: Path) -> None:
    """Rebuild feed.xml and index.html from every episode.json under the output dir."""
    docs = []
    for p in sorted((out_dir / "episodes").glob("*/episode.json")):
        try:
            docs.append(json.loads(p.read_text(encoding="utf-8")))
        except (OSError, json.JSONDecodeError) as exc:
            raise PublishError(f"{p}: unreadable episode record ({exc})") from exc
    episodes = []
    for doc in docs:
        for variant, label in (("full", "完整版"), ("short", "精简版")):
            audio = doc.get("audio", {}).get(variant)
            if not audio:
                continue
            mp3 = out_dir / "episodes" / doc["id"] / audio["path"]
            episodes.append(FeedEpisode(
                guid=f"{doc['id']}-{variant}", title=f"{doc['title']}（{label}）",
                published_at=doc["published_at"], summary=" ".join(doc["hooks"]),
                notes_html=_notes_html(doc), audio_path=f"episodes/{doc['id']}/{audio['path']}",
                audio_bytes=mp3.stat().st_size if mp3.exists() else 0, duration_s=audio["duration_s"],
                page_path=f"episodes/{doc['id']}/index.html"))
    channel = FeedChannel(title=cfg.show.name, site_url=cfg.show.site_url, description=cfg.show.description,
                          author=cfg.show.author, language=cfg.show.language)
    (out_dir / "feed.xml").write_bytes(build_feed(channel, episodes))
    (out_dir / "index.html").write_text(index_page(cfg.show.name, cfg.show.description, docs), encoding="utf-8")


def _notes_html(doc: dict) -> str:
    from html import escape

    items = []
    for s in doc["stories"]:
        links = "、".join(f'<a href="{escape(x["url"])}">{escape(x["source"])}</a>' for x in s["sources"])
        items.append(f"<li>{escape(s['title'])}（来源：{links}）</li>")
    tags = " ".join(f"#{escape(k)}" for k in doc["keywords"])
    return f"<ul>{''.join(items)}</ul><p>{tags}</p>"
