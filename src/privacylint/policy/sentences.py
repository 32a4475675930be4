"""Policy text -> paragraphs of sentences, each knowing its line, for English and Chinese.

A paragraph is a run of lines up to a blank line, a list item, a line that ends a sentence or clause
(. 。 : ； ...) or a short line (a heading). Hard-wrapped lines are joined (Chinese without a space).
A leading list marker ("(1)", "2.", "三、", "·") is taken off the text and kept as the paragraph's
list style, which tells where a list introduced by "...the following cases:" ends.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from privacylint.errors import PrivacylintError

CJK = re.compile(r"[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]")
CJK_LETTER = re.compile(r"[\u3400-\u9fff]")
LATIN_LETTER = re.compile(r"[A-Za-z]")
ENDS_BLOCK = tuple(".。!！?？:：;；")
MARKERS = (
    ("paren", re.compile(r"\s*(?:\(\s*\d{1,2}\s*\)|（\s*\d{1,2}\s*）|\d{1,2}\))\s*")),
    ("cn-number", re.compile(r"\s*[一二三四五六七八九十]{1,3}\s*[、.．]\s*")),
    ("cn-paren", re.compile(r"\s*[（(]\s*[一二三四五六七八九十]{1,3}\s*[)）]\s*")),
    ("number", re.compile(r"\s*\d{1,2}(?:[.．、]|,\s)(?!\d)\s*")),
    ("roman", re.compile(r"\s*(?:I|II|III|IV|V|VI|VII|VIII|IX|X|XI|XII)\.\s+")),
    ("bullet", re.compile(r"\s*[·•●▪◦\-*]\s*")),
)
ABBREVIATIONS = {"co", "ltd", "inc", "corp", "e.g", "i.e", "mr", "mrs", "ms", "dr", "no", "vs", "st", "u.s", "approx"}
SENTENCE_END = re.compile(r"[。！？]|[.!?](?=[\s\"'”’)]*(?:\s|$))")


@dataclass(frozen=True)
class Sentence:
    text: str
    line: int
    line_starts: tuple[tuple[int, int], ...]    # (offset in text, line) where each source line begins

    def line_at(self, offset: int) -> int:
        """The line of the character at `offset` of the text."""
        line = self.line
        for start, number in self.line_starts:
            if start > offset:
                break
            line = number
        return line

    @property
    def is_lead_in(self) -> bool:
        """Ends with a colon: introduces the list that follows."""
        return self.text.rstrip().endswith((":", "："))


@dataclass(frozen=True)
class Paragraph:
    sentences: tuple[Sentence, ...]
    list_style: Optional[str]                     # the style of its list marker, if it is a list item


@dataclass(frozen=True)
class Document:
    path: str                                     # as the user named it
    language: str                                 # "en" or "zh"
    text: str
    paragraphs: tuple[Paragraph, ...]

    @property
    def sentences(self) -> list[Sentence]:
        return [s for p in self.paragraphs for s in p.sentences]


def read_policy(path: Path, language: str = "auto") -> Document:
    """Read a policy file (UTF-8, or GB18030 as Chinese policies often are) and split it."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise PrivacylintError(f"{path}: cannot read the policy: {exc.strerror or exc}") from None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise PrivacylintError(f"{path}: the policy is neither UTF-8 nor GB18030 text")
    return split_policy(text, str(path), language)


def detect_language(text: str) -> str:
    chinese = len(CJK_LETTER.findall(text))
    latin = len(LATIN_LETTER.findall(text))
    return "zh" if chinese and chinese * 5 >= latin else "en"


def split_policy(text: str, path: str, language: str = "auto") -> Document:
    if language not in ("en", "zh", "auto"):
        raise PrivacylintError(f"unknown language '{language}'; use en, zh or auto")
    language = detect_language(text) if language == "auto" else language
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    paragraphs = tuple(_paragraph(block) for block in _blocks(text.split("\n")))
    return Document(path, language, text, tuple(p for p in paragraphs if p.sentences))


def _blocks(lines: list[str]) -> list[list[tuple[int, str]]]:
    """Group lines into paragraphs: (line number, stripped text) runs."""
    lengths = sorted(len(line.strip()) for line in lines if line.strip())
    typical = lengths[int(len(lengths) * 0.8)] if lengths else 0
    blocks: list[list[tuple[int, str]]] = []
    current: list[tuple[int, str]] = []
    for number, raw in enumerate(lines, 1):
        line = raw.strip()
        if not line:
            if current:
                blocks.append(current)
            current = []
            continue
        if current and _list_marker(line)[0] is not None:
            blocks.append(current)
            current = []
        current.append((number, line))
        if line.endswith(ENDS_BLOCK) or len(line) < 0.6 * typical:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def _list_marker(text: str) -> tuple[Optional[str], int]:
    for style, pattern in MARKERS:
        match = pattern.match(text)
        if match and match.end() < len(text):
            return style, match.end()
    return None, 0


def _paragraph(block: list[tuple[int, str]]) -> Paragraph:
    text, line_starts = "", []
    for number, line in block:
        if text and not (CJK.match(text[-1]) and CJK.match(line[0])):
            text += " "
        line_starts.append((len(text), number))
        text += line
    style, skip = _list_marker(text)
    sentences = []
    for start, end in _sentence_spans(text, skip):
        body = text[start:end]
        lead = len(body) - len(body.lstrip())
        body = body.strip()
        if body:
            offset = start + lead
            starts = tuple((s - offset, n) for s, n in line_starts if offset < s < offset + len(body))
            line = max(n for s, n in line_starts if s <= offset)
            sentences.append(Sentence(body, line, starts))
    return Paragraph(tuple(sentences), style)


def _sentence_spans(text: str, start: int) -> list[tuple[int, int]]:
    spans = []
    for match in SENTENCE_END.finditer(text, start):
        end = match.end()
        if match.group() == "." and not _ends_sentence(text, start, match.start()):
            continue
        spans.append((start, end))
        start = end
    if start < len(text):
        spans.append((start, len(text)))
    return spans


def _ends_sentence(text: str, start: int, dot: int) -> bool:
    """A period ends a sentence unless it closes an abbreviation or a list marker, or a lower-case
    word follows ("etc. are")."""
    word = re.search(r"([A-Za-z.]+)$", text[start:dot])
    if word and word.group(1).lower().strip(".") in ABBREVIATIONS:
        return False
    if re.fullmatch(r"\s*(?:\d{1,2}|[IVX]{1,4}|[a-z])\s*", text[start:dot]):
        return False
    following = text[dot + 1:].lstrip(" \"'”’)")
    return not following or not following[0].islower()
