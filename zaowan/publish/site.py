"""Static web pages: the show's index and one page per episode (pure: data in, HTML out).
Every string goes through html.escape; every story links its sources."""
from __future__ import annotations

from html import escape

_CSS = """
body{font-family:system-ui,"PingFang SC","Noto Sans CJK SC",sans-serif;max-width:760px;margin:2rem auto;padding:0 1rem;line-height:1.7;color:#222}
h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2rem}audio{width:100%}
.hooks li{font-weight:600}.story{margin:1.2rem 0}.sources{font-size:.9rem;color:#555}
table{border-collapse:collapse;font-size:.85rem}td,th{border:1px solid #ddd;padding:.3rem .5rem;text-align:left}
.muted{color:#777;font-size:.85rem}
"""


def _page(title: str, body: str) -> str:
    return (f'<!doctype html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape(title)}</title><style>{_CSS}</style>"
            f'<link rel="alternate" type="application/rss+xml" href="../../feed.xml"></head>'
            f"<body>{body}</body></html>\n")


def _player(label: str, src: str, duration_s: float) -> str:
    return (f'<h2>{escape(label)} <span class="muted">{duration_s / 60:.1f} 分钟</span></h2>'
            f'<audio controls preload="none" src="{escape(src)}"></audio>')


def episode_page(ep: dict) -> str:
    """`ep` is the episode.json document."""
    parts = [f"<h1>{escape(ep['title'])}</h1>", f'<p class="muted">发布于 {escape(ep["published_at"])}</p>']
    for variant, label in (("full", "完整版"), ("short", "精简版")):
        audio = ep.get("audio", {}).get(variant)
        if audio:
            parts.append(_player(label, audio["path"], audio["duration_s"]))
    parts.append('<h2>本期三问</h2><ul class="hooks">' + "".join(f"<li>{escape(h)}</li>" for h in ep["hooks"]) + "</ul>")
    parts.append("<h2>新闻与来源</h2>")
    for s in ep["stories"]:
        links = "".join(f'<li><a href="{escape(src["url"])}" rel="noopener">{escape(src["title"])}</a> — {escape(src["source"])}</li>'
                        for src in s["sources"])
        text = f"<p>{escape(s['text'])}</p>" if s.get("text") else ""
        parts.append(f'<div class="story"><h3>{escape(s["title"])}</h3>{text}<ul class="sources">{links}</ul></div>')
    parts.append("<h2>本期关键词</h2><p>" + " ".join(f"#{escape(k)}" for k in ep["keywords"]) + "</p>")
    if ep.get("dropped"):
        rows = "".join(f'<tr><td><a href="{escape(d["url"])}">{escape(d["title"])}</a></td><td>{escape(d["reason"])}</td>'
                       f'<td>{escape(d["detail"])}</td></tr>' for d in ep["dropped"])
        parts.append('<h2>未播出的稿件</h2><table><tr><th>稿件</th><th>原因</th><th>说明</th></tr>' + rows + "</table>")
    parts.append('<p class="muted"><a href="../../index.html">全部节目</a> · <a href="../../feed.xml">RSS</a></p>')
    return _page(ep["title"], "".join(parts))


def index_page(show_name: str, description: str, episodes: list[dict]) -> str:
    items = "".join(
        f'<li><a href="episodes/{escape(e["id"])}/index.html">{escape(e["title"])}</a>'
        f' <span class="muted">{escape(e["published_at"][:16].replace("T", " "))} · {len(e["stories"])} 条新闻</span></li>'
        for e in sorted(episodes, key=lambda e: e["published_at"], reverse=True))
    body = (f"<h1>{escape(show_name)}</h1><p>{escape(description)}</p>"
            f'<p><a href="feed.xml">订阅 RSS</a></p><ul>{items}</ul>')
    return _page(show_name, body).replace('href="../../feed.xml"', 'href="feed.xml"')
