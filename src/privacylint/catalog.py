"""The catalog: rules/*.yaml loaded into typed, validated data (taxonomy, recipients, sinks, sanitizers)."""

from __future__ import annotations

import fnmatch
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Optional, Union

from privacylint import __version__
from privacylint.errors import PrivacylintError
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
    digest: str = ""
    _name_cache: dict[str, Optional[str]] = field(default_factory=dict, repr=False)
    _host_cache: dict[str, Optional[Recipient]] = field(default_factory=dict, repr=False)
    _exact: dict[str, list[SinkMatch]] = field(default_factory=dict, repr=False)
    # glob patterns are kept as text (compiled lazily by fnmatch) so a cached catalog loads fast
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
            if fnmatch.fnmatchcase(name, pattern):
                found.append(match)
        for prefix, pattern, match in self._globs_by_prefix:
            if name.startswith(prefix) and fnmatch.fnmatchcase(name, pattern):
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


def load_catalog(directory: Optional[Path] = None, cache_folder: Optional[Path] = None) -> Catalog:
    """Load and validate rules/; with `cache_folder`, reuse the catalog built from identical rules."""
    directory = directory or rules_directory()
    files = sorted(directory.glob("*.yaml")) + sorted(directory.glob("recipients/*.yaml"))
    from privacylint.cache import code_digest, load_pickle, store_pickle

    digest = hashlib.sha256(f"{__version__}\0{code_digest()}".encode())
    texts: dict[str, str] = {}
    for path in files:
        text = path.read_text(encoding="utf-8")
        digest.update(path.name.encode() + b"\0" + text.encode())
        texts[str(path.relative_to(directory))] = text
    cached_path = cache_folder / "catalog" / digest.hexdigest() if cache_folder is not None else None
    if cached_path is not None:
        found = load_pickle(cached_path)
        if isinstance(found, Catalog) and found.digest == digest.hexdigest():
            return found
    catalog = Catalog()
    catalog.digest = digest.hexdigest()
    loaded = {name: load_yaml(text, str(directory / name)) for name, text in texts.items()}
    for name, node in loaded.items():
        loader = _LOADERS.get(name, _load_recipients if name.startswith("recipients/") else None)
        if loader is None:
            raise node.error(f"unknown rules file '{name}'", "expected one of: " + ", ".join(_LOADERS))
        loader(catalog, node)
    _validate_references(catalog)
    catalog.index_calls()
    if cached_path is not None:
        store_pickle(cached_path, catalog)
    return catalog


def _load_taxonomy(catalog: Catalog, node: Node) -> None:
    top = Reader(node, ["categories", "qualifiers", "purposes", "kinds"], "taxonomy.yaml")
    for key, entry in top.require("categories", "taxonomy.yaml").value.items():
        fields = Reader(entry, ["description", "names"], f"category '{key}'")
        catalog.categories[key] = expect(fields.require("description", key), str, "description")
        for name_node in string_list(fields.get("names") or Node([], entry.line, entry.column, entry.path), "names"):
            words = split_words(name_node.value)
            other = catalog.name_index.get(words)
            if other is not None and other != key:
                raise name_node.error(f"name '{name_node.value}' is already given to {other}")
            catalog.name_index[words] = key
    catalog.qualifiers = frozenset(n.value for n in string_list(top.require("qualifiers", "taxonomy.yaml"), "qualifiers"))
    for section, target in (("purposes", catalog.purposes), ("kinds", catalog.kinds)):
        for key, entry in top.require(section, "taxonomy.yaml").value.items():
            fields = Reader(entry, ["description"], f"{section[:-1]} '{key}'")
            target[key] = expect(fields.require("description", key), str, "description")


def _load_countries(catalog: Catalog, node: Node) -> None:
    top = Reader(node, ["countries", "groups"], "countries.yaml")
    for code, name in top.require("countries", "countries.yaml").value.items():
        catalog.countries[code] = str(expect(name, str, f"country {code}"))
    for group, members in top.require("groups", "countries.yaml").value.items():
        catalog.groups[group] = frozenset(m.value for m in string_list(members, f"group {group}"))


