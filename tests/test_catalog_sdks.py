"""Proof that the catalog names real APIs: every recipient's modules import, and every call pattern
resolves to a callable of the real SDK that accepts the keyword arguments the catalog lists.

Marked `sdk`: it needs the SDKs of scripts/catalog-sdks.txt, which scripts/check-catalog-sdks.sh
installs into a throwaway venv; the default test run leaves it out (`-m "not sdk"`).

A pattern is resolved the way privacylint reads code: `a.b` is an attribute, `()` is the value a call
returns: an instance of a class, what a function's return annotation names, or what its source
returns (`return Foo(...)`, `return self`). A glob is expanded over the SDK's real attributes and must
match at least one name; `*.name` stands for any chain of attributes and calls, `*name` for part of
one name (privacylint's own matching lets every `*` span calls), and the shortest names are tried
first. Objects whose attributes only exist once built are built for real, offline, with dummy
credentials (INSTANTIATE); values no annotation describes (boto3's service clients, Google Ads
services) come from FACTORIES. A call marked `removed_in: V` must be gone from the installed SDK
when it is V or later (the catalog keeps it for older code).
"""

from __future__ import annotations

import functools
import importlib
import importlib.metadata
import inspect
import pkgutil
import re
import sys
import types
import typing
import warnings
from collections import deque
from typing import Any, Callable, Iterator, Optional

import pytest

from privacylint.catalog import CallRule, Recipient, load_catalog

pytestmark = pytest.mark.sdk

CATALOG = load_catalog()
RECIPIENTS = sorted(CATALOG.recipients.values(), key=lambda r: r.id)
MAX_DEPTH = 12           # attribute and call steps in one concrete name
EXTRA_STEPS = 5          # steps one `*` may stand for (`.collection().document()` is four)
MAX_EXPANSIONS = 5000    # names visited for one pattern

# Receivers named by their usual variable name (a scope handed to a callback), and the value they are.
BARE_RECEIVERS = {"scope": "sentry_sdk.Scope()"}


