"""Jieba tokens for BM25, with the domain's terms in a user dictionary (智算, 东数西算, 算力网, EFLOPS, …)."""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from functools import lru_cache
from pathlib import Path

import jieba
import jieba.posseg

from assistant.core.traditional import to_simplified

USER_DICT = Path(__file__).parent / "data" / "userdict.txt"
_TOKEN_RE = re.compile(r"\w", re.UNICODE)
# Particles and function words carry no evidence; dropping them keeps BM25 from matching on "的".
STOPWORDS = set("的 了 和 与 及 是 在 等 为 对 将 把 被 也 就 都 而 或 其 之 中 上 下 个 各 这 那 有 从 到 以 于 由 并 向".split()) | {
    "the", "a", "an", "of", "to", "in", "and", "or", "is", "are", "what", "which", "how", "does", "do", "for",
    "吗", "呢", "吧", "啊", "什么", "哪些", "哪个", "多少", "如何", "怎么", "报告", "请问",
}
_lock = threading.Lock()


@lru_cache(maxsize=1)
def _tokenizer() -> jieba.Tokenizer:
    with _lock:
        jieba.setLogLevel(logging.WARNING)
        tok = jieba.Tokenizer()
        tok.load_userdict(str(USER_DICT))
        tok.initialize()
        return tok


COMMON_WORD_FREQ = 1000  # jieba's dictionary counts: 推荐 3823, 行业 8127, 金融 6455; 五粮液 163, 比亚迪 4


def common_word(word: str) -> bool:
    """An everyday word (推荐, 行业, 医疗), not a name, by the dictionary's frequency count."""
    return word_frequency(word) >= COMMON_WORD_FREQ


@lru_cache(maxsize=1)
def _pos_tokenizer() -> jieba.posseg.POSTokenizer:
    return jieba.posseg.POSTokenizer(_tokenizer())


@lru_cache(maxsize=256)
def pos_tokens(text: str) -> tuple[tuple[str, str, int], ...]:
    """Precise-mode words with their part of speech and start offset in `text`: the tag jieba's dictionary gives
    the word (ICTCLAS tags; "" for a word it does not hold). A dictionary look-up, not posseg's HMM pass (3 ms a
    question); cached, as a question is read by several steps."""
    tags = _pos_tokenizer().word_tag_tab
    return tuple((word, tags.get(word, ""), start) for word, start, _ in _tokenizer().tokenize(text))


def word_frequency(word: str) -> int:
    """The word's count in jieba's dictionary (0 when it does not hold it): how common a word it is."""
    return _tokenizer().FREQ.get(word) or 0


def normalize(text: str) -> str:
    """NFKC (full-width → half-width), lower case and Simplified characters, so ＥＦＬＯＰＳ, EFlops and eflops are
    one token, and so are 證券 and 证券 (a Simplified question finds a Traditional report)."""
    return unicodedata.normalize("NFKC", to_simplified(text)).lower()


def tokenize(text: str) -> list[str]:
    """Search-mode jieba tokens (overlapping sub-words too), normalised, without stop words and punctuation."""
    return list(_tokens(text))


@lru_cache(maxsize=1024)
def _tokens(text: str) -> tuple[str, ...]:
    # cached: a question (and each of its parts) is tokenized by the search, the analysis and the evidence steps
    tokens = _tokenizer().lcut_for_search(normalize(text))
    return tuple(t for t in (t.strip() for t in tokens) if t and _TOKEN_RE.search(t) and t not in STOPWORDS)


def term_groups(text: str) -> list[tuple[str, ...]]:
    """One group per word (precise mode) holding the word and its search-mode sub-words, so 寒武纪 counts once,
    not three times as 寒武纪 + 寒武 + 武纪."""
    search = tokenize(text)
    groups: list[tuple[str, ...]] = []
    for word in (w.strip() for w in _tokenizer().lcut(normalize(text))):
        if not word or not _TOKEN_RE.search(word) or word in STOPWORDS:
            continue
        groups.append((word, *(t for t in search if t != word and t in word)))
    return groups
