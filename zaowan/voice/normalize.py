"""Speakable text: what a Mandarin TTS engine should say for a Simplified Chinese news sentence.

`speakable(text, lexicon)` is pure. The output never contains an ASCII digit, Latin runs are kept
clean (letters, spaces, apostrophes) and are separated by a space from Chinese characters so an
engine can cut them out and phonemise them in English (Kokoro's Chinese phonemiser drops Latin).

Decisions, taken from how Chinese AI-news hosts speak (see the seed episodes):

* Parameter counts are read in 亿/万 with 参数: "1.4B" -> 十四亿参数, "72B" -> 七百二十亿参数
  (the host says "80亿参数", never "八B"); no second 参数 when the text already has one, and
  none before 美元/元/个/token/用户, where B is just "billion". M/T/billion/million scale too.
* Model names keep their Latin word and read the number in Chinese: "GPT-5" -> "G P T 五",
  "Qwen2.5-72B" -> "Qwen 二点五 七百二十亿参数", "GPT-4o" -> "G P T 四 o", "DeepSeek-V3" ->
  "DeepSeek V 三". Four digits glued to a Latin name are said digit by digit ("RTX 4090" ->
  四零九零, "WWDC 2025" -> 二零二五), as listeners say them.
* Letters said as letters are spaced ("API" -> "A P I", "ChatGPT" -> "Chat G P T", "MoE" ->
  "M O E"); words the English phonemiser can say stay whole (OpenAI -> "Open A I", DeepSeek,
  Claude, Qwen). All-caps runs of six or more letters are shouted words (NVIDIA) and stay.
  "4K"/"128K" keep their K as a letter (四 K, 一百二十八 K); a K after a currency is thousand.
* Years and phone-like strings are digit by digit (二零二六年, 幺三八…); other integers are
  cardinal with 两 where Mandarin wants it (两个, 两千, 两倍; but 第二, 二月); decimals read
  digits after 点; versions with several dots read each part (一点十二点零).
* Dates: 2026年11月22日, 2026-11-22, 2026/11/22 and 11/22 all become 二零二六年十一月二十二日
  (or 十一月二十二日); "N/M的" is a fraction (三分之一的). Times: 14:30 -> 十四点三十分;
  a colon with a one-digit right side is a ratio (16:9 -> 十六比九).
* The lexicon (the user's entries over the shipped `lexicon.toml`) is applied first and matches
  whole tokens, case-sensitively. A replacement is final: only its ASCII digits are still read and
  its Latin still spaced from Chinese. Keep replacements stable under a second pass if you want
  `speakable` to stay idempotent (the shipped lexicon is).

Each pass turns what it matched into an opaque placeholder (a private-use character) so later,
more generic passes cannot re-read it; the placeholders are restored at the end.
"""
from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Mapping
from decimal import Decimal
from functools import lru_cache
from importlib import resources
from pathlib import Path

from zaowan.errors import ConfigError

__all__ = ["speakable", "default_lexicon", "load_lexicon", "parse_lexicon", "read_int", "read_digits",
           "read_number"]

_DIGITS = "零一二三四五六七八九"
_PH0 = 0xF0000  # Supplementary Private Use Area-A: never in real text, so safe as placeholders
_PH = "\U000F0000-\U000FFFFD"
_NUM = r"(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)?"
_LEFT = r"(?<![A-Za-z0-9.])"  # a number that is not the tail of a name or of another number
_DASH = r"\s*[-–~～]\s*"
# A number or a range "a-b"; after a dash ("Llama-3-8B") the number cannot open a range.
_AMOUNT = rf"(?:(?P<h>(?<=[A-Za-z0-9.][-–~～]))|(?<![A-Za-z0-9.][-–~～]))(?P<a>{_NUM})(?(h)|(?:{_DASH}(?P<b>{_NUM}))?)"


# --------------------------------------------------------------------------- number reading