@pytest.fixture(autouse=True)
def offline_sdks(monkeypatch):
    """Dummy credentials, so that SDK objects can be built; nothing here sends a request."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("NO_GCE_CHECK", "True")      # google-auth must not probe a metadata server
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


# ----- values that stand for "an instance" or "what this call returns" ---------------------------

class Instance:
    """An instance of `cls` that could not be built offline: its attributes are looked up on the
    class, its properties by their annotations, its `self.x = ...` assignments by reading __init__."""

    def __init__(self, cls: type):
        self.cls = cls

    def __repr__(self) -> str:
        return f"<instance of {self.cls.__module__}.{self.cls.__qualname__}>"


class Union:
    """Any of several values (boto3.client() is the client of some service): an attribute exists
    when one of them has it."""

    def __init__(self, label: str, members: list):
        self.label, self.members = label, members

    def __repr__(self) -> str:
        return f"<any of {self.label}>"


class Opaque:
    """A value the SDK sets in __init__ without an annotation: it exists, its type is not known."""

    def __init__(self, where: str):
        self.where = where


@functools.lru_cache(maxsize=None)
def boto3_clients() -> Union:
    import boto3
    import botocore.session

    session = botocore.session.get_session()
    loader = session.get_component("data_loader")
    methods: dict[str, Callable] = {}
    from botocore import xform_name

    for service in session.get_available_services():
        model = loader.load_service_model(service, "service-2")
        for operation in model["operations"]:
            methods.setdefault(xform_name(operation), _boto3_method)
    s3 = boto3.session.Session(region_name="us-east-1").client("s3")   # with the transfer methods boto3 adds
    return Union("boto3 service clients", [types.SimpleNamespace(**methods), s3])


def _boto3_method(**kwargs):
    """boto3 client methods take keyword arguments only."""


@functools.lru_cache(maxsize=None)
def boto3_resources() -> Union:
    import boto3

    session = boto3.session.Session(region_name="us-east-1")
    return Union("boto3 service resources",
                 [session.resource(name) for name in session.get_available_resources()])


def boto3_subresource(method) -> Any:
    """resource.Bucket("name"), Table("name"), User("name"): boto3 builds them lazily, with no
    request, from as many identifiers as the resource has."""
    for count in range(1, 4):
        try:
            return method(*["example"] * count)
        except (ValueError, IndexError):
            continue
    return None


def boto3_action_result(method) -> Any:
    """resource.get_queue_by_name(...), create_topic(...): an action (a request, never called here)
    whose resource model names the resource it returns."""
    closure = {name: cell.cell_contents for name, cell in
               zip(method.__func__.__code__.co_freevars, method.__func__.__closure__ or ())}
    returned = getattr(getattr(closure.get("action"), "_action_model", None), "resource", None)
    if returned is None or not returned.type:
        return None
    return boto3_subresource(getattr(method.__self__, returned.type))


@functools.lru_cache(maxsize=None)
def google_ads_services() -> Union:
    """GoogleAdsClient.get_service(name): the services the catalog lists, from the newest API version."""
    from google.ads.googleads.client import _DEFAULT_VERSION

    members = []
    for name in ("conversion_upload_service", "conversion_adjustment_upload_service",
                 "offline_user_data_job_service", "user_data_service"):
        module = importlib.import_module(f"google.ads.googleads.{_DEFAULT_VERSION}.services.services.{name}")
        client = next(getattr(module, n) for n in dir(module) if n.endswith("ServiceClient"))
        members.append(Instance(client))
    return Union("Google Ads services", members)


FACTORIES: list[tuple[Callable[[Any], bool], Callable[[Any], Any]]] = []


def factory(predicate: Callable[[Any], bool]):
    def register(function):
        FACTORIES.append((predicate, function))
        return function
    return register


def _qualname(value) -> str:
    function = getattr(value, "__func__", value)
    return f"{getattr(function, '__module__', '')}.{getattr(function, '__qualname__', '')}"


factory(lambda v: _qualname(v) in ("boto3.client", "boto3.session.Session.client",
                                   "aioboto3.session.Session.client"))(lambda v: boto3_clients())
factory(lambda v: _qualname(v) in ("boto3.resource", "boto3.session.Session.resource",
                                   "aioboto3.session.Session.resource"))(lambda v: boto3_resources())
factory(lambda v: "create_resource" in getattr(getattr(v, "__func__", v), "__qualname__", "")
        and type(getattr(v, "__self__", None)).__module__.startswith("boto3.resources"))(boto3_subresource)
factory(lambda v: "do_action" in getattr(getattr(v, "__func__", v), "__qualname__", "")
        and type(getattr(v, "__self__", None)).__module__.startswith("boto3.resources"))(lambda v: boto3_action_result(v))
factory(lambda v: _qualname(v) == "telegram.ext._applicationbuilder.ApplicationBuilder.build")(   # generic in a
    lambda v: importlib.import_module("telegram.ext").Application.builder().token("123:abc").build())  # TypeVar
factory(lambda v: _qualname(v) == "freshdesk.api.API")(   # picks the v1 or v2 client by `version`
    lambda v: INSTANTIATE["freshdesk.v2.api.API"](importlib.import_module("freshdesk.v2.api").API))
factory(lambda v: _qualname(v) == "google.ads.googleads.client.GoogleAdsClient.get_service")(
    lambda v: google_ads_services())


# Classes built for real, offline, because their attributes are made in __init__ or __getattr__
# (qualified class name -> the dummy arguments). None of these constructors sends a request.
INSTANTIATE: dict[str, Callable[[type], Any]] = {
    "razorpay.client.Client": lambda cls: cls(auth=("key", "secret")),
    "stripe._stripe_client.StripeClient": lambda cls: cls("sk_test_123"),
    "postmarker.core.PostmarkClient": lambda cls: cls(server_token="token"),
    "mailjet_rest.client.Client": lambda cls: cls(auth=("key", "secret"), version="v3.1"),
    "simple_salesforce.api.Salesforce": lambda cls: cls(session_id="session", instance="example.my.salesforce.com"),
    "hubspot.hubspot.HubSpot": lambda cls: cls(access_token="token"),
    "hubspot.client.Client": lambda cls: cls(access_token="token"),
    "klaviyo_api.wrapper.KlaviyoAPI": lambda cls: cls(api_key="key"),
    "zenpy.Zenpy": lambda cls: cls(subdomain="example", email="ops@example.com", token="token"),
    "braintree.braintree_gateway.BraintreeGateway": lambda cls: cls(__import__("braintree").Configuration(
        __import__("braintree").Environment.Sandbox, "merchant", "public", "private")),
    "mailchimp_marketing.Client": lambda cls: cls(),
    "mailchimp_transactional.Client": lambda cls: cls("key"),
    "freshdesk.v2.api.API": lambda cls: cls("example.freshdesk.com", "key"),
    "raven.base.Client": lambda cls: cls(),
    "paypalserversdk.paypal_serversdk_client.PaypalServersdkClient": lambda cls: cls(),
    "square_legacy.client.Client": lambda cls: cls(access_token="token"),
    "twilio.rest.Client": lambda cls: cls("ACxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "token"),
    "vonage.vonage.Vonage": lambda cls: cls(__import__("vonage").Auth(api_key="key", api_secret="secret")),
    "plivo.rest.client.Client": lambda cls: cls("MAXXXXXXXXXXXXXXXXXX", "token"),
    "Adyen.Adyen": lambda cls: cls(),
    "anthropic.Anthropic": lambda cls: cls(api_key="key"),
    "anthropic.AsyncAnthropic": lambda cls: cls(api_key="key"),
    "openai.OpenAI": lambda cls: cls(api_key="key"),
    "openai.AsyncOpenAI": lambda cls: cls(api_key="key"),
    "openai.lib.azure.AzureOpenAI": lambda cls: cls(api_key="key", azure_endpoint="https://example.openai.azure.com",
                                                   api_version="2024-06-01"),
    "openai.lib.azure.AsyncAzureOpenAI": lambda cls: cls(api_key="key", azure_endpoint="https://example.openai.azure.com",
                                                        api_version="2024-06-01"),
    "auth0.management.management_client.ManagementClient": lambda cls: cls(domain="example.auth0.com", token="token"),
    "auth0.management.client.Auth0": lambda cls: cls(tenant_domain="example.auth0.com", token="token"),
    "mistralai.client.sdk.Mistral": lambda cls: cls(api_key="key"),
    "zhipuai._client.ZhipuAI": lambda cls: cls(api_key="id.secret"),
    "volcenginesdkarkruntime._client.Ark": lambda cls: cls(api_key="key"),
    "volcenginesdkarkruntime._client.AsyncArk": lambda cls: cls(api_key="key"),
    "square.client.Square": lambda cls: cls(token="token"),
    "square.client.AsyncSquare": lambda cls: cls(token="token"),
    "intercom.client.Intercom": lambda cls: cls(token="token"),
    "intercom.client.AsyncIntercom": lambda cls: cls(token="token"),
    "brevo.client.Brevo": lambda cls: cls(api_key="key"),
    "brevo.client.AsyncBrevo": lambda cls: cls(api_key="key"),
    "google.genai.client.Client": lambda cls: cls(api_key="key"),
    "cohere.client.Client": lambda cls: cls(api_key="key"),
    "cohere.client.AsyncClient": lambda cls: cls(api_key="key"),
    "cohere.client_v2.ClientV2": lambda cls: cls(api_key="key"),
    "cohere.client_v2.AsyncClientV2": lambda cls: cls(api_key="key"),
    "sendgrid.sendgrid.SendGridAPIClient": lambda cls: cls("key"),
    "mailgun.client.Client": lambda cls: cls(auth=("api", "key")),
    "mailgun.client.AsyncClient": lambda cls: cls(auth=("api", "key")),
    "posthog.Posthog": lambda cls: cls("key", sync_mode=True),
    "mixpanel.Mixpanel": lambda cls: cls("token"),
}

# Names that objects answering any attribute (__getattr__) are given in the catalog's examples.
DYNAMIC_ATTRIBUTES: dict[str, tuple[str, ...]] = {
    "simple_salesforce.api.Salesforce": ("Contact",),
    "simple_salesforce.bulk.SFBulkHandler": ("Contact",),
    "simple_salesforce.bulk2.SFBulk2Handler": ("Contact",),
    "mailjet_rest.client.Client": ("send", "contact", "contactslist_managecontact"),
    "python_http_client.client.Client": ("mail", "send", "marketing", "contacts", "contactdb", "recipients",
                                         "post", "put"),
}


def class_name(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


# ----- resolving a pattern --------------------------------------------------------------------

def alive(path: str, pattern: str) -> bool:
    """Can `path` still be extended into a name that `pattern` matches?"""
    return bool(_glob_states(path, pattern))


def matches(path: str, pattern: str) -> bool:
    return len(pattern) in _glob_states(path, pattern)


def _glob_states(text: str, pattern: str) -> set[int]:
    def closure(states: set[int]) -> set[int]:
        result = set(states)
        for state in states:
            while state < len(pattern) and pattern[state] == "*":
                state += 1
                result.add(state)
        return result

    states = closure({0})
    for char in text:
        following = set()
        for state in states:
            if state < len(pattern):
                if pattern[state] == "*":
                    # `*.name` (and a final `*`) stand for any receiver chain; `*name` stays within one name
                    if char not in "()" or pattern[state + 1:state + 2] in (".", ""):
                        following.add(state)
                elif pattern[state] in (char, "?"):
                    following.add(state + 1)
        states = closure(following)
        if not states:
            break
    return states


def literal_head(pattern: str) -> str:
    """The dotted module path before the first glob or call: `boto3.*client()` -> `boto3`."""
    head = re.split(r"[*?\[(]", pattern, maxsplit=1)[0]
    return head.rsplit(".", 1)[0] if head != pattern and not head.endswith(".") else head.rstrip(".")


def import_root(pattern: str) -> tuple[str, Any]:
    parts = literal_head(pattern).split(".")
    for end in range(len(parts), 0, -1):
        name = ".".join(parts[:end])
        if name == pattern:
            continue  # a call names a function, never a module (google_measurement_protocol.report)
        try:
            return name, importlib.import_module(name)
        except ImportError:
            continue
    raise AssertionError(f"no module of {pattern} can be imported")


def next_names(prefix: str, pattern: str, value: Any) -> list[str]:
    """The attribute names to try after `prefix`: the literal name the pattern spells there, and
    every attribute of the value when a glob can match there (lazy modules hide names from dir())."""
    literal, globbing = [], False
    for state in _glob_states(prefix, pattern):
        name = re.match(r"[A-Za-z_0-9]*", pattern[state:]).group(0)
        following = pattern[state + len(name):state + len(name) + 1]
        if following in ("*", "?", "[") or not name:
            globbing = True
        if name:
            literal.append(name)
    return sorted(set(literal) | (set(attribute_names(value)) if globbing else set()))


def attribute_names(value: Any) -> Iterator[str]:
    if isinstance(value, Union):
        seen: set[str] = set()
        for member in value.members:
            for name in attribute_names(member):
                if name not in seen:
                    seen.add(name)
                    yield name
        return
    target = value.cls if isinstance(value, Instance) else value
    names = set(n for n in dir(target) if not n.startswith("_"))
    names |= set(DYNAMIC_ATTRIBUTES.get(class_name(target if inspect.isclass(target) else type(target)), ()))
    if isinstance(value, Instance):
        names |= set(instance_attributes(value.cls))
    if isinstance(value, types.ModuleType):
        names = {n for n in names if own_member(value, n)}   # submodules not imported yet are left out,
        if getattr(value, "__file__", None) is None and hasattr(value, "__path__"):   # but a namespace
            names |= {m.name for m in pkgutil.iter_modules(value.__path__)}             # package has no others
    yield from sorted(names)


def own_member(module: types.ModuleType, name: str) -> bool:
    """Whether module.name belongs to the module's own package (not an import of `json`, `logging`,
    another vendor's SDK): a glob is expanded over the SDK, not over what it imports."""
    package = module.__name__.split(".")[0]
    member = module.__dict__.get(name)
    if member is None:
        return True       # a submodule not imported yet
    home = member.__name__ if isinstance(member, types.ModuleType) else getattr(member, "__module__", None)
    return home is None or home.split(".")[0] == package


