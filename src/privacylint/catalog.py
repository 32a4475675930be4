"""The catalog: rules/*.yaml loaded into typed, validated data (taxonomy, recipients, sinks, sanitizers)."""

from __future__ import annotations

import fnmatch
import hashlib
import pickle
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Optional, Sequence, Union

from privacylint import __version__
from privacylint.errors import LocatedError, PrivacylintError
from privacylint.yamlsource import Node, Reader, did_you_mean, expect, load_yaml, string_list

ArgSpec = Optional[tuple[Union[str, int], ...]]  # None: every argument


@dataclass(frozen=True)
class CallRule:
    pattern: str
    args: ArgSpec = None
    purpose: Optional[str] = None
    url: tuple[Union[str, int], ...] = ()  # for HTTP clients: where the URL argument is
    removed_in: Optional[str] = None       # the SDK release that dropped this call (old code still has it)


@dataclass(frozen=True)
class ArgumentSource:
    """A call whose argument gives a region id or an endpoint."""

    pattern: str
    arg: Union[str, int]
    default_scheme: str = "https"
    region_pattern: Optional[str] = None


@dataclass(frozen=True)
class RecipientExample:
    """Code that must (invalid, at `line`) or must not (valid) send data to the recipient undeclared."""

    code: str
    line: Optional[int] = None     # None: a VALID example


@dataclass(frozen=True)
class Recipient:
    id: str
    name: str
    kind: str
    country: Optional[str]
    purposes: tuple[str, ...]
    modules: tuple[str, ...] = ()
    hosts: tuple[str, ...] = ()
    calls: tuple[CallRule, ...] = ()
    region_provider: Optional[str] = None
    region_from: tuple[ArgumentSource, ...] = ()
    endpoints: tuple[ArgumentSource, ...] = ()
    host_countries: tuple[tuple[str, str], ...] = ()
    custom: bool = False            # declared only in the manifest
    note: str = ""
    examples: tuple[RecipientExample, ...] = ()


@dataclass(frozen=True)
class SinkMatch:
    """What a resolved call name is: a recipient's call, a log, a storage write or an HTTP request."""

    kind: str                        # "third_party", "log", "storage", "http"
    rule: CallRule
    recipient: Optional[Recipient] = None