def read_digits(digits: str, one: str = "一") -> str:
    """Digit by digit: "2026" -> 二零二六; phone numbers pass one="幺"."""
    return "".join(one if d == "1" else _DIGITS[int(d)] for d in digits if d.isdigit())


def _section(n: int) -> str:
    """Read 1..9999; a leading 2 before 百/千 is 两 (两千, 两百)."""
    out, zero, started = [], False, False
    for i, ch in enumerate(f"{n:04d}"):
        unit = "千百十"[i] if i < 3 else ""
        if ch == "0":
            zero = zero or started
            continue
        if zero:
            out.append("零")
            zero = False
        digit = "两" if ch == "2" and not started and unit in ("千", "百") else _DIGITS[int(ch)]
        out.append(digit + unit)
        started = True
    return "".join(out)


def _below_1e8(n: int) -> str:
    hi, lo = divmod(n, 10_000)
    text = (("两" if hi == 2 else _section(hi)) + "万") if hi else ""  # 两万, not 二万
    if lo:
        text += ("零" if hi and lo < 1000 else "") + _section(lo)
    return text


def read_int(digits: str) -> str:
    """Cardinal reading of an integer string: "10050" -> 一万零五十, "2" -> 二.

    More than 16 digits (past 万亿) is read digit by digit: no listener follows such a number.
    """
    digits = digits.replace(",", "").lstrip("0")
    if not digits:
        return "零"
    if len(digits) > 16:
        return read_digits(digits)
    hi, lo = divmod(int(digits), 10**8)
    text = (("两" if hi == 2 else _below_1e8(hi)) + "亿") if hi else ""
    if lo:
        text += ("零" if hi and lo < 10**7 else "") + _below_1e8(lo)
    # 一十五 is correct but nobody says it at the start of a number.
    return text[1:] if text.startswith("一十") else text


def read_number(num: str) -> str:
    """Any plain number: "1,000" -> 一千, "3.14" -> 三点一四, "1.12.0" -> 一点十二点零, "007" -> 零零七."""
    num = num.replace(",", "")
    parts = num.split(".")
    if len(parts) > 2:  # a version: every part is its own number
        return "点".join(read_int(p) for p in parts)
    whole = read_digits(parts[0]) if len(parts[0]) > 1 and parts[0][0] == "0" else read_int(parts[0])
    return whole + ("点" + read_digits(parts[1]) if len(parts) == 2 else "")


def _count(num: str) -> str:
    """A number that counts something: a bare 2 is 两 (两个, 两倍, 两小时)."""
    return "两" if num == "2" else read_number(num)


def _scaled(num: str, power: int) -> str:
    """`num` x 10**power in 万/亿/万亿: ("1.4", 9) -> 十四亿, ("350", 6) -> 三点五亿."""
    value = Decimal(num.replace(",", "")) * (Decimal(10) ** power)
    for unit_power, unit in ((12, "万亿"), (8, "亿"), (4, "万")):
        if value >= Decimal(10) ** unit_power:
            n = format((value / Decimal(10) ** unit_power).normalize(), "f")
            return _count(n) + unit
    return read_number(format(value.normalize(), "f"))


# --------------------------------------------------------------------------- lexicon

def parse_lexicon(text: str, source: str = "lexicon") -> dict[str, str]:
    """Parse a lexicon TOML document: a `[words]` table of "token" = "what to say"."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{source}: not valid TOML: {exc}") from exc
    words = data.get("words", {})
    if not isinstance(words, dict):
        raise ConfigError(f"{source}: [words] must be a table of \"token\" = \"replacement\"")
    for key, value in words.items():
        if not key.strip() or not isinstance(value, str) or not value.strip():
            raise ConfigError(f"{source}: entry {key!r} needs a non-empty token and a non-empty string")
    return dict(words)


def load_lexicon(path: str | Path) -> dict[str, str]:
    """Read a user lexicon file (same format as the shipped `lexicon.toml`)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read lexicon {path}: {exc}") from exc
    return parse_lexicon(text, str(path))


