"""Feed templates for the demo newsroom: RSS 2.0, Atom 1.0 and JSON Feed 1.1 (pure).

Each item says how much of its text the feed carries, as real feeds differ:

    summary    a one-paragraph summary only (readers must fetch the page)
    full       the summary plus the whole article as HTML
    cut        the text cut off at the item's `cut_at` marker, then "……"
    cut_more   the same, ending in "……阅读全文" (a "read more" teaser)

Guids/ids are stable strings that do not contain the server's port, so the same item keeps
its identity across demo runs.
"""
from __future__ import annotations

import html
import json
from typing import Callable

from ..errors import ConfigError

PagePath = Callable[[dict, dict], str]


def paragraphs(body: str) -> list[str]:
    """Blank-line separated paragraphs, each folded onto one line."""
    return [" ".join(line.strip() for line in block.splitlines()).strip()
            for block in body.strip().split("\n\n") if block.strip()]


def summary_of(item: dict) -> str:
    """The item's own summary, else its first paragraph."""
    return item.get("summary") or paragraphs(item["body"])[0]


def cut_paragraphs(item: dict) -> list[str]:
    """The paragraphs up to and including the `cut_at` marker, the last one ending there."""
    marker = item.get("cut_at", "")
    out = []
    for para in paragraphs(item["body"]):
        if marker and marker in para:
            out.append(para[: para.index(marker) + len(marker)])
            return out
        out.append(para)
    raise ConfigError(f"item {item['slug']!r}: cut_at {marker!r} not found in its body")


def feed_parts(item: dict) -> tuple[str, str]:
    """(summary HTML, full-content HTML or "") the feed carries for this item."""
    mode = item["feed_text"]
    as_html = lambda ps: "".join(f"<p>{html.escape(p)}</p>" for p in ps)  # noqa: E731
    if mode == "summary":
        return as_html([summary_of(item)]), ""
    if mode == "full":
        return as_html([summary_of(item)]), as_html(paragraphs(item["body"]))
    if mode in ("cut", "cut_more"):
        paras = cut_paragraphs(item)
        paras[-1] += "……" if mode == "cut" else "……阅读全文"
        return as_html(paras), ""
    raise ConfigError(f"item {item['slug']!r}: unknown feed_text {mode!r}")


def _item_url(src: dict, item: dict, page_path: PagePath) -> str:
    return "{{BASE}}/" + page_path(src, item) + src.get("link_query", "")


def _guid(src: dict, item: dict) -> str:
    return f"tag:{src['site']['domain']},2024:{item['slug']}"


def _cdata(text: str) -> str:
    if "]]>" in text:
        raise ConfigError("feed text may not contain ']]>'")
    return f"<![CDATA[{text}]]>"


def render_rss(src: dict, items: list[dict], page_path: PagePath) -> str:
    x = html.escape
    site = src["site"]
    rows = []
    for item in items:
        summary, full = feed_parts(item)
        cats = "".join(f"<category>{x(t)}</category>" for t in item.get("tags", []))
        rows.append(
            "  <item>\n"
            f"    <title>{x(item['title'])}</title>\n"
            f"    <link>{x(_item_url(src, item, page_path))}</link>\n"
            f'    <guid isPermaLink="false">{x(_guid(src, item))}</guid>\n'
            f"    <pubDate>{{{{RFC822:{item['at']}}}}}</pubDate>\n"
            f"    <dc:creator>{x(item.get('author', site['name']))}</dc:creator>\n"
            + (f"    {cats}\n" if cats else "")
            + f"    <description>{x(summary)}</description>\n"
            + (f"    <content:encoded>{_cdata(full)}</content:encoded>\n" if full else "")
            + "  </item>")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom">\n'
            "<channel>\n"
            f"  <title>{x(site['feed_title'])}</title>\n"
            f"  <link>{{{{BASE}}}}/{src['page_dir']}/</link>\n"
            f"  <description>{x(site['description'])}</description>\n"
            f"  <language>{x(src['language'].lower())}</language>\n"
            "  <lastBuildDate>{{RFC822:-20m}}</lastBuildDate>\n"
            f'  <atom:link href="{{{{BASE}}}}/{src["feed"]}" rel="self" type="application/rss+xml"/>\n'
            + "\n".join(rows) + "\n</channel>\n</rss>\n")


def render_atom(src: dict, items: list[dict], page_path: PagePath) -> str:
    x = html.escape
    site = src["site"]
    rows = []
    for item in items:
        summary, full = feed_parts(item)
        cats = "".join(f'<category term="{x(t)}"/>' for t in item.get("tags", []))
        rows.append(
            "  <entry>\n"
            f"    <title>{x(item['title'])}</title>\n"
            f'    <link rel="alternate" type="text/html" href="{x(_item_url(src, item, page_path))}"/>\n'
            f"    <id>{x(_guid(src, item))}</id>\n"
            f"    <published>{{{{ISO:{item['at']}}}}}</published>\n"
            f"    <updated>{{{{ISO:{item['at']}}}}}</updated>\n"
            f"    <author><name>{x(item.get('author', site['name']))}</name></author>\n"
            + (f"    {cats}\n" if cats else "")
            + f'    <summary type="html">{x(summary)}</summary>\n'
            + (f'    <content type="html">{x(full)}</content>\n' if full else "")
            + "  </entry>")
    return ('<?xml version="1.0" encoding="utf-8"?>\n'
            f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{x(src["language"])}">\n'
            f"  <title>{x(site['feed_title'])}</title>\n"
            f"  <subtitle>{x(site['description'])}</subtitle>\n"
            f"  <id>tag:{site['domain']},2024:feed</id>\n"
            f'  <link rel="alternate" type="text/html" href="{{{{BASE}}}}/{src["page_dir"]}/"/>\n'
            f'  <link rel="self" type="application/atom+xml" href="{{{{BASE}}}}/{src["feed"]}"/>\n'
            "  <updated>{{ISO:-20m}}</updated>\n"
            f"  <author><name>{x(site['name'])}</name></author>\n"
            + "\n".join(rows) + "\n</feed>\n")


def render_jsonfeed(src: dict, items: list[dict], page_path: PagePath) -> str:
    site = src["site"]
    out_items = []
    for item in items:
        summary, full = feed_parts(item)
        entry = {
            "id": _guid(src, item),
            "url": _item_url(src, item, page_path),
            "title": item["title"],
            "summary": summary_of(item),
            "date_published": "{{ISO:%s}}" % item["at"],
            "authors": [{"name": item.get("author", site["name"])}],
            "tags": item.get("tags", []),
        }
        entry["content_html"] = full or summary
        out_items.append(entry)
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": site["feed_title"],
        "home_page_url": "{{BASE}}/%s/" % src["page_dir"],
        "feed_url": "{{BASE}}/" + src["feed"],
        "description": site["description"],
        "language": src["language"],
        "authors": [{"name": site["name"]}],
        "items": out_items,
    }
    return json.dumps(feed, ensure_ascii=False, indent=2) + "\n"


RENDERERS = {"rss": render_rss, "atom": render_atom, "jsonfeed": render_jsonfeed}


def render_feed(src: dict, items: list[dict], page_path: PagePath) -> str:
    """The feed template for one source, in the format its `kind` names."""
    try:
        renderer = RENDERERS[src["kind"]]
    except KeyError:
        raise ConfigError(f"source {src['name']!r}: unknown feed kind {src['kind']!r}") from None
    return renderer(src, items, page_path)
