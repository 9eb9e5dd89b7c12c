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
    "apple": ("苹果", "蘋果", "Apple"),
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
}

_ALIASES: list[tuple[str, str]] = sorted(
    ((alias, key) for key, names in ORGS.items() for alias in names), key=lambda p: -len(p[0])
)
# Latin tokens with a digit or a hyphen are model names, versions and figures: the hard facts.
_LATIN_TOKEN = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[-.][A-Za-z0-9]+)*|\d+(?:\.\d+)?[A-Za-z]+")
# "Gemini 2.5", "Seedream 4.0", "Kimi K2": a name followed by a version is one model token.
_NAME_VERSION = re.compile(r"(?<![A-Za-z0-9])([A-Z][A-Za-z]+)\s+(v?\d+(?:\.\d+)*[A-Za-z]?|[A-Z]\d+(?:\.\d+)?)(?![A-Za-z0-9.])")
_NUMBER = re.compile(r"\d+(?:\.\d+)?\s*(?:%|亿|万|B|K|M|T|倍|美元|元|GB|TB|秒|分钟|小时|天|家|款|个|人)")
# Bare values link an English and a Chinese report ("20-second" / "20秒"); small counts don't.
_FIGURE = re.compile(r"(?<![\d.])\d+(?:\.\d+)?(?![\d.])")
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
_STOP_LATIN = {"ai", "the", "and", "for", "with", "new", "model", "models", "api", "app", "of", "to", "in",
               "on", "a", "an", "is", "its", "at", "by", "from", "as", "that", "this", "will", "has", "be"}


# Sizes, versions and resolutions ("72b", "4k", "v2.5", "1080p", "int8") are shared by many
# unrelated events: they confirm a link made by other evidence but never make one alone.
_GENERIC_FIGURE = re.compile(r"v?\d+(?:\.\d+)*[a-z]{0,3}|(?:int|fp|bf)\d+|[a-z]{1,3}\d+(?:\.\d+)?")


def is_generic_figure(tok: str) -> bool:
    return bool(_GENERIC_FIGURE.fullmatch(tok))


@dataclass(frozen=True)
class Facts:
    orgs: frozenset[str] = field(default_factory=frozenset)
    models: frozenset[str] = field(default_factory=frozenset)  # tokens with digits: qwen3-72b, gpt-5, 4k
    names: frozenset[str] = field(default_factory=frozenset)  # other Latin names: seedream, webexplorer
    numbers: frozenset[str] = field(default_factory=frozenset)
    figures: frozenset[str] = field(default_factory=frozenset)  # bare values: "20", "0.12", "1.4"

    @property
    def hard(self) -> frozenset[str]:
        return self.distinctive | self.names

    @property
    def distinctive(self) -> frozenset[str]:
        """Model tokens specific enough to link two reports on their own (qwen3-72b, gpt-5)."""
        return frozenset(t for t in self.models if not is_generic_figure(t))


def _norm_number(s: str) -> str:
    return re.sub(r"\s+", "", s).lower()


def orgs_in(text: str) -> set[str]:
    found: set[str] = set()
    low = text.lower()
    for alias, key in _ALIASES:
        if alias.lower() in low:
            found.add(key)
    return found


def extract_facts(text: str) -> Facts:
    """Organisations, model names/figures and quantities mentioned in `text` (pure)."""
    models: set[str] = set()
    names: set[str] = set()
    org_alias_words = {a.lower() for a, _ in _ALIASES}
    for m in _LATIN_TOKEN.finditer(text):
        raw = m.group(0).rstrip(".")
        tok = raw.lower()
        if tok in _STOP_LATIN or len(tok) < 2:
            continue
        if any(ch.isdigit() for ch in tok):
            models.add(tok)
        elif raw[0].isupper() and tok not in org_alias_words | _NOT_PRODUCTS and len(tok) >= 4:
            names.add(tok)  # proper nouns only: product and project names
    for m in _NAME_VERSION.finditer(text):
        if m.group(1).lower() not in _STOP_LATIN | _NOT_PRODUCTS:
            models.add((m.group(1) + m.group(2)).lower())
    numbers = {_norm_number(m.group(0)) for m in _NUMBER.finditer(text)}
    figures = {f for f in _FIGURE.findall(text) if f not in _COMMON_FIGURES}
    return Facts(frozenset(orgs_in(text)), frozenset(models), frozenset(names), frozenset(numbers), frozenset(figures))


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
