"""rules/policy/lexicon.yaml -> a validated Lexicon whose phrases are compiled for matching.

The catalog loader does not read rules/policy/; this module does, and checks every category, purpose,
kind, recipient and country it names against the catalog. Format: rules/README.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Optional, Union

from privacylint.catalog import Catalog, rules_directory
from privacylint.yamlsource import Node, Reader, expect, load_yaml, string_list

LANGUAGES = ("en", "zh")
TRIGGERS = ("collect", "provide", "share", "share_to", "engage", "sell", "store")
CUES = ("negation", "not_negation", "exception", "qualifier", "condition", "not_condition", "breaks", "not_breaks",
        "only", "relative", "such_as", "place", "not_claim", "non_personal")
SUBJECTS = ("first_party", "user", "other", "object_before")
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")


@dataclass(frozen=True)
class Tag:
    """What a matched phrase means: kind is data, technology, umbrella, recipient, function, purpose,
    country, cross_border, transport, logs, recipient_anaphor or data_anaphor."""

    kind: str
    value: Union[str, tuple[str, ...]] = ""
    context: Optional[str] = None    # a recipient phrase that needs this purpose in its sentence


@dataclass(frozen=True)
class Hit:
    start: int
    end: int
    text: str
    tags: tuple[Tag, ...] = ()

    def values(self, kind: str) -> list:
        return [tag.value for tag in self.tags if tag.kind == kind]


@dataclass(frozen=True)
class RecipientEntry:
    id: str
    kind: str                        # the catalog kind, or the kind the draft's entry covers
    in_catalog: bool
    bans_everyone: bool = False      # a ban on sharing with it is a ban on every recipient
    generic: bool = False            # too broad to declare


@dataclass(frozen=True)
class Function:
    recipient: str
    purpose: str


class PhraseSet:
    """Phrases matched leftmost-longest, without overlaps.

    Latin phrases match whole words, case-insensitively, the last word also in the plural; a trailing
    `*` matches any word ending. Phrases with Chinese characters match as substrings. Phrases are
    indexed by their first character, so a text is scanned once, trying only the phrases that can
    start at each word.
    """

    def __init__(self, phrases: Iterable[tuple[str, Optional[Tag]]]):
        meanings: dict[str, list[Tag]] = {}
        lengths: dict[str, int] = {}
        keys: dict[str, str] = {}
        for phrase, tag in phrases:
            pattern = _pattern(phrase)
            tags = meanings.setdefault(pattern, [])
            lengths[pattern] = max(lengths.get(pattern, 0), len(phrase.strip()))
            keys[pattern] = phrase.strip()[0].lower()
            if tag is not None and tag not in tags:
                tags.append(tag)
        self._index: dict[str, list[tuple[re.Pattern, tuple[Tag, ...]]]] = {}
        for pattern in sorted(meanings, key=lambda p: lengths[p], reverse=True):   # the longest phrase wins
            self._index.setdefault(keys[pattern], []).append((re.compile(pattern, re.IGNORECASE), tuple(meanings[pattern])))
        latin = "".join(re.escape(k) for k in self._index if k.isascii() and k.isalnum())
        other = "".join(re.escape(k) for k in self._index if not (k.isascii() and k.isalnum()))
        starts = ([f"(?<![A-Za-z0-9])[{latin}]"] if latin else []) + ([f"[{other}]"] if other else [])
        self._starts = re.compile("|".join(starts) or "(?!)", re.IGNORECASE)   # where a phrase can begin

    def find(self, text: str) -> list[Hit]:
        hits: list[Hit] = []
        lowered = text.lower()
        for start in self._starts.finditer(text):
            position = start.start()
            if hits and position < hits[-1].end:
                continue
            for regex, tags in self._index.get(lowered[position], ()):
                match = regex.match(text, position)
                if match and match.end() > position:
                    hits.append(Hit(position, match.end(), match.group(), tags))
                    break
        return hits

    def search(self, text: str) -> bool:
        return bool(self.find(text))


def _pattern(phrase: str) -> str:
    phrase = phrase.strip()
    if CJK.search(phrase):
        return re.escape(phrase)
    words = re.split(r"[\s\-]+", phrase)
    parts = []
    for index, word in enumerate(words):
        last = index == len(words) - 1
        if word.endswith("*"):
            parts.append(re.escape(word[:-1]) + r"[A-Za-z]*")
        elif last and word.isalpha() and len(word) > 2:
            parts.append(re.escape(word).replace("'", "['’]") + "(?:s|es)?")
        else:
            parts.append(re.escape(word).replace("'", "['’]"))
    return r"[\s\-]*".join(parts) + r"(?![A-Za-z0-9])"


@dataclass
class Vocabulary:
    """The lexicon's phrases for one language, compiled."""

    language: str
    phrases: PhraseSet                        # every tagged phrase: data, recipients, purposes, countries...
    triggers: dict[str, PhraseSet]
    cues: dict[str, PhraseSet]
    subjects: dict[str, PhraseSet]


