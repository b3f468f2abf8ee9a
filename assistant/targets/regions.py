"""Regions and their hierarchy from one maintained source: jionlp's China administrative divisions (offline).

苏州 → 江苏 / 苏州; 和林格尔 → 内蒙古 / 呼和浩特 / 和林格尔; 北京 is a province-level city, not a city inside one.
Regions are kept in their short form (广东, 深圳, 内蒙古), as the reports and questions write them. English names
come from the glossary (one list for the package). jionlp loads its dictionary on first use (~0.3 s, imported
lazily), then each lookup is cached.
"""

from __future__ import annotations

import contextlib
import io
import re
from dataclasses import dataclass
from functools import lru_cache

from assistant.core.glossary import EN_ZH, en_spans

NATIONAL = "全国"
_NATIONAL_WORDS = ("全国", "中国", "国内", "national", "nationwide")


@dataclass(frozen=True)
class Place:
    name: str  # short form: 广东, 深圳, 和林格尔
    province: str  # short form of its province (itself for a province)
    path: tuple[str, ...]  # short forms from the province down: ("江苏", "苏州")

    @property
    def is_city(self) -> bool:
        """Below province level (a city or a county); 北京/上海/重庆/天津 are provinces here."""
        return len(self.path) > 1


def _jio():
    import logging

    logging.getLogger("jionlp").setLevel(logging.WARNING)
    with contextlib.redirect_stdout(io.StringIO()):  # its import prints a banner, which would corrupt --json output
        import jionlp

    return jionlp


@lru_cache(maxsize=1)
def _short_names() -> dict[str, str]:
    """Full name → short alias for every province and prefecture city (广东省 → 广东, 深圳市 → 深圳)."""
    names: dict[str, str] = {}
    for prov, cities in _jio().china_location_loader().items():
        names[prov] = cities["_alias"]
        for city, info in cities.items():
            if not city.startswith("_"):
                alias = info["_alias"]
                names[city] = alias[0] if isinstance(alias, list) else alias
    return names


def _short(full: str | None) -> str:
    if not full:
        return ""
    return _short_names().get(full) or re.sub(r"(?:维吾尔|壮族|回族)?(?:自治区|自治州|特别行政区|省|市|县|区)$", "", full) or full


@lru_cache(maxsize=8192)
def place(name: str) -> Place | None:
    """The place `name` is — only when the whole name is one ("福建省福州市", "深圳"), not a place inside a text."""
    name = name.strip()
    if not name or len(name) > 20 or re.search(r"[0-9《》，,。；;：:]", name):
        return None
    found = _jio().parse_location(name)
    if found.get("detail") or not found.get("province"):
        return None  # text remains that is no place name, or no place at all
    path = [_short(found["province"])]
    for level in ("city", "county"):
        short = _short(found.get(level))
        if short and short not in path:
            path.append(short)
    return Place(name=path[-1], province=path[0], path=tuple(path))


def normalise_region(name: str) -> tuple[str, str, bool]:
    """(region, parent province, is_city): "福建省福州市" → ("福州", "福建", True); "北京市" → ("北京", "", False).
    A name jionlp does not know is kept as written."""
    if name.strip() in _NATIONAL_WORDS:
        return NATIONAL, "", False
    found = place(name)
    if found is None:
        return name.strip(), "", False
    return found.name, found.province if found.is_city else "", found.is_city


def ancestors(name: str) -> tuple[str, ...]:
    """The regions `name` lies inside, province first: 苏州 → (江苏,); 和林格尔 → (内蒙古, 呼和浩特); 江苏 → ()."""
    found = place(name)
    return found.path[:-1] if found is not None else ()


def contains(outer: str, inner: str) -> bool:
    """Whether region `inner` lies inside region `outer` (江苏 ⊃ 苏州; 内蒙古 ⊃ 和林格尔), by the hierarchy."""
    return normalise_region(outer)[0] in ancestors(inner)


@lru_cache(maxsize=1)
def _prose_names() -> re.Pattern[str]:
    """Provinces and prefecture cities, short and full forms, longest first."""
    names = set(_short_names()) | set(_short_names().values())
    return re.compile("|".join(sorted((re.escape(n) for n in names if len(n) >= 2), key=len, reverse=True)))


def _standalone(text: str, start: int, end: int) -> bool:
    """A city's short name counts in running text only as a word of its own (jieba's cut), so 大同小异 and 来宾
    (guests) name no place; provinces and full names (苏州市) always count."""
    found = place(text[start:end])
    if found is None or not found.is_city or text[start:end] != found.name:
        return found is not None
    from assistant.core.tokenize import _tokenizer  # the package's one jieba, with its domain dictionary

    left = max(0, start - 8)
    pos = left
    for word in _tokenizer().lcut(text[left : end + 8]):
        if pos == start:
            return word in (found.name, found.name + "市")
        if pos > start:
            return False
        pos += len(word)
    return False


def _english_place(zh: str) -> str | None:
    found = place(zh) if " " not in zh else None
    return found.name if found is not None else None


def region_mentions(text: str) -> list[tuple[int, int, str]]:
    """Where `text` names a province or city — in Chinese (jionlp's divisions) or in English (the glossary's
    names, "Beijing" → 北京) — as (start, end, short name), in order of appearance. The one region locator."""
    found = [(m.start(), m.end(), place(m[0]).name) for m in _prose_names().finditer(text)
             if _standalone(text, m.start(), m.end())]
    found += [(s, e, name) for s, e, zh in en_spans(text) if (name := _english_place(zh))]
    return sorted(found)