@functools.lru_cache(maxsize=None)
def instance_attributes(cls: type) -> dict[str, Any]:
    """`self.name = ...` in the __init__ of cls or its bases: the class it is built from
    (`self.users = UserApi(...)`) as an Instance, else an Opaque value."""
    found: dict[str, Any] = {}
    for klass in inspect.getmro(cls):
        init = klass.__dict__.get("__init__")
        if init is None or not inspect.isfunction(init):
            continue
        try:
            source = inspect.getsource(init)
        except (OSError, TypeError):
            continue
        for name, built_by in re.findall(r"self\.([A-Za-z_]\w*)\s*(?::[^=\n]+)?=(?!=)\s*([A-Za-z_][\w.]*\()?", source):
            built = named_class(init, built_by[:-1]) if built_by else None
            found.setdefault(name, Instance(built) if built else Opaque(f"{klass.__qualname__}.__init__"))
    return found


def named_class(function, dotted: str) -> Optional[type]:
    """The class a dotted name means inside a function's module, if it is one; a name imported only
    for type checking is looked up in the function's package."""
    head, *rest = dotted.split(".")
    value = getattr(function, "__globals__", {}).get(head)
    if value is None and not rest:
        return package_class(getattr(function, "__module__", "") or "", head)
    for part in rest:
        value = getattr(value, part, None)
    return value if inspect.isclass(value) else None


