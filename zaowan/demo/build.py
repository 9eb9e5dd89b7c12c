"""Build the demo newsroom's feed and page templates from the authored content.

The stories are written once, in `zaowan/demo/content/<source>.toml` (one file per source:
the source's site and feed settings, then its items). This module turns them into what the
demo server serves — an RSS 2.0, Atom 1.0 or JSON Feed 1.1 file per source and one HTML
page per article under `newsroom/site/` — plus `newsroom/manifest.toml`, the list of every
item and what the pipeline is expected to decide about it.

    python -m zaowan.demo.build          # rewrite newsroom/ from content/
    python -m zaowan.demo.build --check  # exit 1 if newsroom/ is out of date

The output is itself a template (dates are placeholders such as {{ISO:-3h}}); see
`render.py` and README.md. `build_files()` is pure: it returns {relative path: text}.
"""
from __future__ import annotations

import html
import json
import sys
import tomllib
from pathlib import Path

from ..errors import ConfigError
from . import feeds

HERE = Path(__file__).parent
CONTENT_DIR = HERE / "content"
NEWSROOM_DIR = HERE / "newsroom"
SITE_DIR = NEWSROOM_DIR / "site"

EXPECTED_CODES = ("kept", "duplicate", "stale", "recycled", "unverified", "rumor", "truncated",
                  "off_topic", "injection_suspect", "repaired")
DEMO_NOTICE = "演示用虚构新闻：本站内容均为 zaowan 演示虚构，并非真实报道。"


# -- reading the authored content -------------------------------------------------------------
def load_content(content_dir: Path = CONTENT_DIR) -> list[dict]:
    """Every source file in order of its `order` key, checked for the fields the build needs."""
    sources = []
    for path in sorted(content_dir.glob("*.toml")):
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
        _check_source(path.name, data)
        sources.append(data)
    return sorted(sources, key=lambda s: s["source"]["order"])


def _check_source(filename: str, data: dict) -> None:
    src = data.get("source", {})
    for key in ("order", "name", "tier", "kind", "owner", "language", "feed", "page_dir", "site"):
        if key not in src:
            raise ConfigError(f"content/{filename}: [source] needs {key!r}")
    for item in data.get("items", []):
        for key in ("slug", "title", "at", "feed_text", "expected", "story", "note", "body"):
            if key not in item:
                raise ConfigError(f"content/{filename}: item {item.get('slug', '?')!r} needs {key!r}")
        if item["expected"] not in EXPECTED_CODES:
            raise ConfigError(f"content/{filename}: item {item['slug']!r}: unknown expected "
                              f"{item['expected']!r}")


def page_path(src: dict, item: dict) -> str:
    return f"{src['page_dir']}/{item['slug']}.html"


# -- pages ------------------------------------------------------------------------------------
def _jsonld(src: dict, item: dict, path: str) -> str:
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": item["title"],
        "datePublished": "{{ISO:%s}}" % item.get("page_at", item["at"]),
        "dateModified": "{{ISO:%s}}" % item.get("modified_at", item.get("page_at", item["at"])),
        "author": [{"@type": "Person", "name": item.get("author", src["site"]["name"])}],
        "publisher": {"@type": "Organization", "name": src["site"]["name"]},
        "mainEntityOfPage": "{{BASE}}/" + path,
        "inLanguage": src["language"],
    }
    return json.dumps(data, ensure_ascii=False, indent=2)


def _related(src: dict, item: dict) -> str:
    site = src["site"]
    rows = []
    for n, (headline, offset) in enumerate(item.get("related", []), 1):
        href = "{{BASE}}/%s/related-%d-%s.html" % (src["page_dir"], n, item["slug"])
        rows.append(f'      <li><a href="{href}">{html.escape(headline)}</a>'
                    f'<span class="date">{{{{ZHDATE:{offset}}}}}</span></li>')
    if not rows:
        return ""
    heading = html.escape(site.get("related_heading", "相关阅读"))
    return ('    <section class="related">\n'
            f'      <h2>{heading}</h2>\n      <ul>\n' + "\n".join(rows) + "\n      </ul>\n    </section>\n")