@dataclass
class Catalog:
    categories: dict[str, str] = field(default_factory=dict)            # key -> description
    name_index: dict[tuple[str, ...], str] = field(default_factory=dict)  # words -> key
    qualifiers: frozenset[str] = frozenset()
    purposes: dict[str, str] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)
    countries: dict[str, str] = field(default_factory=dict)
    groups: dict[str, frozenset[str]] = field(default_factory=dict)
    regions: dict[str, dict[str, str]] = field(default_factory=dict)
    recipients: dict[str, Recipient] = field(default_factory=dict)
    logs: list[CallRule] = field(default_factory=list)
    storage: list[CallRule] = field(default_factory=list)
    http: list[CallRule] = field(default_factory=list)
    storage_mappings: tuple[str, ...] = ()
    ends_flow: frozenset[str] = frozenset()
    ends_flow_methods: frozenset[str] = frozenset()
    fills_receiver: frozenset[str] = frozenset()
    pseudonymizes: frozenset[str] = frozenset()
    containers: dict[str, str] = field(default_factory=dict)           # chain suffix -> category
    field_types: dict[str, str] = field(default_factory=dict)          # type pattern -> category
    digest: str = ""
    _name_cache: dict[str, Optional[str]] = field(default_factory=dict, repr=False)
    _host_cache: dict[str, Optional[Recipient]] = field(default_factory=dict, repr=False)
    _exact: dict[str, list[SinkMatch]] = field(default_factory=dict, repr=False)
    # glob patterns are kept as text (matched by glob_matches) so a cached catalog loads fast
    _globs_by_last: dict[str, list[tuple[str, SinkMatch]]] = field(default_factory=dict, repr=False)
    _globs_by_prefix: list[tuple[str, str, SinkMatch]] = field(default_factory=list, repr=False)

    # ----- questions the pipeline asks -----------------------------------------------------
    def classify_name(self, name: str) -> Optional[str]:
        """The category a field, key or attribute name holds, or None; see rules/README.md."""
        if name in self._name_cache:
            return self._name_cache[name]
        words = split_words(name)
        found = self._lookup(words)
        if found is None and words and len(words[-1]) > 3 and words[-1].endswith("s"):
            found = self._lookup(words[:-1] + (words[-1][:-1],))  # plurals: phone_numbers
        self._name_cache[name] = found
        return found

    def _lookup(self, words: tuple[str, ...]) -> Optional[str]:
        found = self.name_index.get(words)
        if found is None:
            kept = tuple(w for w in words if w not in self.qualifiers)
            if kept and kept != words:
                found = self.name_index.get(kept)
        return found

    def field_type_category(self, qualified: str) -> Optional[str]:
        """The category a model field of this type holds (`django.db.models.EmailField`), or None."""
        return next((category for pattern, category in self.field_types.items()
                     if glob_matches(qualified, pattern)), None)

    def source_container(self, chain: str) -> Optional[str]:
        for suffix, category in self.containers.items():
            if chain == suffix or chain.endswith("." + suffix):
                return category
        return None

    def is_storage_mapping(self, chain: str) -> bool:
        return any(chain == m or chain.endswith("." + m) for m in self.storage_mappings)

    def match_call(self, name: str) -> list[SinkMatch]:
        found = list(self._exact.get(name, ()))
        last = name.rpartition(".")[2]
        for pattern, match in self._globs_by_last.get(last, ()):
            if glob_matches(name, pattern):
                found.append(match)
        for prefix, pattern, match in self._globs_by_prefix:
            if name.startswith(prefix) and glob_matches(name, pattern):
                found.append(match)
        return found

    def recipient_for_module(self, module: str) -> Optional[Recipient]:
        """The recipient whose module is the longest prefix of `module` (`wechatpy.pay` before `wechatpy`).
        The caller leaves out the project's own modules: a project `analytics` package is not Segment."""
        best: Optional[Recipient] = None
        best_length = -1
        for recipient in self.recipients.values():
            for prefix in recipient.modules:
                if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > best_length:
                    best, best_length = recipient, len(prefix)
        return best

    def countries_of(self, recipient: Recipient) -> tuple[str, ...]:
        """Every country its data can land in: its own, its regional hosts', its cloud regions'."""
        found = ([recipient.country] if recipient.country else []) + [c for _, c in recipient.host_countries]
        if recipient.region_provider:
            found += self.regions[recipient.region_provider].values()
        return tuple(sorted(set(found)))

    def select_recipients(self, kind: Optional[str] = None, country: Optional[str] = None) -> list[Recipient]:
        """Recipients of a kind (`third_party` is every kind) that can hold data in a country or group."""
        if kind is not None and kind not in self.kinds:
            raise PrivacylintError(f"unknown kind '{kind}'; " + (did_you_mean(kind, self.kinds) or
                                   "expected one of: " + ", ".join(sorted(self.kinds))))
        if country is not None and country not in self.countries and country not in self.groups:
            raise PrivacylintError(f"unknown country '{country}'; " + (did_you_mean(country, list(self.countries) +
                                   list(self.groups)) or "expected an ISO 3166 alpha-2 code or EU, EEA"))
        wanted = self.expand_countries([country]) if country is not None else frozenset()
        return [r for r in sorted(self.recipients.values(), key=lambda r: r.id)
                if (kind in (None, "third_party", r.kind))
                and (country is None or wanted & self.expand_countries(self.countries_of(r)))]

    def recipient_for_host(self, host: str) -> Optional[Recipient]:
        host = host.lower()
        if host not in self._host_cache:
            self._host_cache[host] = next((recipient for recipient in self.recipients.values()
                                           if any(host_matches(host, p) for p in recipient.hosts)), None)
        return self._host_cache[host]

    def country_of_region(self, provider: str, region: str) -> Optional[str]:
        return self.regions.get(provider, {}).get(region)

    def expand_countries(self, codes: Iterable[str]) -> frozenset[str]:
        result: set[str] = set()
        for code in codes:
            result |= self.groups.get(code, {code})
        return frozenset(result)

    # ----- building ------------------------------------------------------------------------
    def clear_caches(self) -> None:
        self._name_cache.clear()
        self._host_cache.clear()

    def index_calls(self) -> None:
        self._exact.clear()
        self._globs_by_last.clear()
        self._globs_by_prefix.clear()
        entries: list[SinkMatch] = []
        for recipient in self.recipients.values():
            entries += [SinkMatch("third_party", rule, recipient) for rule in recipient.calls]
        entries += [SinkMatch("log", rule) for rule in self.logs]
        entries += [SinkMatch("storage", rule) for rule in self.storage]
        entries += [SinkMatch("http", rule) for rule in self.http]
        for entry in entries:
            pattern = entry.rule.pattern
            if not any(ch in pattern for ch in "*?["):
                self._exact.setdefault(pattern, []).append(entry)
                continue
            # Index globs so a call is tried only against patterns that can match it.
            last = pattern.rpartition(".")[2]
            if "." in pattern and not any(ch in last for ch in "*?["):
                self._globs_by_last.setdefault(last, []).append((pattern, entry))
            else:
                prefix = re.split(r"[*?\[]", pattern, maxsplit=1)[0]
                self._globs_by_prefix.append((prefix, pattern, entry))