def regions_in(text: str) -> list[str]:
    """Provinces and cities named in `text`, in order of appearance, without repeats (short forms)."""
    return list(_regions_in(text))


@lru_cache(maxsize=8192)
def _regions_in(text: str) -> tuple[str, ...]:
    # cached: each question reads its retrieved units again
    return tuple(dict.fromkeys(name for _, _, name in region_mentions(text)))


@lru_cache(maxsize=1)
def _provinces_by_initial() -> dict[str, str]:
    """Each province's one-character name → its short name (粤 → 广东, 晋 → 山西): jionlp's list of the 简称 and its
    list of the provinces, in the same order."""
    _jio()  # (its banner kept out of stdout)
    from jionlp.rule.rule_pattern import CHINA_PROVINCE_ALIAS, CHINA_PROVINCE_SHORT_PATTERN

    names = CHINA_PROVINCE_SHORT_PATTERN.strip("()").split("|")
    return dict(zip(CHINA_PROVINCE_ALIAS, names)) if len(names) == len(CHINA_PROVINCE_ALIAS) else {}


_COUNTS = "两二三四五六七八九十"


def spelled_provinces(text: str) -> str:
    """Provinces written by their one-character names and counted ("晋、皖、苏三省", "京沪粤三地", "粤鲁两省") spelled
    out: "山西、安徽、江苏三省". Only a run the count after it numbers exactly, and that is no place itself (辽宁省): 苏
    of 苏州, 新 of 新增 or 云 of 云计算 are no province."""
    initials = _provinces_by_initial()
    if not initials or not any(c in initials for c in text):
        return text

    def spell(m: re.Match) -> str:
        run = m[1].replace("、", "")
        if len(run) != max(_COUNTS.index(m[2]) + 1, 2) or len(set(run)) != len(run) or ("、" not in m[1] and place(run)):
            return m[0]
        return "、".join(initials[c] for c in run) + m[0][len(m[1]):]

    return _initials_run().sub(spell, text)


@lru_cache(maxsize=1)
def _initials_run() -> re.Pattern[str]:
    chars = "".join(_provinces_by_initial())
    return re.compile(rf"(?<![{chars}])([{chars}](?:、?[{chars}])+)([{_COUNTS}])个?(?=省|市|地|区)")


def en_region_spans(text: str) -> list[tuple[int, int]]:
    """Where `text` names a region in English ("Beijing's target" → [(0, 7)])."""
    return [(s, e) for s, e, zh in en_spans(text) if _english_place(zh)]


def english_region(name: str) -> str | None:
    """The Chinese short name of an English region name ("Inner Mongolia" → 内蒙古; "national" → 全国)."""
    key = name.strip().lower()
    if key in ("national", "nationwide"):
        return NATIONAL
    return _english_place(EN_ZH[key]) if key in EN_ZH else None


# Markets abroad jionlp's world dictionary has no entry for (it has countries and continents), yet reports compare
# with them as with one: the EU, and the short names of regions of the world
_BLOCS = {name: name for name in ("欧盟", "北美", "南美", "拉美", "东南亚", "中东", "西欧", "东欧")}


@lru_cache(maxsize=1)
def _foreign_names() -> dict[str, str]:
    """Countries abroad and continents (jionlp's world dictionary): short and full name → short name."""
    names: dict[str, str] = dict(_BLOCS)
    for continent, countries in _jio().world_location_loader().items():
        names[continent] = continent
        for country, info in countries.items():
            if country == "中国":
                continue
            names[country] = country
            if info.get("full_name"):
                names[info["full_name"]] = country
    return names


@lru_cache(maxsize=1)
def _foreign_pattern() -> re.Pattern[str]:
    return re.compile("|".join(sorted((re.escape(n) for n in _foreign_names() if len(n) >= 2), key=len, reverse=True)))


_PLACE_TAILS = ("洲", "市场", "地区")  # 北美洲, 东南亚市场: still the place


def foreign_places(text: str) -> list[str]:
    """Countries abroad, blocs and continents `text` names (日本, 欧盟, 美国; "Japan" through the glossary), short
    names in order, without repeats. A name counts as a word of its own (jieba's cut): 蒙古 of 内蒙古 is none."""
    from assistant.core.tokenize import pos_tokens  # the package's one jieba, with its domain dictionary

    found: list[tuple[int, str]] = []
    matches = list(_foreign_pattern().finditer(text))
    if matches:
        word_at = {start: word for word, _, start in pos_tokens(text)}
        regions = region_mentions(text)
    for m in matches:
        word = word_at.get(m.start(), "")
        loose = m[0] not in _BLOCS  # a country opens a longer word too (美国商务部); 中东 of 中东部 is no 中东
        if (word == m[0] or (word.startswith(m[0]) and (loose or word[len(m[0]):] in _PLACE_TAILS))) \
                and not any(s <= m.start() < e for s, e, _ in regions):
            found.append((m.start(), _foreign_names()[m[0]]))
    found += [(s, zh.split()[0]) for s, e, zh in en_spans(text) if zh.split()[0] in _foreign_names()]
    return list(dict.fromkeys(name for _, name in sorted(found)))