@lru_cache(maxsize=1)
def _default_lexicon() -> tuple[tuple[str, str], ...]:
    text = resources.files("zaowan.voice").joinpath("lexicon.toml").read_text(encoding="utf-8")
    return tuple(parse_lexicon(text, "zaowan/voice/lexicon.toml").items())


def default_lexicon() -> dict[str, str]:
    """The lexicon shipped with zaowan (a fresh copy; edit freely)."""
    return dict(_default_lexicon())


@lru_cache(maxsize=32)
def _lexicon_pattern(keys: tuple[str, ...]) -> re.Pattern | None:
    """One alternation, longest key first, with token boundaries on the keys' ASCII ends."""
    alts = []
    for key in sorted(keys, key=len, reverse=True):
        left = r"(?<![A-Za-z0-9])" if key[0].isascii() and key[0].isalnum() else ""
        right = r"(?![A-Za-z0-9]|\.\d)" if key[-1].isascii() and key[-1].isalnum() else ""
        alts.append(left + re.escape(key) + right)
    return re.compile("|".join(alts)) if alts else None


# --------------------------------------------------------------------------- passes

def _is_latin(ch: str) -> bool:
    return ch.isascii() and ch.isalpha()


class _Pass:
    """Runs regex passes over text, hiding every replacement behind a placeholder."""

    def __init__(self) -> None:
        self.saved: list[str] = []
        self.raw: set[int] = set()  # placeholders whose text still needs its digits read

    def hide(self, text: str, raw: bool = False) -> str:
        if raw:
            self.raw.add(len(self.saved))
        self.saved.append(text)
        return chr(_PH0 + len(self.saved) - 1)

    def sub(self, pattern: re.Pattern, handler: Callable[[re.Match], str | None], text: str) -> str:
        def one(m: re.Match) -> str:
            out = handler(m)
            return m.group(0) if out is None else self.hide(out)
        return pattern.sub(one, text)

    def restore(self, text: str) -> str:
        def one(m: re.Match) -> str:
            i = ord(m.group(0)) - _PH0
            saved = self.restore(self.saved[i])
            if i in self.raw:
                saved = _DIGIT_RUN.sub(lambda d: read_number(d.group(0)), saved)
            # A Latin edge must not fuse with Latin text next to the placeholder ("C++GPT").
            return (" " if _is_latin(saved[:1]) else "") + saved + (" " if _is_latin(saved[-1:]) else "")
        return re.sub(f"[{_PH}]", one, text)


_DIGIT_RUN = re.compile(r"\d+(?:\.\d+)*")
_MEASURE = ("个|倍|次|款|家|位|名|天|种|条|台|张|份|小时|周|分钟|秒|场|轮|项|篇|部|颗|块|辆|只|架|座|所|"
            "句|段|本|人|千|万|亿|年|期|层|组|类|步|点|套|支|把|代|届|季|GB|TB|MB|PB|元|美元|欧元|英镑|日元")
_TIME_WORDS = "秒|分钟|小时|天|日|周|月|年|次|人|张|帧|个|s|h|min|sec|day|month|year|mo|yr"
_CURRENCY = {"US$": "美元", "HK$": "港元", "NT$": "新台币", "C$": "加元", "A$": "澳元", "S$": "新加坡元",
             "$": "美元", "¥": "元", "￥": "元", "€": "欧元", "£": "英镑", "₩": "韩元", "₹": "卢比"}
_CURRENCY_CODE = {"USD": "美元", "CNY": "元", "RMB": "元", "EUR": "欧元", "JPY": "日元", "HKD": "港元",
                  "GBP": "英镑"}