def glob_matches(name: str, pattern: str) -> bool:
    """`fnmatch.fnmatchcase`, without compiling a regular expression per pattern (0.5 ms each, paid
    again by every new process) when `*` is the only wildcard, as in every catalog pattern."""
    if "?" in pattern or "[" in pattern:
        return fnmatch.fnmatchcase(name, pattern)
    first, *rest = pattern.split("*")
    if not rest:
        return name == pattern
    *middle, last = rest
    end = len(name) - len(last)
    if end < len(first) or not name.startswith(first) or not name.endswith(last):
        return False
    position = len(first)
    for piece in middle:   # the leftmost match of each piece leaves the most room for the rest
        found = name.find(piece, position, end)
        if found < 0:
            return False
        position = found + len(piece)
    return True


def host_matches(host: str, pattern: str) -> bool:
    host, pattern = host.lower(), pattern.lower()
    if pattern.startswith("*."):
        return host.endswith(pattern[1:])
    return host == pattern


WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+[0-9]*|[A-Z]+[0-9]*|[0-9]+")


def split_words(name: str) -> tuple[str, ...]:
    """`billingEmail`, `billing_email`, `BILLING-EMAIL` -> ('billing', 'email')."""
    return tuple(word.lower() for word in WORD.findall(name))


# ----- loading ---------------------------------------------------------------------------------

def rules_directory() -> Path:
    """rules/ ships inside the wheel as privacylint/rules; a source checkout has it at the top."""
    packaged = Path(__file__).resolve().parent / "rules"
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parents[2] / "rules"
    if checkout.is_dir():
        return checkout
    raise PrivacylintError(f"the rules folder is missing (looked in {packaged} and {checkout}); reinstall privacylint")


def load_catalog(directory: Optional[Path] = None, cache_folder: Optional[Path] = None,
                 extend: Sequence[Path] = ()) -> Catalog:
    """Load and validate rules/, then merge the user's rules files (`extend-rules`) into a copy of it;
    with `cache_folder`, reuse the catalog built from identical rules."""
    directory = directory or rules_directory()
    files = sorted(directory.glob("*.yaml")) + sorted(directory.glob("recipients/*.yaml"))
    bundled = [(path.relative_to(directory).as_posix(), path, path.read_text(encoding="utf-8")) for path in files]
    catalog = _build(bundled, None, cache_folder)
    if extend:
        catalog = _build([("", path, _read_user_rules(path)) for path in extend], catalog, cache_folder)
    return catalog


# Catalogs of rules/ built in this process, by digest: the language server and the tests open many projects.
_BUILT: dict[str, Catalog] = {}