@dataclass
class Lexicon:
    recipients: dict[str, RecipientEntry] = field(default_factory=dict)
    functions: dict[str, Function] = field(default_factory=dict)
    purposes: tuple[str, ...] = ()            # every purpose of the catalog, for "only for" restrictions
    _phrases: list[tuple[str, str, Tag]] = field(default_factory=list)     # (language, phrase, tag)
    # (section, name) -> [(language, phrase)]: the unlabelled word lists (triggers, cues, subjects)
    _words: dict[tuple[str, str], list[tuple[str, str]]] = field(default_factory=dict)
    _compiled: dict[str, Vocabulary] = field(default_factory=dict)

    def vocabulary(self, language: str) -> Vocabulary:
        """English text uses the English phrases; Chinese text uses both, as it embeds English terms."""
        if language not in self._compiled:
            wanted = {"en"} if language == "en" else {"en", "zh"}

            def words(section: str, name: str) -> PhraseSet:
                return PhraseSet((phrase, None) for lang, phrase in self._words.get((section, name), ()) if lang in wanted)

            self._compiled[language] = Vocabulary(
                language=language,
                phrases=PhraseSet((phrase, tag) for lang, phrase, tag in self._phrases if lang in wanted),
                triggers={name: words("triggers", name) for name in TRIGGERS},
                cues={name: words("cues", name) for name in CUES},
                subjects={name: words("subjects", name) for name in SUBJECTS})
        return self._compiled[language]


def lexicon_path() -> Path:
    return rules_directory() / "policy" / "lexicon.yaml"


_LOADED: dict[tuple[str, str, str], Lexicon] = {}


def load_lexicon(catalog: Catalog, path: Optional[Path] = None) -> Lexicon:
    """Parsed once per (file, text, catalog) in a process: the LSP and tests load it repeatedly."""
    path = path or lexicon_path()
    text = path.read_text(encoding="utf-8")
    key = (str(path), text, catalog.digest)
    if key not in _LOADED:
        _LOADED[key] = parse_lexicon(text, str(path), catalog)
    return _LOADED[key]


def parse_lexicon(text: str, path: str, catalog: Catalog) -> Lexicon:
    """Validate against the catalog; raise LocatedError (file:line:col) at the first problem."""
    top = Reader(load_yaml(text, path), ["data", "technologies", "umbrellas", "recipients", "functions", "anaphora",
                                         "purposes", "countries", "cross_border", "transport", "logs", "triggers",
                                         "cues", "subjects"], "the policy lexicon")
    lexicon = Lexicon(purposes=tuple(catalog.purposes))
    add = _Adder(lexicon, catalog)
    for section, kind in (("data", "data"), ("technologies", "technology")):
        for key, entry in expect(top.require(section, "the policy lexicon"), dict, section).items():
            add.known(entry, key, catalog.categories, "data category")
            add.phrases(entry, Tag(kind, key), section)
    for item in expect(top.require("umbrellas", "the policy lexicon"), list, "umbrellas"):
        fields = Reader(item, ["categories"] + list(LANGUAGES), "an umbrella")
        categories = string_list(fields.require("categories", "an umbrella"), "categories")
        for node in categories:
            add.known(node, node.value, catalog.categories, "data category")
        add.phrases(item, Tag("umbrella", tuple(n.value for n in categories)), "an umbrella", extra=["categories"])
    _load_recipients(top.require("recipients", "the policy lexicon"), lexicon, catalog, add)
    for rid, entry in expect(top.require("functions", "the policy lexicon"), dict, "functions").items():
        if rid not in lexicon.recipients:
            raise entry.error(f"function of unknown recipient '{rid}'", "name a recipient of `recipients:`")
        purpose = Reader(entry, ["purpose"] + list(LANGUAGES), f"function {rid}").require("purpose", f"function {rid}")
        add.known(purpose, purpose.value, catalog.purposes, "purpose")
        lexicon.functions[rid] = Function(rid, purpose.value)
        add.phrases(entry, Tag("function", rid), f"function {rid}", extra=["purpose"])
    anaphora = Reader(top.require("anaphora", "the policy lexicon"), ["recipients", "data"], "anaphora")
    add.phrases(anaphora.require("recipients", "anaphora"), Tag("recipient_anaphor"), "anaphora recipients")
    add.phrases(anaphora.require("data", "anaphora"), Tag("data_anaphor"), "anaphora data")
    for key, entry in expect(top.require("purposes", "the policy lexicon"), dict, "purposes").items():
        add.known(entry, key, catalog.purposes, "purpose")
        add.phrases(entry, Tag("purpose", key), f"purpose {key}")
    groups = {**catalog.countries, **{g: g for g in catalog.groups}}
    for code, entry in expect(top.require("countries", "the policy lexicon"), dict, "countries").items():
        add.known(entry, code, groups, "country")
        add.phrases(entry, Tag("country", code), f"country {code}")
    for code, name in catalog.countries.items():
        lexicon._phrases.append(("en", name, Tag("country", code)))
    for section in ("cross_border", "transport", "logs"):
        add.phrases(top.require(section, "the policy lexicon"), Tag(section), section)
    for section, names in (("triggers", TRIGGERS), ("cues", CUES), ("subjects", SUBJECTS)):
        block = Reader(top.require(section, "the policy lexicon"), names, section)
        for name in names:
            add.words(block.require(name, section), section, name)
    return lexicon