_SCALE = {"K": 3, "k": 3, "thousand": 3, "M": 6, "m": 6, "million": 6, "mn": 6, "B": 9, "b": 9,
          "bn": 9, "billion": 9, "T": 12, "trillion": 12}
_UNITS = {"ms": "毫秒", "μs": "微秒", "us": "微秒", "ns": "纳秒", "s": "秒", "sec": "秒", "min": "分钟",
          "h": "小时", "hr": "小时", "hrs": "小时", "GHz": "G赫兹", "MHz": "兆赫", "kHz": "千赫",
          "Hz": "赫兹", "W": "瓦", "kW": "千瓦", "kWh": "千瓦时", "Wh": "瓦时", "MW": "兆瓦", "GW": "吉瓦",
          "mAh": "毫安时", "V": "伏", "nm": "纳米", "mm": "毫米", "cm": "厘米", "km": "公里", "m": "米",
          "kg": "公斤", "g": "克", "fps": "帧每秒", "FPS": "帧每秒", "x": "倍", "X": "倍", "×": "倍",
          "Mbps": "兆比特每秒", "Gbps": "G比特每秒", "MB/s": "M B每秒", "GB/s": "G B每秒", "TB/s": "T B每秒",
          "tokens/s": "tokens每秒", "token/s": "tokens每秒", "tok/s": "tokens每秒", "km/h": "公里每小时", "p": "P",
          "℃": "摄氏度", "°C": "摄氏度", "°F": "华氏度", "°": "度", "度": "度"}
_TEMPERATURE = {"摄氏度", "华氏度", "度"}
_NO_PARAMS_AFTER = re.compile(r"\s*(?:参数|个|次|条|字|词|美元|元|人|用户|行|张|年|tokens?|Tokens?|users?)")
_YEAR_WORDS = "年|财年|款|届|赛季|年度|版"


def _c(pattern: str) -> re.Pattern:
    return re.compile(pattern)


def _range(a: str, b: str | None, read: Callable[[str], str], sep: str = "到") -> str:
    return read(a) if b is None else read(a) + sep + read(b)


def _date(y: str, month: str, day: str | None, suffix: str | None) -> str | None:
    if not 1 <= int(month) <= 12 or (day is not None and not 1 <= int(day) <= 31):
        return None
    text = read_digits(y) + "年" + read_int(month) + "月"
    return text + (read_int(day) + (suffix or "日") if day is not None else "")


def _ymd(m: re.Match) -> str | None:
    if m.group("sep") == "." and m.group("d") is None:
        return None  # 2025.12 is a number, not a month
    return _date(m.group("y"), m.group("m"), m.group("d"), None)


def _slash(m: re.Match) -> str | None:
    a, b = m.group(1), m.group(2)
    if m.group(3) is not None:  # "1/3的用户": a fraction
        return read_int(b) + "分之" + read_int(a)
    if 1 <= int(a) <= 12 and 1 <= int(b) <= 31:
        return read_int(a) + "月" + read_int(b) + "日"
    return None


def _clock(m: re.Match) -> str | None:
    h, mi, s, ampm = m.group(1), int(m.group(2)), m.group(3), (m.group(4) or "").lower()
    if int(h) > 24 or mi > 59 or (s is not None and int(s) > 59):
        return None
    text = ("下午" if ampm.startswith("p") else "上午" if ampm else "") + _count(str(int(h))) + "点"
    if mi or s is not None:
        text += ("零" if mi < 10 else "") + read_int(str(mi)) + "分"
    return text + (read_int(s) + "秒" if s is not None else "")


def _money(m: re.Match) -> str:
    groups = m.groupdict()
    name = _CURRENCY.get(groups.get("sym") or "") or _CURRENCY_CODE[groups["code"]]
    scale = m.group("scale")
    if scale in _SCALE:
        return _range(m.group("a"), m.group("b"), lambda n: _scaled(n, _SCALE[scale])) + name
    return _range(m.group("a"), m.group("b"), _count) + (scale or "") + name