def _build(texts: list[tuple[str, Path, str]], base: Optional[Catalog], cache_folder: Optional[Path]) -> Catalog:
    """The catalog of these rules files, added to a copy of `base`. `texts` holds (name in rules/, or
    "" for a user's file; path; text). Rules files only ever name what rules/ or they themselves define."""
    from privacylint.cache import code_digest, load_pickle, store_pickle

    digest = hashlib.sha256((base.digest if base else f"{__version__}\0{code_digest()}").encode())
    for name, path, text in texts:
        digest.update(f"\0{name or path}\0{text}".encode())
    key = digest.hexdigest()
    if base is None and key in _BUILT:
        return _BUILT[key]
    cached_path = cache_folder / "catalog" / key if cache_folder is not None else None
    found = load_pickle(cached_path) if cached_path is not None else None
    if isinstance(found, Catalog) and found.digest == key:
        catalog = found
    else:
        catalog = pickle.loads(pickle.dumps(base)) if base else Catalog()
        catalog.clear_caches()  # what the base answered may change with the new rules
        catalog.digest = key
        sections: list[tuple[str, Node]] = []
        for name, path, text in texts:
            sections += _sections(name, load_yaml(text, str(path)))
        # Section by section: a section may name what the ones before it define (a recipient's kind,
        # a source's category), whichever file defines it.
        for section, node in sorted(sections, key=lambda item: list(_SECTIONS).index(item[0])):
            _SECTIONS[section](catalog, node)
        catalog.index_calls()
        if cached_path is not None:
            store_pickle(cached_path, catalog)
    if base is None:
        _BUILT[key] = catalog
    return catalog