_PACKAGE_CLASSES: dict[tuple[str, str], Optional[type]] = {}


def package_class(module: str, name: str) -> Optional[type]:
    """The class called `name` defined in the loaded modules of `module`'s top-level package."""
    package = module.split(".")[0]
    key = (package, name)
    if key not in _PACKAGE_CLASSES:
        found = {getattr(m, name) for n, m in list(sys.modules.items())
                 if (n == package or n.startswith(package + ".")) and inspect.isclass(getattr(m, name, None))
                 and getattr(m, name).__module__.startswith(package)}
        _PACKAGE_CLASSES[key] = found.pop() if len(found) == 1 else None
    return _PACKAGE_CLASSES[key]


@functools.lru_cache(maxsize=None)
def returned_class(function) -> Optional[type]:
    """For an unannotated function or method: the class every `return` builds (`return Foo(...)`),
    or the owner's class when every `return` is `return self` (a fluent builder) or `return cls(...)`."""
    import ast
    import textwrap

    bound_class = getattr(function, "__self__", None) if inspect.isclass(getattr(function, "__self__", None)) else None
    function = getattr(function, "__func__", function)
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
    except (OSError, TypeError, SyntaxError):
        return None
    body = tree.body[0]
    returns = [n.value for n in ast.walk(body) if isinstance(n, ast.Return) and n.value is not None]
    if not returns:
        return None
    if all(isinstance(r, ast.Name) and r.id == "self" for r in returns):
        owner = function.__qualname__.rpartition(".")[0]
        return named_class(function, owner) if owner and "<" not in owner else None
    owner = function.__qualname__.rpartition(".")[0]
    classes = {(bound_class or named_class(function, owner)) if ast.unparse(r.func) == "cls"
               else named_class(function, ast.unparse(r.func)) for r in returns if isinstance(r, ast.Call)}
    if len(returns) == sum(isinstance(r, ast.Call) for r in returns) and len(classes) == 1 and None not in classes:
        return classes.pop()
    return None