def _load_regions(catalog: Catalog, node: Node) -> None:
    for provider, regions in expect(node, dict, "regions.yaml").items():
        expect(regions, dict, f"regions of {provider}")
        catalog.regions[provider] = {region: expect(country, str, f"country of {region}")
                                     for region, country in regions.value.items()}


def _load_sinks(catalog: Catalog, node: Node) -> None:
    top = Reader(node, ["logs", "storage", "http", "storage_mappings"], "sinks.yaml")
    catalog.logs = [_call_rule(item, "log call") for item in expect(top.require("logs", "sinks.yaml"), list, "logs")]
    catalog.storage = [_call_rule(item, "storage call") for item in expect(top.require("storage", "sinks.yaml"), list, "storage")]
    catalog.http = [_call_rule(item, "HTTP call", url=True) for item in expect(top.require("http", "sinks.yaml"), list, "http")]
    mappings = top.get("storage_mappings")
    catalog.storage_mappings = tuple(n.value for n in string_list(mappings, "storage_mappings")) if mappings else ()


def _load_sanitizers(catalog: Catalog, node: Node) -> None:
    top = Reader(node, ["ends_flow", "ends_flow_methods", "fills_receiver", "pseudonymizes"], "sanitizers.yaml")
    catalog.ends_flow_methods = frozenset(n.value for n in string_list(top.require("ends_flow_methods", "sanitizers.yaml"), "ends_flow_methods"))
    catalog.fills_receiver = frozenset(n.value for n in string_list(top.require("fills_receiver", "sanitizers.yaml"), "fills_receiver"))
    catalog.ends_flow = frozenset(n.value for n in string_list(top.require("ends_flow", "sanitizers.yaml"), "ends_flow"))
    catalog.pseudonymizes = frozenset(n.value for n in string_list(top.require("pseudonymizes", "sanitizers.yaml"), "pseudonymizes"))


def _load_sources(catalog: Catalog, node: Node) -> None:
    top = Reader(node, ["containers"], "sources.yaml")
    for item in expect(top.require("containers", "sources.yaml"), list, "containers"):
        fields = Reader(item, ["pattern", "category"], "container")
        catalog.containers[expect(fields.require("pattern", "container"), str, "pattern")] = \
            expect(fields.require("category", "container"), str, "category")


RECIPIENT_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def _load_recipients(catalog: Catalog, node: Node) -> None:
    top = Reader(node, ["recipients"], node.path)
    for item in expect(top.require("recipients", node.path), list, "recipients"):
        fields = Reader(item, ["id", "name", "kind", "country", "purposes", "modules", "hosts", "calls",
                               "region", "endpoint", "hosts_countries", "note", "examples"], "recipient")
        id_node = fields.require("id", "recipient")
        rid = expect(id_node, str, "id")
        if not RECIPIENT_ID.match(rid):
            raise id_node.error(f"recipient id '{rid}' must be lowercase letters and digits joined by dashes")
        if rid in catalog.recipients:
            raise id_node.error(f"duplicate recipient id '{rid}'")
        region = fields.get("region")
        provider, region_from = None, ()
        if region is not None:
            region_fields = Reader(region, ["provider", "from"], f"region of {rid}")
            provider = expect(region_fields.require("provider", "region"), str, "provider")
            region_from = tuple(_argument_source(n) for n in
                                expect(region_fields.get("from") or Node([], 0, 0, ""), list, "from"))
        endpoint = fields.get("endpoint")
        note = fields.get("note")
        catalog.recipients[rid] = Recipient(
            id=rid,
            name=expect(fields.require("name", rid), str, "name"),
            kind=expect(fields.require("kind", rid), str, "kind"),
            country=expect(fields.require("country", rid), (str, type(None)), "country"),
            purposes=tuple(n.value for n in string_list(fields.require("purposes", rid), "purposes")),
            modules=_strings(fields.get("modules"), "modules"),
            hosts=tuple(_host_pattern(n) for n in string_list(fields.get("hosts") or Node([], 0, 0, ""), "hosts")),
            calls=tuple(_call_rule(n, "call") for n in expect(fields.get("calls") or Node([], 0, 0, ""), list, "calls")),
            region_provider=provider,
            region_from=region_from,
            endpoints=tuple(_argument_source(n) for n in expect(endpoint, list, "endpoint")) if endpoint else (),
            host_countries=tuple((_host_pattern(fields.get("hosts_countries").keys[k]), expect(v, str, "country"))
                                 for k, v in expect(fields.get("hosts_countries") or Node({}, 0, 0, ""), dict,
                                                    "hosts_countries").items()),
            note=" ".join(expect(note, str, "note").split()) if note is not None else "",
            examples=tuple(_example(n, rid) for n in expect(fields.get("examples") or Node([], 0, 0, ""), list, "examples")),
        )


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