def _read_user_rules(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise LocatedError(str(path), 1, 1, f"cannot read the rules file: not UTF-8 ({exc.reason})") from None
    except OSError as exc:
        raise LocatedError(str(path), 1, 1, f"cannot read the rules file: {exc.strerror or exc}") from None


def _sections(name: str, node: Node) -> list[tuple[str, Node]]:
    """The sections of one rules file: a file of rules/ holds its own; a user's file any of USER_SECTIONS."""
    if name == "regions.yaml":
        return [("regions", node)]  # the whole file is the section
    if name.startswith("recipients/"):
        allowed: Sequence[str] = ("recipients",)
    elif name:
        if name not in _BUNDLED_FILES:
            raise node.error(f"unknown rules file '{name}'", "expected one of: " +
                             ", ".join([*_BUNDLED_FILES, "regions.yaml", "recipients/*.yaml"]))
        allowed = _BUNDLED_FILES[name]
    else:
        allowed = USER_SECTIONS
    top = Reader(node, allowed, name or "a rules file")
    return [(key, top.get(key)) for key in allowed if top.has(key)]


def _load_categories(catalog: Catalog, node: Node) -> None:
    """New keys need a description and a parent; a key the catalog has can only be given more names."""
    new: list[str] = []
    for key, entry in expect(node, dict, "categories").items():
        what = f"category '{key}'"
        if entry.value is None:
            entry = Node({}, node.keys[key].line, node.keys[key].column, node.path)
        fields = Reader(entry, ["description", "names"], what)
        if key in catalog.categories:
            if fields.has("description"):
                raise fields.key_node("description").error(f"{what} is already in the catalog",
                                                            "only `names` can be added to it")
        else:
            catalog.categories[key] = expect(fields.require("description", what), str, "description")
            new.append(key)
        for name_node in string_list(fields.get("names") or Node([], entry.line, entry.column, entry.path), "names"):
            words = split_words(name_node.value)
            other = catalog.name_index.get(words)
            if other is not None and other != key:
                raise name_node.error(f"name '{name_node.value}' is already given to {other}")
            catalog.name_index[words] = key
    for key in new:
        parent = key.rpartition(".")[0]
        if parent and parent not in catalog.categories:
            raise node.keys[key].error(f"category '{key}' has no parent '{parent}'", "add the parent category too")


def _load_qualifiers(catalog: Catalog, node: Node) -> None:
    catalog.qualifiers |= frozenset(_strings(node, "qualifiers"))


def _described(attribute: str, what: str):
    """A loader of a `key: {description: ...}` section (purposes, kinds) that only adds new keys."""
    def load(catalog: Catalog, node: Node) -> None:
        target = getattr(catalog, attribute)
        for key, entry in expect(node, dict, attribute).items():
            if key in target:
                raise node.keys[key].error(f"{what} '{key}' is already in the catalog")
            fields = Reader(entry, ["description"], f"{what} '{key}'")
            target[key] = expect(fields.require("description", f"{what} '{key}'"), str, "description")
    return load


def _load_countries(catalog: Catalog, node: Node) -> None:
    for code, name in expect(node, dict, "countries").items():
        catalog.countries[code] = str(expect(name, str, f"country {code}"))


def _load_groups(catalog: Catalog, node: Node) -> None:
    for group, members in expect(node, dict, "groups").items():
        catalog.groups[group] = frozenset(_country(catalog, member, f"member of {group}")
                                          for member in string_list(members, group))


def _load_regions(catalog: Catalog, node: Node) -> None:
    """Providers and their regions; a user's file may add regions to a provider of rules/."""
    for provider, regions in expect(node, dict, "regions").items():
        table = catalog.regions.setdefault(provider, {})
        for region, country in expect(regions, dict, f"regions of {provider}").items():
            if region in table:
                raise regions.keys[region].error(f"region '{region}' of {provider} is already in the catalog")
            table[region] = _country(catalog, country, f"country of {region}", groups=True)


def _call_rules(attribute: str, what: str, url: bool = False):
    """A loader of a list of call rules (logs, storage, http), appended to the catalog's."""
    def load(catalog: Catalog, node: Node) -> None:
        getattr(catalog, attribute).extend(_call_rule(item, what, catalog, url)
                                           for item in expect(node, list, attribute))
    return load


def _load_storage_mappings(catalog: Catalog, node: Node) -> None:
    catalog.storage_mappings += tuple(mapping for mapping in _strings(node, "storage_mappings")
                                      if mapping not in catalog.storage_mappings)


def _name_set(attribute: str):
    """A loader of a list of call names (sanitizers), added to the catalog's."""
    def load(catalog: Catalog, node: Node) -> None:
        setattr(catalog, attribute, getattr(catalog, attribute) | frozenset(_strings(node, attribute)))
    return load


def _category_table(attribute: str, key: str, label: str):
    """A loader of `[{KEY: pattern, category: C}, ...]` into the catalog's table pattern -> category."""
    def load(catalog: Catalog, node: Node) -> None:
        table = getattr(catalog, attribute)
        for item in expect(node, list, attribute):
            fields = Reader(item, [key, "category"], label)
            pattern_node = fields.require(key, label)
            pattern = expect(pattern_node, str, key)
            if pattern in table:
                raise pattern_node.error(f"{label} '{pattern}' is already in the catalog, as {table[pattern]}")
            table[pattern] = _category(catalog, fields.require("category", label))
    return load


RECIPIENT_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def _load_recipients(catalog: Catalog, node: Node) -> None:
    for item in expect(node, list, "recipients"):
        fields = Reader(item, ["id", "name", "kind", "country", "purposes", "modules", "hosts", "calls",
                               "region", "endpoint", "hosts_countries", "note", "examples"], "recipient")
        id_node = fields.require("id", "recipient")
        rid = expect(id_node, str, "id")
        if not RECIPIENT_ID.match(rid):
            raise id_node.error(f"recipient id '{rid}' must be lowercase letters and digits joined by dashes")
        if rid in catalog.recipients:
            raise id_node.error(f"duplicate recipient id '{rid}'", "ids are unique across rules/ and extend-rules; "
                                "to change a catalog recipient's country, hosts or modules, declare it in privacy.yaml")
        region = fields.get("region")
        provider, region_from = None, ()
        if region is not None:
            region_fields = Reader(region, ["provider", "from"], f"region of {rid}")
            provider_node = region_fields.require("provider", "region")
            provider = _known(provider_node, catalog.regions, "region provider")
            region_from = tuple(_argument_source(n) for n in
                                expect(region_fields.get("from") or Node([], 0, 0, ""), list, "from"))
        endpoint = fields.get("endpoint")
        note = fields.get("note")
        hosts = [(n, _host_pattern(n)) for n in string_list(fields.get("hosts") or Node([], 0, 0, ""), "hosts")]
        modules = fields.get("modules")
        countries_node = fields.get("hosts_countries") or Node({}, 0, 0, "")
        country_node = fields.require("country", rid)
        recipient = Recipient(
            id=rid,
            name=expect(fields.require("name", rid), str, "name"),
            kind=_known(fields.require("kind", rid), catalog.kinds, "recipient kind"),
            country=_country(catalog, country_node, "country") if country_node.value is not None else None,
            purposes=tuple(_known(n, catalog.purposes, "purpose")
                           for n in string_list(fields.require("purposes", rid), "purposes")),
            modules=_strings(modules, "modules") if modules is not None else (),
            hosts=tuple(host for _, host in hosts),
            calls=tuple(_call_rule(n, "call", catalog)
                        for n in expect(fields.get("calls") or Node([], 0, 0, ""), list, "calls")),
            region_provider=provider,
            region_from=region_from,
            endpoints=tuple(_argument_source(n) for n in expect(endpoint, list, "endpoint")) if endpoint else (),
            host_countries=tuple((_host_pattern(countries_node.keys[k]), _country(catalog, v, "country", groups=True))
                                 for k, v in expect(countries_node, dict, "hosts_countries").items()),
            note=" ".join(expect(note, str, "note").split()) if note is not None else "",
            examples=tuple(_example(n, rid) for n in expect(fields.get("examples") or Node([], 0, 0, ""), list, "examples")),
        )
        # A module or host names one recipient: two would make the answer depend on file order.
        for what, nodes in (("module", string_list(modules, "modules") if modules is not None else []),
                            ("host", [n for n, _ in hosts])):
            for value_node in nodes:
                owner = next((other.id for other in catalog.recipients.values()
                              if value_node.value in (other.modules if what == "module" else other.hosts)), None)
                if owner is not None:
                    raise value_node.error(f"recipient '{rid}': {what} {value_node.value} already belongs to "
                                           f"recipient '{owner}'")
        catalog.recipients[rid] = recipient


def _known(node: Node, known: dict, what: str) -> str:
    value = expect(node, str, what)
    if value not in known:
        raise node.error(f"unknown {what} '{value}'", did_you_mean(value, known) or (
            f"expected one of: {', '.join(sorted(known))}" if len(known) <= 20 else "rules/taxonomy.yaml lists them"))
    return value


def _category(catalog: Catalog, node: Node) -> str:
    value = expect(node, str, "category")
    if value not in catalog.categories:
        raise node.error(f"unknown data category '{value}'", did_you_mean(value, catalog.categories) or
                         "categories are the keys of rules/taxonomy.yaml and of `categories:` in a rules file")
    return value


def _country(catalog: Catalog, node: Node, what: str, groups: bool = False) -> str:
    value = expect(node, str, what)
    known = list(catalog.countries) + (list(catalog.groups) if groups else [])
    if value not in known:
        raise node.error(f"unknown country '{value}'", did_you_mean(value, known) or
                         "use an ISO 3166 alpha-2 code such as CN, US, DE" + (", or EU, EEA" if groups else ""))
    return value


def _host_pattern(node: Node) -> str:
    """A host name, or `*.` and the name every matching host ends with (see host_matches)."""
    host = node.value
    if not isinstance(host, str) or not host or "*" in (host[2:] if host.startswith("*.") else host) \
            or "/" in host or ":" in host:
        raise node.error(f"'{host}' is not a host name nor '*.' and a domain")
    return host


def _example(node: Node, rid: str) -> RecipientExample:
    """`{valid: CODE}` or `{invalid: CODE, line: N}`: N is the line of the sink call in CODE."""
    what = f"example of {rid}"
    fields = Reader(node, ["valid", "invalid", "line"], what)
    if fields.has("valid") == fields.has("invalid"):
        raise node.error(f"{what} needs exactly one of 'valid' or 'invalid'")
    if fields.has("valid"):
        if fields.has("line"):
            raise fields.key_node("line").error(f"a valid {what} has no line: nothing may be reported")
        return RecipientExample(expect(fields.get("valid"), str, "valid"))
    code = expect(fields.get("invalid"), str, "invalid")
    line_node = fields.require("line", f"invalid {what}")
    line = expect(line_node, int, "line")
    if not 1 <= line <= len(code.splitlines()):
        raise line_node.error(f"line {line} is outside the example's {len(code.splitlines())} lines")
    return RecipientExample(code, line)


def _strings(node: Optional[Node], what: str) -> tuple[str, ...]:
    return tuple(n.value for n in string_list(node, what)) if node is not None else ()


def _arg_spec(node: Node, what: str) -> ArgSpec:
    """`"*"` alone is every argument (None); `["*", self]` keeps the "*" and adds the receiver."""
    items = node.value if isinstance(node.value, list) else [node]
    spec = tuple(expect(item, (str, int), what) for item in items)
    return None if spec == ("*",) else spec


def _call_rule(node: Node, what: str, catalog: Catalog, url: bool = False) -> CallRule:
    fields = Reader(node, ["call", "args", "purpose"] + (["url"] if url else ["removed_in"]), what)
    args = fields.get("args")
    url_node = fields.get("url")
    removed_in = fields.get("removed_in")
    purpose = fields.get("purpose")
    return CallRule(
        pattern=expect(fields.require("call", what), str, "call"),
        args=_arg_spec(args, "args") if args is not None else None,
        purpose=_known(purpose, catalog.purposes, "purpose") if purpose is not None else None,
        url=(_arg_spec(url_node, "url") or ()) if url_node is not None else ((0, "url") if url else ()),
        removed_in=str(expect(removed_in, (str, int, float), "removed_in")) if removed_in is not None else None,
    )


def _argument_source(node: Node) -> ArgumentSource:
    fields = Reader(node, ["call", "arg", "default_scheme", "region_pattern"], "argument source")
    pattern = fields.get("region_pattern")
    if pattern is not None:
        try:
            re.compile(expect(pattern, str, "region_pattern"))
        except re.error as exc:
            raise pattern.error(f"invalid regular expression: {exc}") from None
    return ArgumentSource(
        pattern=expect(fields.require("call", "argument source"), str, "call"),
        arg=expect(fields.require("arg", "argument source"), (str, int), "arg"),
        default_scheme=expect(fields.get("default_scheme"), str, "default_scheme") if fields.get("default_scheme") else "https",
        region_pattern=pattern.value if pattern is not None else None,
    )


_BUNDLED_FILES = {   # the files of rules/ besides regions.yaml and recipients/*.yaml, and their sections
    "taxonomy.yaml": ("categories", "qualifiers", "purposes", "kinds"),
    "countries.yaml": ("countries", "groups"),
    "sinks.yaml": ("logs", "storage", "http", "storage_mappings"),
    "sanitizers.yaml": ("ends_flow", "ends_flow_methods", "fills_receiver", "pseudonymizes"),
    "sources.yaml": ("containers", "field_types"),
}

_SECTIONS = {   # every section of a rules file and its loader, in the order they are loaded
    "categories": _load_categories,
    "qualifiers": _load_qualifiers,
    "purposes": _described("purposes", "purpose"),
    "kinds": _described("kinds", "recipient kind"),
    "countries": _load_countries,
    "groups": _load_groups,
    "regions": _load_regions,
    "logs": _call_rules("logs", "log call"),
    "storage": _call_rules("storage", "storage call"),
    "http": _call_rules("http", "HTTP call", url=True),
    "storage_mappings": _load_storage_mappings,
    "ends_flow": _name_set("ends_flow"),
    "ends_flow_methods": _name_set("ends_flow_methods"),
    "fills_receiver": _name_set("fills_receiver"),
    "pseudonymizes": _name_set("pseudonymizes"),
    "containers": _category_table("containers", "pattern", "container"),
    "field_types": _category_table("field_types", "type", "field type"),
    "recipients": _load_recipients,
}

# What a user's rules file may hold: everything but the countries, which ISO 3166 and the contract fix.
USER_SECTIONS = tuple(section for section in _SECTIONS if section not in ("countries", "groups"))


def covers(declared: str, key: str) -> bool:
    """A declared taxonomy key covers itself and every key below it."""
    return key == declared or key.startswith(declared + ".")