def get_attribute(value: Any, name: str) -> Any:
    """The value of `value.name`, or None when there is none."""
    if isinstance(value, Union):
        found = [a for a in (get_attribute(m, name) for m in value.members) if a is not None]
        return found[0] if len(found) == 1 else (Union(f"{value.label}.{name}", found) if found else None)
    if isinstance(value, Instance):
        for klass in inspect.getmro(value.cls):
            if name in klass.__dict__:
                member = klass.__dict__[name]
                if isinstance(member, (property, functools.cached_property)):
                    function = member.fget if isinstance(member, property) else member.func
                    returned = return_class(function)
                    return Instance(returned) if returned else Opaque(f"{klass.__qualname__}.{name}")
                return getattr(value.cls, name)
        if name in instance_attributes(value.cls):
            return instance_attributes(value.cls)[name]
        annotation = typing.get_type_hints(value.cls).get(name) if _safe_hints(value.cls) else None
        if inspect.isclass(annotation):
            return Instance(annotation)
        return None
    if isinstance(value, Opaque):
        return None
    try:
        return getattr(value, name)
    except AttributeError:
        if isinstance(value, types.ModuleType):
            try:
                return importlib.import_module(f"{value.__name__}.{name}")
            except ImportError:
                return None
        return None
    except Exception:  # a lazy attribute that needs a live service
        return None




def _safe_hints(obj) -> bool:
    try:
        typing.get_type_hints(obj)
        return True
    except Exception:
        return False


