"""Named entities and figures that tie reports of one event together across languages.

Embeddings alone cannot tell "Qwen3-8B" from "Qwen3-72B", nor link an English and a Chinese
report reliably (multilingual-e5 scores cross-language pairs below unrelated same-language ones),
so the desk also compares the hard facts: organisations, model names, sizes and figures.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

# Canonical organisation key -> the ways reports name it (Simplified, Traditional, English).
ORGS: dict[str, tuple[str, ...]] = {
    "alibaba": ("阿里巴巴", "阿里云", "阿里", "通义", "千问", "Alibaba", "Qwen"),
    "bytedance": ("字节跳动", "字节", "火山引擎", "火山方舟", "豆包", "即梦", "ByteDance", "Doubao", "Volcano Engine",
                  "Seedance", "Seedream"),
    "baidu": ("百度", "文心", "Baidu", "ERNIE"),
    "tencent": ("腾讯", "混元", "Tencent", "Hunyuan"),
    "deepseek": ("深度求索", "DeepSeek"),
    "moonshot": ("月之暗面", "Kimi", "Moonshot"),
    "zhipu": ("智谱", "Zhipu", "GLM"),
    "minimax": ("MiniMax", "稀宇"),
    "huawei": ("华为", "華為", "昇腾", "昇騰", "Huawei", "Ascend"),
    "xiaomi": ("小米", "Xiaomi"),
    "ant": ("蚂蚁集团", "螞蟻集團", "蚂蚁", "Ant Group"),
    "kuaishou": ("快手", "可灵", "可靈", "Kuaishou", "Kling"),
    "openai": ("OpenAI", "ChatGPT", "Sora", "GPT"),
    "anthropic": ("Anthropic", "Claude"),
    "google": ("谷歌", "Google", "Gemini", "DeepMind"),
    "microsoft": ("微软", "微軟", "Microsoft", "Copilot"),
    "meta": ("Meta", "Llama"),
    "nvidia": ("英伟达", "輝達", "英偉達", "NVIDIA", "Nvidia", "黄仁勋", "黃仁勳", "Jensen Huang", "Blackwell"),
    "apple": ("苹果", "蘋果", "Apple", "iPhone", "iPad", "iOS", "macOS", "Siri"),
    "amd": ("AMD",),
    "xai": ("xAI", "Grok"),
    "mistral": ("Mistral",),
    "tesla": ("特斯拉", "Tesla", "Optimus"),
    "iflytek": ("科大讯飞", "讯飞", "訊飛", "iFlytek", "iFLYTEK"),
    "amazon": ("亚马逊", "亞馬遜", "Amazon", "AWS"),
    "samsung": ("三星", "Samsung"),
    "skhynix": ("SK海力士", "海力士", "SK hynix", "Hynix"),
    "tsmc": ("台积电", "台積電", "TSMC"),
    "intel": ("英特尔", "英特爾", "Intel"),
    "qualcomm": ("高通", "Qualcomm", "Snapdragon", "骁龙", "驍龍"),
    "mediatek": ("联发科", "聯發科", "MediaTek"),
    "sensetime": ("商汤", "商湯", "SenseTime"),
    "baichuan": ("百川智能", "Baichuan"),
    "zeroone": ("零一万物", "零一萬物", "01.AI"),
    "huggingface": ("Hugging Face", "HuggingFace"),
    "perplexity": ("Perplexity",),
    "lenovo": ("联想", "聯想", "Lenovo"),
    "honor": ("荣耀", "榮耀"),
    "unitree": ("宇树", "宇樹", "Unitree"),
    "moore_threads": ("摩尔线程", "摩爾線程", "Moore Threads"),
    "stepfun": ("阶跃星辰", "階躍星辰", "StepFun"),
    "midjourney": ("Midjourney",),
    "runway": ("Runway ML", "Runway Gen"),
    "stability": ("Stability AI", "Stable Diffusion"),
    "cohere": ("Cohere",),
    "scale_ai": ("Scale AI",),
    "character_ai": ("Character.AI", "Character AI"),
}

_ALIASES: list[tuple[str, str]] = sorted(
    ((alias, key) for key, names in ORGS.items() for alias in names), key=lambda p: -len(p[0])
)
# Latin tokens with a digit or a hyphen are model names, versions and figures: the hard facts.
_LATIN_TOKEN = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[-.][A-Za-z0-9]+)*|\d+(?:\.\d+)?[A-Za-z]+")
# "Gemini 2.5", "Seedream 4.0", "Kimi K2": a name followed by a version is one model token.
# A product-line word may sit between: "Mistral Small 3.2" is one token, "mistral-small-3.2".
_LINE_WORDS = "Small|Mini|Pro|Max|Ultra|Lite|Flash|Edge|Plus|Turbo|Air|Nano|Large|Medium|Opus|Sonnet|Haiku"
# ... or follow the version: "Gemini 2.5 Flash-Lite" is "gemini2.5-flash-lite", not "Gemini 2.5".
_NAME_VERSION = re.compile(r"(?<![A-Za-z0-9])([A-Z][A-Za-z]+)(?:\s+(" + _LINE_WORDS + r"))?\s+"
                           r"(v?\d+(?:\.\d+)*[A-Za-z]?|[A-Z]\d+(?:\.\d+)?)(?![A-Za-z0-9.])"
                           r"(?:\s+((?:" + _LINE_WORDS + r")(?:-(?:" + _LINE_WORDS + r"))?)(?![A-Za-z]))?")
_NUMBER = re.compile(r"\d+(?:\.\d+)?\s*(?:%|亿|万|B|K|M|T|倍|美元|元|GB|TB|秒|分钟|小时|天|家|款|个|人)")
# Bare values link an English and a Chinese report ("20-second" / "20秒"); small counts don't.
_COMMON_FIGURES = {str(i) for i in range(0, 13)} | {"2024", "2025", "2026", "2027", "100"}
# Names that take a version but are not products anyone announces: licences, platforms, standards.
_NOT_PRODUCTS = {"apache", "mit", "gpl", "bsd", "cc", "python", "version", "linux", "ubuntu", "pcie", "usb", "wifi",
                 "hdmi", "ddr", "lpddr", "gddr", "hbm", "cuda", "series", "beta", "alpha", "preview",
                 # product-line suffixes: "Magistral Small" and "Mistral Small" are different products
                 "small", "mini", "pro", "max", "ultra", "lite", "flash", "edge", "plus", "turbo", "air", "nano",
                 "large", "medium", "base", "instruct", "chat", "open", "source", "model", "models", "round", "phase", "level", "stage", "top", "tier", "gen", "page",
                 "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
                 "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov",
                 "dec", "q1", "q2", "q3", "q4", "fy", "h1", "h2"}
_COMPOUND_TAIL = re.compile(r"-(based|powered|class|level|style|sized|like|ready|only|enabled|native|compatible"
                            r"|backed|driven|focused|grade|scale|era|generated|made|built|specific)$")
_ACRONYM_PLURAL = re.compile(r"[A-Z]{2,}s")  # "GPUs", "LLMs": common nouns, not names
_STOP_LATIN = {"ai", "the", "and", "for", "with", "new", "model", "models", "api", "app", "of", "to", "in",
               "on", "a", "an", "is", "its", "at", "by", "from", "as", "that", "this", "will", "has", "be"}


# Sizes, versions and resolutions ("72b", "4k", "v2.5", "1080p", "int8") are shared by many
# unrelated events: they confirm a link made by other evidence but never make one alone.
_GENERIC_FIGURE = re.compile(r"v?\d+(?:\.\d+)*[a-z]{0,3}|(?:int|fp|bf)\d+|[a-z]{1,3}\d+(?:\.\d+)?")


def is_generic_figure(tok: str) -> bool:
    return bool(_GENERIC_FIGURE.fullmatch(tok))


# Quantities written the way each language writes them ("$9.3 billion", "93亿美元", "18,000",
# "1.8万", "80%", "八成", "Aug. 2", "8月2日") reduce to one canonical value, so an English and a
# Chinese report of one event share their figures.
_MAGNITUDE = {"trillion": 1e12, "billion": 1e9, "bn": 1e9, "million": 1e6, "mn": 1e6, "thousand": 1e3,
              "b": 1e9, "m": 1e6, "k": 1e3, "t": 1e12, "万亿": 1e12, "兆": 1e12, "亿": 1e8, "万": 1e4, "千": 1e3}
_QUANTITY = re.compile(
    r"(\$\s?)?(?<![\d.,A-Za-z])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?![\d,]\d)"
    r"(?:\s?(trillion|billion|million|thousand|bn|mn)\b|(万亿|兆|亿|万|千)|([BbMmKkTt])(?![A-Za-z]))?"
    r"(\s?(?:美元|美金|元|港元|港币|日元|欧元|dollars?|yuan))?")
_ZH_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_TENTHS = re.compile(r"([一二两三四五六七八九\d])成(?![功立本员為为])")  # 八成 = 80 %
_HALF = re.compile(r"一半|半价|半價|\bhalf\b|\bhalved\b", re.IGNORECASE)
_MONTHS = {m: i for i, ms in enumerate(
    [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",), ("jun", "june"),
     ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
     ("dec", "december")], start=1) for m in ms}
_EN_DATE = re.compile(r"\b(" + "|".join(sorted((m.capitalize() for m in _MONTHS), key=len, reverse=True))
                      + r")\.?\s+(\d{1,2})(?!\d)")
_ZH_DATE = re.compile(r"(\d{1,2})月(\d{1,2})[日号號]")


def _canon(value: float) -> str:
    return f"{value:.4g}"


def quantities(text: str) -> set[str]:
    """Canonical figures in `text`: magnitudes applied, thousands separators and units dropped,
    month-day dates as "d6-17". Small counts and years are left out (too common to link on)."""
    out: set[str] = set()
    for m in _EN_DATE.finditer(text):
        out.add(f"d{_MONTHS[m.group(1).lower()]}-{int(m.group(2))}")
    for m in _ZH_DATE.finditer(text):
        out.add(f"d{int(m.group(1))}-{int(m.group(2))}")
    text = _ZH_DATE.sub(" ", _EN_DATE.sub(" ", text))  # a date's day is not a figure
    for m in _QUANTITY.finditer(text):
        raw = m.group(2)
        value = float(raw.replace(",", ""))
        unit = (m.group(3) or m.group(4) or m.group(5) or "").lower()
        value *= _MAGNITUDE.get(unit, 1.0)
        money = bool(m.group(1) or m.group(6))  # "$4.20" and "4.2美元" are facts, however small
        if not unit and not money and (raw in _COMMON_FIGURES or value <= 12):
            continue
        out.add(_canon(value))
    for m in _TENTHS.finditer(text):
        d = m.group(1)
        out.add(_canon((int(d) if d.isdigit() else _ZH_DIGITS[d]) * 10))
    if _HALF.search(text):
        out.add("50")
    return out


@dataclass(frozen=True)
class Facts:
    orgs: frozenset[str] = field(default_factory=frozenset)
    models: frozenset[str] = field(default_factory=frozenset)  # tokens with digits: qwen3-72b, gpt-5, 4k
    names: frozenset[str] = field(default_factory=frozenset)  # other Latin names: seedream, webexplorer
    numbers: frozenset[str] = field(default_factory=frozenset)
    figures: frozenset[str] = field(default_factory=frozenset)  # canonical values: "9.3e+09", "80", "d8-2"
    subject: str = ""  # the organisation named first: in a headline, who the news is about

    @property
    def hard(self) -> frozenset[str]:
        return self.distinctive | self.names

    @property
    def distinctive(self) -> frozenset[str]:
        """Model tokens specific enough to link two reports on their own (qwen3-72b, gpt-5)."""
        return frozenset(t for t in self.models if not is_generic_figure(t))


def _norm_number(s: str) -> str:
    return re.sub(r"\s+", "", s).lower()


def _alias_regex() -> re.Pattern[str]:
    # One pass over the text for all aliases, longest first. Latin aliases must stand as words:
    # "Intel" is not in "Intelligence", "Meta" not in "metadata".
    latin = [a for a, _ in _ALIASES if re.fullmatch(r"[A-Za-z0-9 .]+", a)]
    other = [a for a, _ in _ALIASES if a not in latin]
    return re.compile(r"(?<![A-Za-z])(?:" + "|".join(map(re.escape, latin)) + r")(?![a-z])|"
                      + "|".join(map(re.escape, other)), re.IGNORECASE)


_ALIAS_RE = _alias_regex()
_ALIAS_KEY = {alias.lower(): key for alias, key in _ALIASES}


def org_positions(text: str) -> dict[str, int]:
    """Each organisation named in `text` with where it is first named."""
    found: dict[str, int] = {}
    for m in _ALIAS_RE.finditer(text):
        found.setdefault(_ALIAS_KEY[m.group(0).lower()], m.start())
    return found


def orgs_in(text: str) -> set[str]:
    return set(org_positions(text))


def extract_facts(text: str) -> Facts:
    """Organisations, model names/figures and quantities mentioned in `text` (pure)."""
    models: set[str] = set()
    names: set[str] = set()
    for m in _LATIN_TOKEN.finditer(text):
        raw = m.group(0).rstrip(".")
        tok = _COMPOUND_TAIL.sub("", raw.lower())  # "GPT-5-based" names GPT-5
        if tok in _STOP_LATIN or len(tok) < 2:
            continue
        if any(ch.isdigit() for ch in tok):
            models.add(tok)
        elif (raw[0].isupper() and tok not in _ALIAS_KEY and tok not in _NOT_PRODUCTS and len(tok) >= 4
              and not _ACRONYM_PLURAL.fullmatch(raw)):
            names.add(tok)  # proper nouns only: product and project names
    for m in _NAME_VERSION.finditer(text):
        name, line, version, tail = m.group(1), m.group(2), m.group(3), m.group(4)
        if name.lower() in _STOP_LATIN or name.lower() in _NOT_PRODUCTS:
            continue
        token = f"{name}-{line}-{version}" if line else name + version
        models.add((f"{token}-{tail}" if tail else token).lower())
    numbers = {_norm_number(m.group(0)) for m in _NUMBER.finditer(text)}
    figures = quantities(text)
    positions = org_positions(text)
    subject = min(positions, key=positions.__getitem__) if positions else ""
    return Facts(frozenset(positions), frozenset(models), frozenset(names), frozenset(numbers), frozenset(figures),
                 subject)


def conflicting_models(a: Facts, b: Facts) -> bool:
    """True when both name models of one family and none of them match (qwen3-8b vs qwen3-72b):
    a strong sign of two different events even when the wording is alike. A token and its
    longer form match ("qwen3-8b" and "qwen3-8b-edge")."""
    for fam in {_family(t) for t in a.models} & {_family(t) for t in b.models}:
        if fam and not any(_compatible(x, y) for x in _of_family(fam, a.models) for y in _of_family(fam, b.models)):
            return True
    return False


def _compatible(x: str, y: str) -> bool:
    return x.startswith(y) or y.startswith(x)


def _family(tok: str) -> str:
    m = re.match(r"[a-z]+", tok)
    return m.group(0) if m and len(m.group(0)) >= 2 else ""


def _of_family(fam: str, toks: frozenset[str]) -> frozenset[str]:
    return frozenset(t for t in toks if _family(t) == fam)


def jaccard(a: frozenset[str] | set[str], b: frozenset[str] | set[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)