def _call_rule(node: Node, what: str, url: bool = False) -> CallRule:
    fields = Reader(node, ["call", "args", "purpose"] + (["url"] if url else ["removed_in"]), what)
    args = fields.get("args")
    url_node = fields.get("url")
    removed_in = fields.get("removed_in")
    return CallRule(
        pattern=expect(fields.require("call", what), str, "call"),
        args=_arg_spec(args, "args") if args is not None else None,
        purpose=expect(fields.get("purpose"), str, "purpose") if fields.get("purpose") else None,
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


def _validate_references(catalog: Catalog) -> None:
    """Every recipient names a known kind, country and purposes; every category has its parent."""
    for key in catalog.categories:
        parent = key.rpartition(".")[0]
        if parent and parent not in catalog.categories:
            raise PrivacylintError(f"rules/taxonomy.yaml: category {key} has no parent {parent}")
    for category in catalog.containers.values():
        if category not in catalog.categories:
            raise PrivacylintError(f"rules/sources.yaml: unknown category {category}")
    for recipient in catalog.recipients.values():
        where = f"rules recipient '{recipient.id}'"
        if recipient.kind not in catalog.kinds:
            raise PrivacylintError(f"{where}: unknown kind {recipient.kind}")
        if recipient.country is not None and recipient.country not in catalog.countries:
            raise PrivacylintError(f"{where}: unknown country {recipient.country}")
        for purpose in recipient.purposes + tuple(c.purpose for c in recipient.calls if c.purpose):
            if purpose not in catalog.purposes:
                raise PrivacylintError(f"{where}: unknown purpose {purpose}")
        if recipient.region_provider and recipient.region_provider not in catalog.regions:
            raise PrivacylintError(f"{where}: unknown region provider {recipient.region_provider}")
        for pattern, country in recipient.host_countries:
            if country not in catalog.countries and country not in catalog.groups:
                raise PrivacylintError(f"{where}: unknown country {country} for host {pattern}")
    _validate_unique(catalog, "module", lambda r: r.modules)
    _validate_unique(catalog, "host", lambda r: r.hosts)


def _validate_unique(catalog: Catalog, what: str, values) -> None:
    """A module or host names one recipient: two would make the answer depend on file order."""
    owner: dict[str, str] = {}
    for recipient in catalog.recipients.values():
        for value in values(recipient):
            if owner.setdefault(value, recipient.id) != recipient.id:
                raise PrivacylintError(f"rules recipient '{recipient.id}': {what} {value} already belongs to "
                                       f"recipient '{owner[value]}'")


_LOADERS = {
    "taxonomy.yaml": _load_taxonomy,
    "countries.yaml": _load_countries,
    "regions.yaml": _load_regions,
    "sinks.yaml": _load_sinks,
    "sanitizers.yaml": _load_sanitizers,
    "sources.yaml": _load_sources,
}


def covers(declared: str, key: str) -> bool:
    """A declared taxonomy key covers itself and every key below it."""
    return key == declared or key.startswith(declared + ".")