def _load_recipients(node: Node, lexicon: Lexicon, catalog: Catalog, add: "_Adder") -> None:
    for rid, entry in expect(node, dict, "recipients").items():
        fields = Reader(entry, ["kind", "bans", "generic", "in_context"] + list(LANGUAGES), f"recipient {rid}")
        known = catalog.recipients.get(rid)
        if fields.has("kind"):
            kind = fields.get("kind")
            add.known(kind, kind.value, catalog.kinds, "recipient kind")
            if known is not None:
                raise kind.error(f"'{rid}' is a catalog recipient; drop `kind:` or use another id")
            kind_name = kind.value
        elif known is None:
            raise entry.error(f"unknown recipient '{rid}'", "use a catalog id, or give `kind:`")
        else:
            kind_name = known.kind
        bans = fields.get("bans")
        if bans is not None and bans.value != "everyone":
            raise bans.error("`bans` can only be `everyone`")
        generic = fields.get("generic")
        lexicon.recipients[rid] = RecipientEntry(rid, kind_name, known is not None, bans is not None,
                                                 bool(expect(generic, bool, "generic")) if generic else False)
        add.phrases(entry, Tag("recipient", rid), f"recipient {rid}", extra=["kind", "bans", "generic", "in_context"])
        if fields.has("in_context"):
            context = Reader(fields.get("in_context"), ["purpose"] + list(LANGUAGES), "in_context")
            purpose = context.require("purpose", "in_context")
            add.known(purpose, purpose.value, catalog.purposes, "purpose")
            add.phrases(fields.get("in_context"), Tag("recipient", rid, purpose.value), "in_context", extra=["purpose"])


class _Adder:
    def __init__(self, lexicon: Lexicon, catalog: Catalog):
        self.lexicon, self.catalog = lexicon, catalog

    def known(self, node: Node, value: str, known, what: str) -> None:
        if value not in known:
            raise node.error(f"unknown {what} '{value}'")

    def _lists(self, node: Node, what: str, extra: list[str]) -> Iterable[tuple[str, str]]:
        fields = Reader(node, list(LANGUAGES) + extra, what)
        for language in LANGUAGES:
            if fields.has(language):
                for phrase in string_list(fields.get(language), f"{what} {language}"):
                    if not phrase.value.strip():
                        raise phrase.error("empty phrase")
                    yield language, phrase.value

    def phrases(self, node: Node, tag: Tag, what: str, extra: Optional[list[str]] = None) -> None:
        self.lexicon._phrases.extend((language, phrase, tag) for language, phrase in self._lists(node, what, extra or []))

    def words(self, node: Node, section: str, name: str) -> None:
        self.lexicon._words[(section, name)] = list(self._lists(node, f"{section} {name}", []))