@functools.lru_cache(maxsize=None)
def return_class(function) -> Optional[type]:
    """The class a function's return annotation names (Optional[X] is X)."""
    try:
        hints = typing.get_type_hints(function)
    except Exception:
        hints = {}
    annotation = hints.get("return")
    if annotation is None:
        try:
            annotation = inspect.signature(function).return_annotation
        except (TypeError, ValueError):
            return None
    if annotation is inspect.Signature.empty:
        return None
    if isinstance(annotation, typing.ForwardRef):
        annotation = annotation.__forward_arg__
    if isinstance(annotation, str):
        annotation = named_class(function, annotation.strip("'\""))
    origin = typing.get_origin(annotation)
    if inspect.isclass(origin) and origin.__module__ not in ("builtins", "typing", "collections.abc"):
        annotation = origin     # Application[...] is an Application
    if typing.get_origin(annotation) is typing.Union:
        classes = [a for a in typing.get_args(annotation) if inspect.isclass(a) and a is not type(None)]
        annotation = classes[0] if len(classes) == 1 else None
    return annotation if inspect.isclass(annotation) and annotation.__module__ != "builtins" else None


def call_result(value: Any) -> Any:
    """What calling `value` gives, without calling anything that could reach the network."""
    if isinstance(value, Union):
        results = [r for r in (call_result(m) for m in value.members) if r is not None]
        return Union(f"{value.label}()", results) if results else None
    for predicate, make in FACTORIES:
        try:
            if predicate(value):
                return make(value)
        except Exception as exc:  # a factory that cannot run is a failure of this test, not a skip
            raise AssertionError(f"building the value of {value!r}() failed: {exc!r}") from exc
    if inspect.isclass(value):
        build = INSTANTIATE.get(class_name(value))
        return build(value) if build else Instance(value)
    if callable(value):
        returned = return_class(value) or returned_class(value)
        if returned is None:
            return None
        build = INSTANTIATE.get(class_name(returned))
        return build(returned) if build else Instance(returned)
    return None


def expansions(pattern: str) -> Iterator[tuple[str, Any]]:
    """The concrete names the pattern matches, shortest first, with the SDK value each names. A glob
    stands for at most EXTRA_STEPS attribute or call steps more than the pattern spells out."""
    root_name, root = import_root(pattern)
    max_depth = min(MAX_DEPTH, len(re.findall(r"\.|\(\)", pattern)) + EXTRA_STEPS * pattern.count("*"))
    queue = deque([(root_name, root, root_name.count("."))])
    visited = 0
    if matches(root_name, pattern):
        yield root_name, root
    while queue:
        path, value, depth = queue.popleft()
        visited += 1
        if visited > MAX_EXPANSIONS:
            raise AssertionError(f"{pattern} expands to too many names to check")
        if depth >= max_depth or value is None or isinstance(value, Opaque):
            continue
        children = []
        if alive(path + "()", pattern):
            result = call_result(value)
            if result is not None:
                children.append((path + "()", result))
        if alive(path + ".", pattern):
            children += [(f"{path}.{name}", get_attribute(value, name))
                         for name in next_names(path + ".", pattern, value) if alive(f"{path}.{name}", pattern)]
        for child_path, child in children:
            if matches(child_path, pattern) and child is not None:
                yield child_path, child
            queue.append((child_path, child, depth + 1))


def accepted_problems(value: Any, rule: CallRule) -> list[str]:
    """The catalog's argument names and positions that the callable does not accept."""
    if isinstance(value, Union):
        problems = [accepted_problems(m, rule) for m in value.members]
        return [] if any(p == [] for p in problems) else problems[0]
    if isinstance(value, Opaque):
        return []
    if not callable(value):
        return [f"{value!r} is not callable"]
    if rule.args is None:
        return []
    try:
        signature = inspect.signature(value.__init__ if inspect.isclass(value) else value)
    except (TypeError, ValueError):
        return []  # a builtin or C function without a signature
    parameters = list(signature.parameters.values())
    if parameters and parameters[0].name in ("self", "cls") and (inspect.isclass(value) or inspect.isfunction(value)
                                                                  and "." in value.__qualname__):
        parameters = parameters[1:]
    kinds = {p.kind for p in parameters}
    positional = [p for p in parameters if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    keywords = {p.name for p in parameters if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)}
    problems = []
    for spec in rule.args:
        if spec in ("self", "*"):
            continue
        if isinstance(spec, int):
            if spec >= len(positional) and inspect.Parameter.VAR_POSITIONAL not in kinds:
                problems.append(f"position {spec}")
        elif spec not in keywords and inspect.Parameter.VAR_KEYWORD not in kinds:
            problems.append(f"keyword {spec}")
    return problems


def installed_version(module: str) -> Optional[str]:
    top = module.split(".")[0]
    for distribution in importlib.metadata.packages_distributions().get(top, []):
        return importlib.metadata.version(distribution)
    return None