def _percent(m: re.Match) -> str:
    word = "百分之" if m.group("p") in "%％" else "千分之"
    sign = {"+": "正", "-": "负", "−": "负"}.get(m.group("sign") or "", "")
    return sign + _range(m.group("a"), m.group("b"), lambda n: word + read_number(n))


def _size(m: re.Match) -> str:
    scale = m.group("scale").strip()
    text = _range(m.group("a"), m.group("b"), lambda n: _scaled(n, _SCALE[scale]))
    # B after a bare number in AI news is a parameter count; say so, as the hosts do.
    already = "参数" in m.string[max(0, m.start() - 4):m.start()]  # 总参数671B
    if scale in ("B", "b") and not already and not _NO_PARAMS_AFTER.match(m.string, m.end()):
        text += "参数"
    return text


def _unit(m: re.Match) -> str | None:
    name = _UNITS[m.group("unit")]
    if name == "倍" and re.match(r"\s*[A-Za-z0-9]", m.string[m.end():]):
        return None  # 2 x 3 and 8x H100 are products and counts, not "times faster"
    if name in _TEMPERATURE:
        sign = "零下" if m.group("sign") and not m.string[:m.start()].endswith("零下") else ""
        return sign + _range(m.group("a"), m.group("b"), read_number) + name
    if name == "P":  # 1080p, 720p: said digit by digit
        a = m.group("a")
        return read_digits(a) + " P" if a.isdigit() and len(a) in (3, 4) and not m.group("b") else None
    return (m.group("sign") and "负" or "") + _range(m.group("a"), m.group("b"), _count) + name


def _unit_pattern() -> re.Pattern:
    units = "|".join(re.escape(u) for u in sorted(_UNITS, key=len, reverse=True))
    return _c(rf"(?P<sign>(?<![A-Za-z0-9.])[-−])?{_LEFT}{_AMOUNT}"
              rf"\s?(?P<unit>{units})(?![A-Za-z0-9])")


