"""Report card: broker, title, date, analysts (with SAC numbers) and rating, read from a broker report's front matter.

General patterns, not one file's layout: the broker is the "X证券" the report names most often (its disclaimers
repeat it), analysts are the names beside SAC certificate numbers (S + 13 digits, the format every Chinese broker
prints), the rating is the first rating word in the front matter (the rating definitions come at the end).
Every field keeps its offsets in the report text, so an answer from the card is cited and verified like any quote.
"""

from __future__ import annotations

import re
from collections import Counter

from assistant.core.models import CardField, Report, ReportCard
from assistant.core.text import has_cjk, iter_lines
from assistant.core.traditional import to_simplified

FRONT_CHARS = 2500  # front matter: the first page of a report
_BROKER_RE = re.compile(r"([\u4e00-\u9fff]{2,4})证券")
_NOT_BROKER = {"中国", "有价", "相关", "投资", "其他", "发行", "上市", "本公司", "该", "海外", "证券"}
_SAC_RE = re.compile(r"S\d{13}")
# "分析师：张宁", "| 分析师 | 许明澈（SAC…", or "缪欣君 分析师" (name first)
_NAME_AFTER_RE = re.compile(r"(?:分析师|作者|研究员|联系人)\s*[|｜:：]?\s*([\u4e00-\u9fff]{2,4})(?![\u4e00-\u9fff])")
_NAME_BEFORE_RE = re.compile(r"(?<![\u4e00-\u9fff])([\u4e00-\u9fff]{2,4})\s*(?:分析师|（SAC|\(SAC|\s+SAC)")
_RATING_WORDS = (r"强于大市|优于大市|同步大市|弱于大市|跑赢行业|跑输行业|买入|增持|推荐|谨慎推荐|看好|中性|减持|卖出|超配|标配|"
                 r"低配")
_PREVIOUS = r"上次|前次|上期|此前|原"
_PREVIOUS_RATING_RE = re.compile(rf"(?:{_PREVIOUS})(?:投资)?评级\s*[|｜:：]?\s*(?P<r>{_RATING_WORDS})")
_RATING_RE = re.compile(
    rf"(?<!上次)(?<!前次)(?<!上期)(?<!此前)(?<!原)(?:评级|投资建议|建议)\s*[|｜:：]?\s*(?P<r>{_RATING_WORDS})(?:\s*[（(](?:维持|首次|上调|下调)[^）)]{{0,6}}[）)])?|"
    r"^(?P<r2>强于大市|优于大市|买入|增持|推荐|看好|中性|减持)\s*[（(](?:维持|首次|上调|下调)[^）)]{0,6}[）)]", re.M)
_DATE_RE = re.compile(r"(20\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日|(20\d{2})-(\d{2})-(\d{2})")
_BULLET_RE = re.compile(r"[|｜]|^[►■●•◆▶\-*]|^\d+(?:\.\d+)*\s*[、.．)）]|^[一二三四五六七八九十]+、")
_LABEL_RE = re.compile(r"报告|行业|评级|分析师|日期|作者|证书|邮箱|电话|研究所|SECURITIES|RESEARCH|[|｜]|"
                       r"^\W*$|^[►■●•◆▶\-*]|^\d+(?:\.\d+)*\s*[、.．)）]|^[一二三四五六七八九十]+、", re.I)


def _field(text: str, start: int, end: int) -> CardField:
    return CardField(value=text[start:end].strip(), start=start, end=end)


def broker_of(text: str) -> CardField | None:
    counts: Counter[str] = Counter()
    first: dict[str, int] = {}
    for m in _BROKER_RE.finditer(text):
        name = m.group(1)
        for n in range(2, len(name) + 1):  # every suffix: "由天风" counts for "天风" too
            suffix = name[-n:]
            counts[suffix] += 1
            first.setdefault(suffix, m.start(1) + len(name) - n)
    two = [(c, s) for s, c in counts.items() if len(s) == 2 and s not in _NOT_BROKER]
    if not two:
        return None
    top_count, top = max(two)
    # the longest name that ends with the top two characters and is (nearly) as frequent: 中信建投, not 建投
    best = max((s for s, c in counts.items() if s.endswith(top) and c >= 0.8 * top_count), key=len)
    at = first[best]
    return CardField(value=f"{best}证券", start=at, end=at + len(best) + 2)