def version_tuple(text: str) -> tuple[int, ...]:
    return tuple(int(n) for n in re.findall(r"\d+", text)[:3])


def concrete(pattern: str) -> str:
    """A pattern whose receiver is a bare variable name, with the value that name stands for."""
    for bare, meaning in BARE_RECEIVERS.items():
        if pattern.startswith(bare + "."):
            return meaning + pattern[len(bare):]
    return pattern


def first_accepting(pattern: str, rule: CallRule) -> tuple[Optional[str], str]:
    """The first concrete name of the pattern that exists and accepts the rule's arguments, or
    None and why not."""
    rejected = ""
    try:
        for path, value in candidates(concrete(pattern)):
            if value is None:
                continue
            problems = accepted_problems(value, rule)
            if not problems:
                return path, ""
            rejected = rejected or f"{path} does not accept {', '.join(problems)}"
    except AssertionError as exc:
        return None, str(exc)
    return None, rejected or "matches no attribute of the SDK"


def candidates(pattern: str) -> Iterator[tuple[str, Any]]:
    """expansions(pattern); a pattern ending in a plain name reuses its receivers' expansions,
    which many calls share (`boto3.*client()` has a hundred methods)."""
    receiver, dot, last = pattern.rpartition(".")
    if not dot or not re.fullmatch(r"[A-Za-z_]\w*", last) or "(" not in receiver and "*" not in receiver:
        yield from expansions(pattern)
        return
    for path, value in receivers(receiver):
        attribute = get_attribute(value, last)
        if attribute is not None:
            yield f"{path}.{last}", attribute


class Replay:
    """An iterator whose items are kept, so that later readers replay them before reading on."""

    def __init__(self, items: Iterator):
        self.items, self.seen = items, []

    def __iter__(self):
        index = 0
        while True:
            if index < len(self.seen):
                yield self.seen[index]
                index += 1
                continue
            try:
                self.seen.append(next(self.items))
            except StopIteration:
                return


@functools.lru_cache(maxsize=None)
def receivers(pattern: str) -> Replay:
    return Replay(guessed_then_expanded(pattern))


def guessed_then_expanded(pattern: str) -> Iterator[tuple[str, Any]]:
    """First the names where some `*` are empty or a dot (`auth0.management*ManagementClient()` is
    most often `auth0.management.ManagementClient()`), the fewest globs first; the full pattern last."""
    import itertools

    pieces = pattern.split("*")
    fillings = sorted(itertools.product(("", ".", "*"), repeat=len(pieces) - 1), key=lambda f: f.count("*"))
    for fills in fillings:
        guess = pieces[0] + "".join(fill + piece for fill, piece in zip(fills, pieces[1:]))
        if ".." in guess or (guess != pattern and not matches(guess.replace("*", ""), pattern)):
            continue
        try:
            yield from expansions(guess)
        except AssertionError:
            if guess == pattern:
                raise


# ----- the tests ------------------------------------------------------------------------------

@pytest.mark.parametrize("recipient", [r for r in RECIPIENTS if r.modules], ids=lambda r: r.id)
def test_modules_import(recipient: Recipient):
    missing = []
    for module in recipient.modules:
        try:
            importlib.import_module(module)
        except Exception as exc:  # an SDK too old for this Python fails with other errors than ImportError
            missing.append(f"{module}: {exc!r}")
    assert not missing, "\n" + "\n".join(missing)


@pytest.mark.parametrize("recipient", [r for r in RECIPIENTS if r.calls or r.region_from or r.endpoints],
                         ids=lambda r: r.id)
def test_calls_resolve(recipient: Recipient):
    problems = []
    rules = list(recipient.calls) + [CallRule(s.pattern, args=(s.arg,)) for s in recipient.region_from + recipient.endpoints]
    for rule in rules:
        found, why = first_accepting(rule.pattern, CallRule(rule.pattern) if rule.removed_in else rule)
        if rule.removed_in is not None:
            version = installed_version(literal_head(rule.pattern))
            if version is not None and version_tuple(version) >= version_tuple(rule.removed_in):
                if found:
                    problems.append(f"{rule.pattern}: marked removed in {rule.removed_in}, but {version} has {found}")
                continue
        if found is None:
            problems.append(f"{rule.pattern}: {why}")
    assert not problems, "\n" + "\n".join(problems)