_CURRENCY_SYM = "US\\$|HK\\$|NT\\$|C\\$|A\\$|S\\$|\\$|¥|￥|€|£|₩|₹"
_MONEY_SCALE = r"(?:\s?(?P<scale>万亿|亿|万|千|百|thousand|million|billion|trillion|bn|mn|[kKMBT])(?![A-Za-z]))?"
_NUMBER_PASSES: list[tuple[re.Pattern, Callable[[re.Match], str | None]]] = [
    # approximately: ~100ms, ≈$20
    (_c(r"(?<![\d%％\w])\s?[~～≈](?=\s*[\d$¥￥€£])"), lambda m: "约"),
    # dates with a four-digit year
    (_c(r"(?<![\d.])(?P<y>(?:1[5-9]|20|21)\d{2})\s*年\s*(?P<m>\d{1,2})\s*月(?:\s*(?P<d>\d{1,2})\s*(?P<s>[日号]))?"),
     lambda m: _date(m.group("y"), m.group("m"), m.group("d"), m.group("s"))),
    (_c(r"(?<![\d.])(?P<y>(?:1[5-9]|20|21)\d{2})(?P<sep>[-/.])(?P<m>\d{1,2})(?:(?P=sep)(?P<d>\d{1,2}))?"
        r"(?:\s*[日号])?(?![\d.])"), _ymd),
    # 11/22 (a date) or 1/3的 (a fraction)
    (_c(r"(?<![\d./])(\d{1,2})/(\d{1,2})(?![\d/])((?=\s*的))?"), _slash),
    # years: ranges of years, a year before 年/款/届, and four digits glued to a name (RTX 4090)
    (_c(r"(?<![\d.])((?:19|20)\d{2})\s*[-–~～至到]\s*((?:19|20)\d{2})(?![\d.])"),
     lambda m: read_digits(m.group(1)) + "到" + read_digits(m.group(2))),
    (_c(rf"(?<![\d.])((?:1[5-9]|20|21)\d{{2}})(?=\s*(?:{_YEAR_WORDS}))"), lambda m: read_digits(m.group(1))),
    (_c(r"(?<=[A-Za-z])[\s-]?(\d{4})(?![\d.]|\s*(?:年|%|[A-Za-z]))"), lambda m: " " + read_digits(m.group(1))),
    # generations: 90后, 00后
    (_c(r"(?<![\d.])(\d[05])(?=后)"), lambda m: read_digits(m.group(1))),
    # phone-like strings: digit by digit, 1 as 幺
    (_c(r"(?<![\d.])(?:1[3-9]\d{9}|\d{3}-\d{3}-\d{4}|\d{3,4}-\d{7,8})(?![\d.])"),
     lambda m: " ".join(read_digits(g, "幺") for g in m.group(0).split("-"))),
    # times and ratios
    (_c(r"(?<![\d:])(\d{1,2})[:：](\d{2})(?:[:：](\d{2}))?(?![\d:])(?:\s?(AM|PM|am|pm|a\.m\.|p\.m\.))?"), _clock),
    (_c(r"(?<=\d)\s?[:：]\s?(?=\d)"), lambda m: "比"),
    # money: ¥199, $20, US$1.5B, 10-20 USD
    (_c(rf"(?P<sym>[¥￥])\s?(?P<a>{_NUM})(?:{_DASH}[¥￥]?(?P<b>{_NUM}))?{_MONEY_SCALE}(?:元)?"), _money),
    (_c(rf"(?P<sym>{_CURRENCY_SYM})\s?(?P<a>{_NUM})(?:{_DASH}(?:{_CURRENCY_SYM})?(?P<b>{_NUM}))?{_MONEY_SCALE}"),
     _money),
    (_c(rf"{_LEFT}{_AMOUNT}{_MONEY_SCALE}\s?(?P<code>USD|CNY|RMB|EUR|JPY|HKD|GBP)"
        r"(?![A-Za-z])"), _money),
    # percentages (a sign in front only where it cannot be a hyphen of a name)
    (_c(rf"(?P<sign>(?<![A-Za-z0-9.])[-+−])?{_LEFT}(?P<a>{_NUM})\s*(?:[%％‰]\s*)?(?:{_DASH}(?P<b>{_NUM}))?"
        r"\s*(?P<p>[%％‰])"), _percent),
    # model sizes and big round numbers: 1.4B, 72B, 3-5B, 350M, 1T, 6.6 billion
    (_c(rf"{_LEFT}{_AMOUNT}(?P<scale>[BbMT]|\s?(?:billion|million|trillion|bn))"
        r"(?![A-Za-z0-9])"), _size),
    (_unit_pattern(), _unit),
    # Q3 -> 第三季度, No.1 / #1 -> 第一, 100+ -> 一百多, 7x24 -> 七乘二十四
    (_c(r"(?<![A-Za-z0-9])Q([1-4])(?![A-Za-z0-9])"), lambda m: "第" + read_int(m.group(1)) + "季度"),
    (_c(r"(?<![A-Za-z])(?:No\.|#)\s?(\d+)(?![\d.])"), lambda m: "第" + read_int(m.group(1))),
    (_c(rf"{_LEFT}({_NUM})\+(?![\d+])"), lambda m: read_number(m.group(1)) + "多"),
    (_c(r"(?<=\d)\s?\+\s?(?=\d)"), lambda m: "加"),
    (_c(rf"(?<![A-Za-z])({_NUM})\s*[x×X*]\s*(?=\d)"), lambda m: read_number(m.group(1)) + "乘"),
    # ranges: 3-5天 (两 before a measure word), 2025–2026 was handled above
    (_c(rf"(?<![A-Za-z0-9.\-第])({_NUM}){_DASH}({_NUM})(?![\d.])(?=\s*(?:{_MEASURE}))"),
     lambda m: _count(m.group(1)) + "到" + _count(m.group(2))),
    (_c(rf"(?<![A-Za-z0-9.\-])({_NUM}){_DASH}({_NUM})(?![\d.])"),
     lambda m: read_number(m.group(1)) + "到" + read_number(m.group(2))),
    # signs left over, 两, and finally every other number
    (_c(rf"(?<![A-Za-z0-9.){_PH}])[-−](?=\d)"), lambda m: "负"),
    (_c(rf"(?<![A-Za-z0-9.){_PH}])\+(?=\d)"), lambda m: "正"),
    (_c(rf"(?<![\d.第])2(?![\d.])(?=\s*(?:{_MEASURE}))"), lambda m: "两"),
    (_c(r"\d{1,3}(?:,\d{3})+(?![\d,])(?:\.\d+)?|\d+(?:\.\d+)*"), lambda m: read_number(m.group(0))),
]