def analysts_of(text: str) -> list[CardField]:
    lines = [(s, e) for s, e in iter_lines(text)]
    found: list[CardField] = []
    for i, (s, e) in enumerate(lines):
        sac = _SAC_RE.search(text, s, e)
        if not sac:
            continue
        for j in range(i, max(-1, i - 3), -1):  # the name is on this line or just above
            ls, le = lines[j]
            m = _NAME_AFTER_RE.search(text, ls, le) or _NAME_BEFORE_RE.search(text, ls, le)
            if m and not m.group(1).endswith(("证券", "证书", "编号")):
                name = m.group(1)
                if all(f.value.split()[0] != name for f in found):
                    # the cited span runs from the label (or name) to the certificate number
                    found.append(CardField(value=f"{name} {sac.group(0)}", start=min(m.start(), m.start(1)), end=sac.end()))
                break
    return found


def rating_of(text: str) -> CardField | None:
    m = _RATING_RE.search(text, 0, min(len(text), FRONT_CHARS * 2))
    if not m:
        return None
    at = m.start("r") if m.group("r") else m.start("r2")
    return _field(text, at, m.end())


def previous_rating_of(text: str) -> CardField | None:
    """The rating before this report's, where the front matter gives it ("上次评级：增持")."""
    m = _PREVIOUS_RATING_RE.search(text, 0, min(len(text), FRONT_CHARS * 2))
    return _field(text, m.start("r"), m.end("r")) if m else None


def date_of(text: str) -> CardField | None:
    m = _DATE_RE.search(text, 0, min(len(text), FRONT_CHARS))
    return _field(text, m.start(), m.end()) if m else None


def date_key(value: str) -> tuple[int, int, int] | None:
    """(year, month, day) of a card's date, for ordering reports by date."""
    m = _DATE_RE.search(value)
    return tuple(int(g) for g in m.groups() if g) if m else None  # type: ignore[return-value]


def title_of(text: str) -> CardField | None:
    """The first line of the front matter that reads like a title (not a label, a date, a bullet or a sentence)."""
    chinese = has_cjk(text[:FRONT_CHARS])
    for n, (s, e) in enumerate(iter_lines(text)):
        if n > 25 or s > FRONT_CHARS:
            break
        line = text[s:e].strip().strip("#").strip()
        label = _LABEL_RE.search(line) if len(line) < 20 else _BULLET_RE.search(line)  # "银行业…" can be a title
        if not (8 <= len(line) <= 60) or label or _DATE_RE.search(line) or line.endswith("。"):
            continue
        if chinese and not has_cjk(line):  # "HEMING SECURITIES RESEARCH" above a Chinese report's title
            continue
        off = text.index(line, s)
        return CardField(value=line, start=off, end=off + len(line))
    return None


_SEGMENT_RE = re.compile(r"[^|｜*#\s]+")
_NOT_INDUSTRY = re.compile(r"证券|报告|研究|深度|点评|策略|专题|周报|月报|日期|评级|分析师|\d")


def industry_of(text: str) -> list[CardField]:
    """The industry words of the front matter: the short segments of a "电子｜半导体" line, or a first line that is
    one short word ("计算机")."""
    n = 0
    for s, e in iter_lines(text):
        line = text[s:e]
        if not line.strip():
            continue
        n += 1
        if n > 12 or s > FRONT_CHARS:
            break
        segments = [m for m in _SEGMENT_RE.finditer(line) if not _NOT_INDUSTRY.search(m.group(0))]
        if ("|" in line or "｜" in line) and segments and all(len(m.group(0)) <= 8 for m in segments):
            return [CardField(value=m.group(0), start=s + m.start(), end=s + m.end()) for m in segments]
        if n == 1 and 2 <= len(line.strip()) <= 6 and not _NOT_INDUSTRY.search(line):
            off = s + line.index(line.strip())
            return [CardField(value=line.strip(), start=off, end=off + len(line.strip()))]
    return []


def extract_card(report: Report) -> ReportCard:
    # Traditional reports are read through the one-for-one Simplified map: the patterns match, offsets stay
    text = to_simplified(report.text)
    return ReportCard(report=report.id, broker=broker_of(text), title=title_of(text), date=date_of(text),
                      analysts=analysts_of(text), rating=rating_of(text), previous_rating=previous_rating_of(text),
                      industry=industry_of(text))
