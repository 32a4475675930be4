"""privacy.yaml -> a validated Manifest whose every claim knows its line (DESIGN.md, "The manifest")."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

from privacylint.catalog import Catalog, Recipient, covers
from privacylint.yamlsource import Node, Reader, did_you_mean, expect, load_yaml, string_list


@dataclass(frozen=True)
class Claim:
    """A manifest statement, with the policy sentence it comes from when given."""

    where: str                       # "privacy.yaml:14"
    quote: Optional[str] = None
    policy_line: Optional[int] = None


@dataclass(frozen=True)
class Collection:
    data: str
    claim: Claim


@dataclass(frozen=True)
class DeclaredRecipient:
    id: str
    kind: Optional[str]              # as written: the kind of a custom recipient, or the kind covered
    covers_kind: Optional[str]       # set for entries that cover every catalog recipient of a kind
    catalog: Optional[Recipient]     # the catalog entry it refines, if any
    data: tuple[str, ...]
    purposes: tuple[str, ...]
    country: Optional[str]
    hosts: tuple[str, ...]
    modules: tuple[str, ...]
    calls: tuple[str, ...]
    claim: Claim

    @property
    def is_custom(self) -> bool:
        return self.catalog is None and self.covers_kind is None


@dataclass(frozen=True)
class Prohibition:
    data: tuple[str, ...]            # empty: any data
    purposes: tuple[str, ...]        # empty: any purpose
    to_kind: Optional[str]
    to_recipient: Optional[str]
    claim: Claim


@dataclass(frozen=True)
class Transfers:
    allowed: frozenset[str]          # groups expanded
    listed: tuple[str, ...]          # as written
    claim: Claim


@dataclass(frozen=True)
class Security:
    transport: Optional[str]
    logs: Optional[str]
    claim: Claim


@dataclass
class Manifest:
    path: Optional[str]              # relative to the project root; None when no manifest was found
    organization: dict = field(default_factory=dict)
    policy: Optional[str] = None
    collects: list[Collection] = field(default_factory=list)
    recipients: list[DeclaredRecipient] = field(default_factory=list)
    transfers: Optional[Transfers] = None
    prohibits: list[Prohibition] = field(default_factory=list)
    security: Optional[Security] = None
    sanitizers: tuple[str, ...] = ()  # call patterns whose results carry no personal data

    def collection_covering(self, category: str) -> Optional[Collection]:
        return next((c for c in self.collects if covers(c.data, category)), None)

    def entries_for_resolved(self, recipient) -> list[DeclaredRecipient]:
        """Declarations that name this recipient: by id, or by its kind (`third_party` covers all)."""
        return [entry for entry in self.recipients
                if entry.id == recipient.id
                or (entry.covers_kind is not None and entry.covers_kind in (recipient.kind, "third_party"))]


TOP_KEYS = ["version", "organization", "policy", "collects", "recipients", "transfers", "prohibits", "security",
            "sanitizers"]
RECIPIENT_KEYS = ["kind", "country", "hosts", "modules", "calls", "data", "purposes", "quote", "line"]
TRANSPORTS = ["tls", "any"]
LOG_RULES = ["no-personal-data", "any"]
# A call pattern: dotted names, each maybe with `*` and followed by `()` (rules/README.md, "Call patterns")
CALL_PATTERN = re.compile(r"^[A-Za-z_*][A-Za-z0-9_*]*(?:\(\))?(?:\.[A-Za-z_*][A-Za-z0-9_*]*(?:\(\))?)*$")


def load_manifest(text: str, path: str, catalog: Catalog) -> Manifest:
    """Validate against the schema and the catalog; raise LocatedError at the first problem."""
    root = load_yaml(text, path)
    if root.value is None:
        raise root.error("the manifest is empty", "start with `version: 1`")
    top = Reader(root, TOP_KEYS, "the manifest")
    version = top.require("version", "the manifest")
    if version.value != 1:
        raise version.error(f"unsupported manifest version {version.value!r}", "use `version: 1`")
    validator = _Validator(catalog, path)
    manifest = Manifest(path=path)
    if top.has("organization"):
        org = Reader(top.get("organization"), ["name", "country"], "organization")
        manifest.organization = {"name": expect(org.get("name"), str, "organization name") if org.has("name") else None,
                                 "country": validator.country(org.get("country")) if org.has("country") else None}
    if top.has("policy"):
        manifest.policy = expect(top.get("policy"), str, "policy")
    if top.has("collects"):
        for item in expect(top.get("collects"), list, "collects"):
            if isinstance(item.value, dict):
                fields = Reader(item, ["data", "quote", "line"], "a collects entry")
                manifest.collects.append(Collection(validator.category(fields.require("data", "a collects entry")),
                                                    validator.claim(fields, item)))
            else:
                manifest.collects.append(Collection(validator.category(item), Claim(f"{path}:{item.line}")))
    if top.has("recipients"):
        for rid, entry in expect(top.get("recipients"), dict, "recipients").items():
            manifest.recipients.append(validator.recipient(rid, entry, top.get("recipients").keys[rid]))
    if top.has("transfers"):
        fields = Reader(top.get("transfers"), ["allowed_countries", "quote", "line"], "transfers")
        countries = fields.require("allowed_countries", "transfers")
        listed = tuple(validator.country(n) for n in (countries.value if isinstance(countries.value, list) else [countries]))
        manifest.transfers = Transfers(catalog.expand_countries(listed), listed, validator.claim(fields, top.get("transfers")))
    if top.has("prohibits"):
        declared = {r.id for r in manifest.recipients}
        for item in expect(top.get("prohibits"), list, "prohibits"):
            manifest.prohibits.append(validator.prohibition(item, declared))
    if top.has("security"):
        fields = Reader(top.get("security"), ["transport", "logs", "quote", "line"], "security")
        manifest.security = Security(
            transport=validator.choice(fields.get("transport"), TRANSPORTS, "transport") if fields.has("transport") else None,
            logs=validator.choice(fields.get("logs"), LOG_RULES, "logs") if fields.has("logs") else None,
            claim=validator.claim(fields, top.get("security")))
    if top.has("sanitizers"):
        manifest.sanitizers = validator.sanitizers(top.get("sanitizers"))
    return manifest


class _Validator:
    def __init__(self, catalog: Catalog, path: str):
        self.catalog, self.path = catalog, path

    def claim(self, fields: Reader, node: Node) -> Claim:
        quote = expect(fields.get("quote"), str, "quote") if fields.has("quote") else None
        line = fields.get("line")
        if line is not None and (isinstance(line.value, bool) or not isinstance(line.value, int) or line.value < 1):
            raise line.error("line must be a positive number: the claim's line in the policy file")
        return Claim(f"{self.path}:{node.line}", quote, line.value if line is not None else None)

    def category(self, node: Node) -> str:
        return self._known(node, self.catalog.categories, "data category")

    def purpose(self, node: Node) -> str:
        return self._known(node, self.catalog.purposes, "purpose")

    def kind(self, node: Node) -> str:
        return self._known(node, self.catalog.kinds, "recipient kind")

    def country(self, node: Node) -> str:
        if isinstance(node.value, bool) and node.raw:
            node = Node(node.raw, node.line, node.column, node.path)  # YAML 1.1 reads NO (Norway) as false
        value = expect(node, str, "country")
        known = {**self.catalog.countries, **{g: g for g in self.catalog.groups}}
        if value in known:
            return value
        if value.upper() in known:
            raise node.error(f"unknown country '{value}'", f"country codes are upper case: '{value.upper()}'")
        raise node.error(f"unknown country '{value}'", did_you_mean(value, known) or
                         "use an ISO 3166 alpha-2 code such as CN, US, DE, or the groups EU, EEA")

    def choice(self, node: Node, choices: list[str], what: str) -> str:
        value = expect(node, str, what)
        if value not in choices:
            raise node.error(f"unknown {what} rule '{value}'", did_you_mean(value, choices) or
                             f"expected one of: {', '.join(choices)}")
        return value

    def _known(self, node: Node, known: dict, what: str) -> str:
        value = expect(node, str, what)
        if value not in known:
            raise node.error(f"unknown {what} '{value}'", did_you_mean(value, known) or
                             "`privacylint rules` lists the known ones")
        return value

    def recipient(self, rid: str, entry: Node, key_node: Node) -> DeclaredRecipient:
        if entry.value is None:
            entry = Node({}, key_node.line, key_node.column, key_node.path)
        fields = Reader(entry, RECIPIENT_KEYS, f"recipient '{rid}'")
        catalog_entry = self.catalog.recipients.get(rid)
        kind = self.kind(fields.get("kind")) if fields.has("kind") else None
        hosts = tuple(n.value for n in string_list(fields.get("hosts"), "hosts")) if fields.has("hosts") else ()
        modules = tuple(n.value for n in string_list(fields.get("modules"), "modules")) if fields.has("modules") else ()
        calls = tuple(n.value for n in string_list(fields.get("calls"), "calls")) if fields.has("calls") else ()
        if catalog_entry is not None and kind is not None and kind != catalog_entry.kind:
            raise fields.get("kind").error(f"'{rid}' is a {catalog_entry.kind} in the catalog, not a {kind}",
                                           "remove `kind:` or use another id")
        if catalog_entry is None and kind is None and not (hosts or modules or calls):
            raise key_node.error(f"unknown recipient '{rid}'",
                                 did_you_mean(rid, self.catalog.recipients) or
                                 "a recipient the catalog does not know needs `hosts`, `modules` or `calls`, "
                                 "or `kind:` to cover every catalog recipient of a kind")
        data_node = fields.require("data", f"recipient '{rid}'")
        data = tuple(self.category(n) for n in string_list(data_node, "data"))
        purposes = tuple(self.purpose(n) for n in string_list(fields.get("purposes"), "purposes")) if fields.has("purposes") else ()
        country = self.country(fields.get("country")) if fields.has("country") else None
        covers_kind = kind if catalog_entry is None and not (hosts or modules or calls) else None
        return DeclaredRecipient(id=rid, kind=kind, covers_kind=covers_kind, catalog=catalog_entry, data=data,
                                 purposes=purposes, country=country, hosts=hosts, modules=modules, calls=calls,
                                 claim=self.claim(fields, key_node))

    def sanitizers(self, node: Node) -> tuple[str, ...]:
        """Qualified names of functions (the project's or a library's) whose results carry no personal data."""
        found: list[str] = []
        for item in string_list(node, "sanitizers"):
            pattern = item.value
            if not CALL_PATTERN.match(pattern):
                raise item.error(f"'{pattern}' is not a qualified function name",
                                 "write it as imported, e.g. myapp.privacy.redact or myapp.privacy.Redactor().redact")
            if not pattern.replace("*", "").replace("()", "").replace(".", ""):
                raise item.error(f"'{pattern}' would end every flow", "name the redaction function itself")
            if pattern in found:
                raise item.error(f"sanitizer '{pattern}' is listed twice")
            found.append(pattern)
        return tuple(found)

    def prohibition(self, item: Node, declared: set[str]) -> Prohibition:
        fields = Reader(item, ["data", "purposes", "to", "quote", "line"], "a prohibits entry")
        to_kind = to_recipient = None
        if fields.has("to"):
            to = Reader(fields.get("to"), ["kind", "recipient"], "`to`")
            if to.has("kind") == to.has("recipient"):
                raise fields.get("to").error("`to` needs exactly one of `kind` or `recipient`")
            if to.has("kind"):
                to_kind = self.kind(to.get("kind"))
            else:
                to_recipient = expect(to.get("recipient"), str, "recipient")
                known = set(self.catalog.recipients) | declared
                if to_recipient not in known:
                    raise to.get("recipient").error(f"unknown recipient '{to_recipient}'",
                                                    did_you_mean(to_recipient, known))
        data = tuple(self.category(n) for n in string_list(fields.get("data"), "data")) if fields.has("data") else ()
        purposes = tuple(self.purpose(n) for n in string_list(fields.get("purposes"), "purposes")) if fields.has("purposes") else ()
        if not data and not purposes and not fields.has("to"):
            raise item.error("a prohibits entry needs `data`, `purposes` or `to`")
        return Prohibition(data, purposes, to_kind, to_recipient, self.claim(fields, item))


def empty_manifest() -> Manifest:
    return Manifest(path=None)