# ---------------------------------------------------------------------------- Latin and symbols

# Parts of a Latin word: a run of capitals said letter by letter, or a (capitalised) word.
_WORD_PART = re.compile(r"[A-Z]{2,}(?=s\b)|s\b|[A-Z]{2,}(?=[A-Z][a-z])|[A-Z]{2,}|[A-Z]?[a-z]+|[A-Z]")
_LATIN_WORD = re.compile(r"[A-Za-z]+")
_SPELL_MAX = 5  # longer all-caps runs are shouted words (NVIDIA), not initialisms


def _latin_word(m: re.Match) -> str:
    """Spell capital runs letter by letter; keep the rest of the word whole (DeepSeek, iPhone)."""
    out, glue = [], False
    for part in _WORD_PART.findall(m.group(0)):
        spell = part.isupper() and len(part) <= _SPELL_MAX
        if out and glue and not spell:
            out[-1] += part
        else:
            out.append(" ".join(part) if spell else part)
        glue = not spell
    return " ".join(out)


_L = rf"[A-Za-z{_PH}]"  # a Latin letter, or something already read (a number, a lexicon word)
_SYMBOL_PASSES: list[tuple[re.Pattern, Callable[[re.Match], str | None]]] = [
    (_c(rf"(?<=[A-Za-z+{_PH}])\+"), lambda m: " plus "),  # Disney+, Google+
    (_c(r"\s?\+\s?"), lambda m: "加"),  # CapCut + Cursor: said in Chinese
    (_c(rf"(?<={_L})\s?&\s?(?={_L})"), lambda m: " and "),
    (_c(r"&"), lambda m: "和"),
    (_c(rf"(?<=[A-Za-z])@(?=[A-Za-z])"), lambda m: " at "),
    # Markup and stray marks are not read; between two Latin letters a space keeps words apart.
    (_c(r"(?<=[A-Za-z])[@#*`^|\\~～]+(?=[A-Za-z])"), lambda m: " "),
    (_c(r"[@#*`^|\\~～]+"), lambda m: ""),
    (_c(rf"(?<=[A-Za-z])\.(?=[A-Za-z])"), lambda m: " 点 "),
    (_c(rf"(?<=\S)\s?/\s?(?=(?:{_TIME_WORDS})(?![A-Za-z]))"), lambda m: "每"),
    (_c(r"\s?/[\s/]*"), lambda m: "、"),
    (_c(rf"(?<={_L})[-_]+(?={_L})|_"), lambda m: " "),
    (_c(r"≥|>=|＞＝"), lambda m: "大于等于"),
    (_c(r"≤|<=|＜＝"), lambda m: "小于等于"),
    (_c(r"\s?[>＞]\s?"), lambda m: "大于"),
    (_c(r"\s?[<＜]\s?"), lambda m: "小于"),
    (_c(r"\s?[=＝]\s?"), lambda m: "等于"),
    (_c(r"≈"), lambda m: "约"),
    (_c(r"±"), lambda m: "正负"),
    (_c(r"[%％]"), lambda m: "百分号"),
    (_c(r"℃"), lambda m: "摄氏度"),
]
_SYMBOL_NAMES = {"#": "井号", "@": "at", "&": "和", "*": "星号", "/": "斜杠", "~": "波浪号", "～": "波浪号",
                 "%": "百分号", "+": "加", "=": "等于", "<": "小于", ">": "大于", "-": "减", "^": "乘方",
                 "|": "竖线", "\\": "反斜杠", "`": "反引号", "_": "下划线"}