def render_page(src: dict, item: dict) -> str:
    """The HTML page template of one article: head metadata, site chrome, article, share bar."""
    site, path = src["site"], page_path(src, item)
    esc = html.escape
    at = item.get("page_at", item["at"])
    modified = item.get("modified_at")
    author = item.get("author", site["name"])
    nav = "".join(f'<li><a href="{{{{BASE}}}}/{src["page_dir"]}/">{esc(n)}</a></li>' for n in site["nav"])
    share = " ".join(f'<a class="share-{i}" href="#">{esc(s)}</a>' for i, s in enumerate(site["share"]))
    body = "\n".join(f"    <p>{esc(p)}</p>" for p in feeds.paragraphs(item["body"]))
    head_extra = ""
    if modified:
        head_extra += f'<meta property="article:modified_time" content="{{{{ISO:{modified}}}}}">\n'
    if item.get("jsonld", site.get("jsonld", False)):
        head_extra += ('<script type="application/ld+json">\n'
                       f"{_jsonld(src, item, path)}\n</script>\n")
    return f"""<!DOCTYPE html>
<html lang="{src['language']}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(item['title'])} - {esc(site['name'])}</title>
<meta name="description" content="{esc(feeds.summary_of(item))}">
<meta name="author" content="{esc(author)}">
<meta property="og:type" content="article">
<meta property="og:site_name" content="{esc(site['name'])}">
<meta property="og:title" content="{esc(item['title'])}">
<meta property="article:published_time" content="{{{{ISO:{at}}}}}">
{head_extra}<link rel="canonical" href="{{{{BASE}}}}/{path}">
<link rel="stylesheet" href="{{{{BASE}}}}/{src['page_dir']}/site.css">
</head>
<body>
<header class="site-header">
  <a class="logo" href="{{{{BASE}}}}/{src['page_dir']}/">{esc(site['name'])}</a>
  <nav class="main-nav"><ul>{nav}</ul></nav>
</header>
<main class="container">
  <article class="{site.get('article_class', 'post')}">
    <h1>{esc(item['title'])}</h1>
    <div class="byline"><span class="author">{esc(author)}</span>
      <time datetime="{{{{ISO:{at}}}}}">{{{{ZHDATE:{at}}}}}</time></div>
{body}
{_related(src, item)}  </article>
  <div class="share-bar">{esc(site['share_label'])} {share}</div>
</main>
<footer class="site-footer">
  <p>{esc(site['footer'])}</p>
  <p class="demo-notice">{esc(DEMO_NOTICE)}</p>
</footer>
</body>
</html>
"""


# -- manifest ---------------------------------------------------------------------------------
def _toml_str(value: str) -> str:
    # A JSON string is a valid TOML basic string (same escapes), and keeps CJK readable.
    return json.dumps(value, ensure_ascii=False)


def render_manifest(sources: list[dict]) -> str:
    """manifest.toml: every source, then every item with its expected verdict and story key."""
    out = ["# The demo newsroom's manifest, generated by `python -m zaowan.demo.build` from",
           "# zaowan/demo/content/*.toml. Do not edit by hand. Paths are relative to newsroom/site/.",
           "# expected: what the desk should decide for the item; story: one key per event;",
           "# company: who the story is about (the desk airs at most 2 stories per company);",
           "# feed_offset/page_offset: the item's date in the feed and on its page, relative to now.", ""]
    for data in sources:
        src = data["source"]
        out += ["[[sources]]", f"name = {_toml_str(src['name'])}", f"feed = {_toml_str(src['feed'])}",
                f"tier = {int(src['tier'])}", f"kind = {_toml_str(src['kind'])}",
                f"owner = {_toml_str(src['owner'])}", f"language = {_toml_str(src['language'])}", ""]
    for data in sources:
        src = data["source"]
        for item in data.get("items", []):
            out += ["[[items]]", f"source = {_toml_str(src['name'])}",
                    f"path = {_toml_str(page_path(src, item))}",
                    f"title = {_toml_str(item['title'])}",
                    f"expected = {_toml_str(item['expected'])}",
                    f"story = {_toml_str(item['story'])}",
                    f"company = {_toml_str(item.get('company', ''))}",
                    f"page_exists = {'true' if item.get('page', True) else 'false'}",
                    f"feed_offset = {_toml_str(item['at'])}",
                    f"page_offset = {_toml_str(item.get('page_at', item['at']))}",
                    f"note = {_toml_str(item['note'])}", ""]
    return "\n".join(out)


# -- the whole build --------------------------------------------------------------------------
def build_files(sources: list[dict]) -> dict[str, str]:
    """{path relative to newsroom/: text} for every feed, page and the manifest."""
    files: dict[str, str] = {"manifest.toml": render_manifest(sources)}
    for data in sources:
        src, items = data["source"], data.get("items", [])
        files[f"site/{src['feed']}"] = feeds.render_feed(src, items, page_path)
        for item in items:
            if item.get("page", True):
                files[f"site/{page_path(src, item)}"] = render_page(src, item)
    return files


def stale_files(files: dict[str, str], root: Path = NEWSROOM_DIR) -> list[str]:
    """Paths whose file on disk differs from the build, plus built files that should not exist."""
    differ = [p for p, text in files.items()
              if not (root / p).is_file() or (root / p).read_text(encoding="utf-8") != text]
    extra = [str(p.relative_to(root)) for p in root.rglob("*")
             if p.is_file() and str(p.relative_to(root)) not in files]
    return sorted(differ + extra)


def write_files(files: dict[str, str], root: Path = NEWSROOM_DIR) -> None:
    for p in stale_files(files, root):
        target = root / p
        if p not in files:
            target.unlink()
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(files[p], encoding="utf-8")


def main(argv: list[str]) -> int:
    files = build_files(load_content())
    if "--check" in argv:
        stale = stale_files(files)
        for p in stale:
            print(f"out of date: newsroom/{p}")
        return 1 if stale else 0
    write_files(files)
    print(f"wrote {len(files)} files under {NEWSROOM_DIR}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