_FULLWIDTH = re.compile("[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a％＄＆＋／＠＃－]")
_FULLWIDTH_IN_NUMBER = re.compile(r"(?<=\d)[．：](?=\d)")
_PRIVATE = re.compile(f"[{_PH}\U00100000-\U0010FFFD]")
_LATIN_NEXT_TO_OTHER = re.compile(r"(?<=[A-Za-z])(?=[^\x00-\x7f\s])|(?<=[^\x00-\x7f\s])(?=[A-Za-z])")


_URL = re.compile(r"https?://(?:www\.)?([A-Za-z0-9.-]+)[^\s，。；！？）)\]」》”]*")


def _prepare(text: str) -> str:
    """Fold full-width letters and digits to ASCII so one set of rules sees them; a URL is said
    as its domain (a listener cannot use a path, and the show notes carry the link)."""
    text = _PRIVATE.sub("", text)
    text = _URL.sub(lambda m: m.group(1).rstrip(".-"), text)
    text = _FULLWIDTH.sub(lambda m: chr(ord(m.group(0)) - 0xFEE0), text)
    text = _FULLWIDTH_IN_NUMBER.sub(lambda m: chr(ord(m.group(0)) - 0xFEE0), text)
    text = text.replace("\u00a0", " ").replace("\u2212", "-")
    return re.sub(r"[ \t\u3000]+", " ", text)  # spacing must not decide a rule, or a rerun differs


def _tidy(text: str) -> str:
    """Space Latin runs off from Chinese and collapse the spaces the passes left behind."""
    text = _LATIN_NEXT_TO_OTHER.sub(" ", text)
    text = re.sub(r"[ \t\u3000]+", " ", text)
    return re.sub(r" *\n *", "\n", text).strip()


def _fallback(text: str) -> str:
    """Something to say for text that the passes read as nothing (a lone "#", "*")."""
    return "".join(_SYMBOL_NAMES.get(ch, read_digits(ch) if ch.isdigit() else ch) for ch in text.strip())


def speakable(text: str, lexicon: Mapping[str, str] | None = None) -> str:
    """Turn a Simplified Chinese news sentence into what a Mandarin TTS should say.

    `lexicon` holds the user's whole-token replacements; they win over the shipped
    `lexicon.toml`, and both are applied before any other rule. The result has no ASCII digit,
    and every Latin run is separated from Chinese by a space. Blank text (whitespace, or private-use
    characters of planes 15-16, which serve as internal placeholders and are dropped) stays blank.
    """
    text = _PRIVATE.sub("", text or "")
    if not text.strip():
        return ""
    work, original = _Pass(), text
    text = _prepare(text)
    merged = dict(_default_lexicon())
    merged.update(lexicon or {})
    pattern = _lexicon_pattern(tuple(merged))
    if pattern is not None:
        text = pattern.sub(lambda m: work.hide(merged[m.group(0)], raw=True), text)
    for regex, handler in _NUMBER_PASSES:
        text = work.sub(regex, handler, text)
    text = _LATIN_WORD.sub(_latin_word, text)
    for regex, handler in _SYMBOL_PASSES:
        text = regex.sub(lambda m, h=handler: h(m) or "", text)
    out = _tidy(work.restore(text))
    return out or _tidy(_fallback(_prepare(original)))

