"""Generic iControl REST resource engine: type registry, store, envelopes, query options.

A *type* (``TypeDef``) describes one REST collection (``/mgmt/tm/ltm/pool``): its mcpd display
name for errors, whether names carry a partition, its properties (default + value check),
references to other types, sub-collections and hooks for type-specific rules. The ``Store``
keeps every object of every type, moves the global ``generation`` on each change and renders
objects exactly like a 14.1.2.1 device (``kind``, ``selfLink`` with ``?ver=``, ``*Reference``).
"""
from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass, field
from typing import Any, Callable
from urllib.parse import quote

VERSION = "14.1.2.1"
HOST_LINK = "https://localhost"
ENVELOPE_KEYS = ("kind", "name", "partition", "subPath", "fullPath", "generation", "selfLink")
MISSING = object()
FOLDER = "/mgmt/tm/sys/folder"
PARTITION = "/mgmt/tm/auth/partition"
# Characters mcpd accepts in an object name (letters, digits and . _ - : %, e.g. "10.1.1.1%2:80");
# a name must not start with "." or "-" (README "Names, partitions and folders", inferred).
NAME = re.compile(r"^[A-Za-z0-9_:%][A-Za-z0-9_.:%-]*$")
MAX_NAME = 255


class ApiError(Exception):
    """An mcpd-style error: ``{"code", "message", "errorStack": [], "apiError"}``."""

    def __init__(self, status: int, message: str, api_error: int = 3):
        super().__init__(message)
        self.status = status
        self.message = message
        self.api_error = api_error

    def body(self) -> dict:
        return {"code": self.status, "message": self.message, "errorStack": [], "apiError": self.api_error}


class FrameworkError(Exception):
    """A REST-framework error (auth, unknown path): ``kind: ":resterrorresponse"``."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def config_error(detail: str) -> ApiError:
    return ApiError(400, f"01070734:3: Configuration error: {detail}")


def not_found(display: str, full_path: str) -> ApiError:
    return ApiError(404, f"01020036:3: The requested {display} ({full_path}) was not found.")


def already_exists(display: str, full_path: str, partition: str = "Common") -> ApiError:
    return ApiError(409, f"01020066:3: The requested {display} ({full_path}) already exists in partition {partition}.")


@dataclass
class Prop:
    """One writable property: ``default`` (value, ``MISSING`` = absent unless given, or a callable
    ``(body, ctx) -> value``) and ``check`` (``value -> normalized value``, raises ValueError)."""

    default: Any = MISSING
    check: Callable[[Any], Any] | None = None
    reference: str | Callable[[str], str] | None = None  # target type path (or value -> path): ``<prop>Reference``
    ref_skip: tuple = ("none", "", "default")


@dataclass
class TypeDef:
    path: str
    display: str
    props: dict[str, Prop]
    partitioned: bool = True
    singleton: bool = False
    readonly: dict[str, Any] = field(default_factory=dict)   # computed props: value or callable(obj, ctx)
    subcollections: dict[str, "TypeDef"] = field(default_factory=dict)  # URI segment -> type
    inline: dict[str, str] = field(default_factory=dict)     # body key -> sub-collection segment
    builtins: list[dict] = field(default_factory=list)       # stored objects present at factory state
    validate: Callable[["Ctx", dict, dict | None], None] | None = None  # (ctx, obj, old) after merge
    after_write: Callable[["Ctx", dict], None] | None = None
    before_delete: Callable[["Ctx", dict], None] | None = None
    name_check: Callable[[str], None] | None = None
    name_parse: Callable[[dict], tuple[str | None, str]] | None = None  # body -> (partition, name), own rules
    render_hook: Callable[[dict, dict], None] | None = None            # (rendered, stored) for own envelopes
    rename: Callable[["Ctx", str | None, str], str] | None = None     # (ctx, partition, name) -> stored name
    name_chars: str = ""                                               # extra characters allowed in names
    inherit_from_parent: bool = False  # defaultsFrom: take unset props from the parent object
    creatable: bool = True
    kind: str = ""
    config_path: str = ""               # "/ltm/pool" for error texts

    def __post_init__(self):
        parts = self.path.removeprefix("/mgmt/").split("/")
        if not self.kind:
            self.kind = ":".join(parts) + f":{parts[-1]}state"
        self.config_path = "/" + "/".join(parts[1:])

    @property
    def collection_kind(self) -> str:
        return self.kind[: -len("state")] + "collectionstate"


def uri_name(partition: str | None, name: str) -> str:
    """URI segment of an object: ``~Common~name``, in a folder ``~Common~app~name`` (``%`` of
    route domains encoded as ``%25``)."""
    segment = f"~{partition}~{name.replace('/', '~')}" if partition else name
    return quote(segment, safe="~:.-_")


def parse_name(body_name: str, body_partition: str | None, partitioned: bool,
               sub_path: str | None = None) -> tuple[str | None, str]:
    """``name`` (``x``, ``/Common/x``, ``/Common/app/x``) + ``partition`` (+ ``subPath``) of a request
    body -> (partition, name); an object in a sub-folder keeps ``app/x`` as its stored name."""
    if not partitioned:
        return None, body_name
    if body_name.startswith("/"):
        parts = body_name[1:].split("/")
        return parts[0], "/".join(parts[1:])
    if sub_path:
        return body_partition or "Common", f"{sub_path.strip('/')}/{body_name}"
    return body_partition or "Common", body_name


def check_name(display: str, partition: str | None, name: str, extra: str = "") -> None:
    """mcpd's name rules for the last path segment; every folder segment follows them too.
    ``extra``: characters a type also allows in its last segment (``*?`` of wildcard wide IPs)."""
    full = key_of(partition, name)
    *folders, leaf = name.split("/")
    for segment in folders + ([partition] if partition is not None else []) + [leaf.translate({ord(c): "_" for c in extra})]:
        if not segment or len(segment) > MAX_NAME or not NAME.match(segment):
            raise ApiError(400, f"01070022:3: The requested {display} name ({full}) is invalid; a name may "
                                f"contain letters, digits and the characters . _ - : % only, and must not "
                                f"start with . or -.")


def folder_of(partition: str, name: str) -> str:
    """The folder an object lives in: ``/Common`` or ``/Common/app``."""
    head = name.rpartition("/")[0]
    return f"/{partition}/{head}" if head else f"/{partition}"


def key_of(partition: str | None, name: str) -> str:
    return f"/{partition}/{name}" if partition else name


def link(path: str, query: str = "") -> str:
    return f"{HOST_LINK}{path}?{query + '&' if query else ''}ver={VERSION}"


class Ctx:
    """What type hooks may do with the store while a request is applied."""

    def __init__(self, store: "Store"):
        self.store = store

    def find(self, type_path: str, key: str) -> dict | None:
        return self.store.data.get(type_path, {}).get(key)

    def objects(self, type_path: str) -> list[dict]:
        return list(self.store.data.get(type_path, {}).values())

    def create(self, type_path: str, body: dict) -> dict:
        return self.store.create(self.store.types[type_path], body, parent=None)

    def touch(self, obj: dict) -> None:
        self.store.touch(obj)

    def counter(self, name: str, start: int, step: int) -> int:
        return self.store.next_counter(name, start, step)

    # --- route domains ----------------------------------------------------------------------
    def default_route_domain(self, partition: str | None) -> int:
        """The ``defaultRouteDomain`` of a partition (0 without one)."""
        part = self.find(PARTITION, partition or "Common")
        return int(part.get("defaultRouteDomain", 0)) if part else 0

    def route_domain_ids(self) -> set[int]:
        return {int(rd["id"]) for rd in self.objects("/mgmt/tm/net/route-domain") if "id" in rd}

    def with_route_domain(self, partition: str | None, address: str, what: str) -> str:
        """``10.1.1.1[/24]`` -> ``10.1.1.1%2[/24]`` in a partition whose default route domain is 2;
        an explicit ``%N`` must name an existing route domain; ``%0`` is written without suffix."""
        ip, pct, rest = address.partition("%")
        prefix = ""
        if pct:
            rd_text, slash, prefix_part = rest.partition("/")
            prefix = slash + prefix_part
            rd = int(rd_text) if rd_text.isdigit() else -1
        else:
            ip, slash, prefix_part = address.partition("/")
            prefix = slash + prefix_part
            rd = self.default_route_domain(partition)
        if rd not in self.route_domain_ids():
            raise config_error(f"The requested route domain ({rd_text if pct else rd}) for {what} was not found.")
        if rd == 0 and not (pct and self.default_route_domain(partition) != 0):
            return f"{ip}{prefix}"
        return f"{ip}%{rd}{prefix}"


class Store:
    """All objects of all types plus the global generation; rendering and CRUD."""

    def __init__(self, types: dict[str, TypeDef]):
        self.types = types
        self.data: dict[str, dict[str, dict]] = {}
        self.generation = 0
        self.counters: dict[str, int] = {}
        self.ctx = Ctx(self)

    # --- state snapshots -------------------------------------------------------------------
    def factory(self) -> None:
        self.data = {}
        self.counters = {}
        self.generation = 1
        for typedef in self.types.values():
            self.data[typedef.path] = {}
            for builtin in typedef.builtins:
                obj = copy.deepcopy(builtin)
                self.data[typedef.path][key_of(obj.get("partition"), obj["name"])] = obj

    def dump(self) -> dict:
        return {"generation": self.generation, "counters": self.counters, "data": self.data}

    def load(self, snapshot: dict) -> None:
        snapshot = copy.deepcopy(snapshot)
        self.generation = max(self.generation, snapshot["generation"])
        self.counters = snapshot["counters"]
        self.data = {path: {} for path in self.types}
        self.data.update({path: objs for path, objs in snapshot["data"].items() if path in self.types})

    def touch(self, obj: dict) -> None:
        self.generation += 1
        obj["generation"] = self.generation

    def next_counter(self, name: str, start: int, step: int) -> int:
        value = self.counters.get(name, start)
        self.counters[name] = value + step
        return value

    # --- lookup -----------------------------------------------------------------------------
    def get(self, typedef: TypeDef, key: str, parent: dict | None = None) -> dict:
        objs = self.container(typedef, parent)
        if key not in objs:
            raise not_found(typedef.display, self.display_path(typedef, key, parent))
        return objs[key]

    def container(self, typedef: TypeDef, parent: dict | None) -> dict[str, dict]:
        if parent is None:
            return self.data.setdefault(typedef.path, {})
        segment = typedef.path.rsplit("/", 1)[1]
        return parent.setdefault("_sub", {}).setdefault(segment, {})

    @staticmethod
    def display_path(typedef: TypeDef, key: str, parent: dict | None) -> str:
        if parent is None:
            return key
        return f"{key_of(parent.get('partition'), parent['name'])} {key}"

    # --- writes ---------------------------------------------------------------------------
    def create(self, typedef: TypeDef, body: dict, parent: dict | None) -> dict:
        if not typedef.creatable:
            raise ApiError(400, f"The {typedef.display} type cannot be created.", 1)
        name = body.get("name")
        if not isinstance(name, str) or not name:
            raise ApiError(400, f"01070734:3: Configuration error: {typedef.display} name is required.")
        if typedef.name_parse:
            partition, name = typedef.name_parse(body)
        else:
            default_partition = parent.get("partition") if parent is not None else None
            partition, name = parse_name(name, body.get("partition", default_partition), typedef.partitioned,
                                         body.get("subPath"))
            if typedef.partitioned:
                check_name(typedef.display, partition, name, typedef.name_chars)
        if typedef.name_check:
            typedef.name_check(name)
        if partition is not None and FOLDER in self.types and typedef.path not in (FOLDER, PARTITION):
            folder = folder_of(partition, name)
            if folder not in self.data.get(FOLDER, {}):
                raise ApiError(400, f"01020036:3: The requested folder ({folder}) was not found.")
        if typedef.rename:
            name = typedef.rename(self.ctx, partition, name)
        key = key_of(partition, name)
        objs = self.container(typedef, parent)
        if key in objs:
            raise already_exists(typedef.display, self.display_path(typedef, key, parent), partition or "Common")
        obj = {"name": name}
        if partition:
            obj["partition"] = partition
        if parent is not None:
            obj["_parent"] = key_of(parent.get("partition"), parent["name"])
        props, inline = self.checked_props(typedef, body, obj)
        self.apply_defaults(typedef, obj, props, body)
        if typedef.validate:
            typedef.validate(self.ctx, obj, None)
        objs[key] = obj
        self.replace_inline(typedef, obj, inline)
        self.touch(obj)
        if parent is not None:
            self.touch(parent)
        if typedef.after_write:
            typedef.after_write(self.ctx, obj)
        return obj

    def update(self, typedef: TypeDef, obj: dict, body: dict, replace: bool, parent: dict | None) -> dict:
        self.check_identity(typedef, obj, body)
        props, inline = self.checked_props(typedef, body, obj)
        old = copy.deepcopy(obj)
        new = {k: v for k, v in obj.items() if k in ("name", "partition", "_parent", "_sub", "generation")}
        if replace:
            self.apply_defaults(typedef, new, props, body, old=old)
        else:
            new.update({k: v for k, v in obj.items() if k not in new})
            new.update(props)
            self.exclusive_pairs(typedef, new, props)
        if typedef.validate:
            typedef.validate(self.ctx, new, old)
        obj.clear()
        obj.update(new)
        self.replace_inline(typedef, obj, inline)
        self.touch(obj)
        if parent is not None:
            self.touch(parent)
        if typedef.after_write:
            typedef.after_write(self.ctx, obj)
        return obj

    def delete(self, typedef: TypeDef, key: str, parent: dict | None) -> None:
        obj = self.get(typedef, key, parent)
        if not typedef.creatable:
            raise ApiError(400, f"The {typedef.display} ({key}) cannot be deleted.", 1)
        if typedef.before_delete:
            typedef.before_delete(self.ctx, obj)
        del self.container(typedef, parent)[key]
        self.generation += 1
        if parent is not None:
            self.touch(parent)

    @staticmethod
    def check_identity(typedef: TypeDef, obj: dict, body: dict) -> None:
        if "name" in body and typedef.name_parse is None:
            partition, name = parse_name(str(body["name"]), body.get("partition", obj.get("partition")), typedef.partitioned,
                                         body.get("subPath", obj["name"].rpartition("/")[0] or None))
            if name != obj["name"] or (typedef.partitioned and partition != obj.get("partition")):
                raise ApiError(400, f"The name of {typedef.display} ({key_of(obj.get('partition'), obj['name'])}) cannot be changed.", 1)

    def checked_props(self, typedef: TypeDef, body: dict, obj: dict) -> tuple[dict, dict]:
        props, inline = {}, {}
        for prop, value in body.items():
            if prop in ENVELOPE_KEYS or self.is_link_key(typedef, prop):
                continue
            if prop in typedef.inline:
                if not isinstance(value, list):
                    raise ApiError(400, f"Invalid value for {prop}: a list is expected.", 1)
                inline[typedef.inline[prop]] = value
                continue
            spec = typedef.props.get(prop)
            if spec is None:
                item = self.config_item(typedef, obj)
                raise ApiError(400, f"Found unexpected json pair at configuration item {item}. The json pair is "
                                    f"{json.dumps(prop)}:{json.dumps(value, separators=(',', ':'))}.", 1)
            props[prop] = self.check_value(typedef, obj, prop, spec, value)
        return props, inline

    @staticmethod
    def is_link_key(typedef: TypeDef, prop: str) -> bool:
        """``poolReference``, ``membersReference``...: links a client may echo back from a GET."""
        if not prop.endswith("Reference"):
            return False
        base = prop[: -len("Reference")]
        return base in typedef.props or base in {camel(segment) for segment in typedef.subcollections}

    @staticmethod
    def check_value(typedef: TypeDef, obj: dict, prop: str, spec: Prop, value: Any) -> Any:
        if spec.check is None:
            return value
        try:
            return spec.check(value)
        except ValueError as exc:
            where = typedef.config_path if typedef.singleton else key_of(obj.get("partition"), obj["name"])
            raise config_error(f"{typedef.display} ({where}) {prop}: {exc}") from None

    def config_item(self, typedef: TypeDef, obj: dict) -> str:
        if typedef.singleton:
            return typedef.config_path
        return f"{typedef.config_path}/{uri_name(obj.get('partition'), obj['name'])}"

    def apply_defaults(self, typedef: TypeDef, obj: dict, props: dict, body: dict, old: dict | None = None) -> None:
        parent_obj = self.inherited_parent(typedef, props, obj)
        for prop, spec in typedef.props.items():
            if prop in props:
                obj[prop] = props[prop]
            elif parent_obj is not None and prop in parent_obj and prop not in ("defaultsFrom", "description"):
                obj[prop] = copy.deepcopy(parent_obj[prop])
            elif callable(spec.default):
                value = spec.default(body if old is None else dict(old, **body), self.ctx)
                if value is not MISSING:
                    obj[prop] = value
            elif spec.default is not MISSING:
                obj[prop] = copy.deepcopy(spec.default)
        self.exclusive_pairs(typedef, obj, props)

    def inherited_parent(self, typedef: TypeDef, props: dict, obj: dict) -> dict | None:
        if not typedef.inherit_from_parent:
            return None
        parent_name = props.get("defaultsFrom") or typedef.props["defaultsFrom"].default
        if not isinstance(parent_name, str) or parent_name in ("none", ""):
            return None
        parent = self.data.get(typedef.path, {}).get(parent_name)
        if parent is None:
            raise config_error(f"The parent profile ({parent_name}) of {typedef.display} "
                               f"({key_of(obj.get('partition'), obj['name'])}) does not exist.")
        return parent

    @staticmethod
    def exclusive_pairs(typedef: TypeDef, obj: dict, props: dict) -> None:
        """``enabled``/``disabled`` style pairs: only the one last given is kept."""
        for first, second in (("enabled", "disabled"), ("vlansEnabled", "vlansDisabled")):
            if first in typedef.props and second in typedef.props:
                if props.get(first) is True or props.get(second) is False:
                    obj.pop(second, None)
                    obj[first] = True
                elif props.get(second) is True or props.get(first) is False:
                    obj.pop(first, None)
                    obj[second] = True

    def replace_inline(self, typedef: TypeDef, obj: dict, inline: dict) -> None:
        for segment, items in inline.items():
            sub = typedef.subcollections[segment]
            backup = copy.deepcopy(obj.get("_sub", {}).get(segment, {}))
            obj.setdefault("_sub", {})[segment] = {}
            try:
                for position, item in enumerate(items):
                    body = {"name": item} if isinstance(item, str) else dict(item)
                    if "memberOrder" in sub.props and "memberOrder" not in body:
                        body["memberOrder"] = position
                    self.create(sub, body, parent=obj)
            except ApiError:
                obj["_sub"][segment] = backup
                raise

    # --- rendering --------------------------------------------------------------------------
    def resource_path(self, typedef: TypeDef, obj: dict, parent: dict | None = None) -> str:
        if typedef.singleton:
            return typedef.path
        if parent is not None:
            parent_type = self.types[typedef.path.rsplit("/", 1)[0]]
            base = self.resource_path(parent_type, parent) + "/" + typedef.path.rsplit("/", 1)[1]
        else:
            base = typedef.path
        return f"{base}/{uri_name(obj.get('partition'), obj['name'])}"

    def render(self, typedef: TypeDef, obj: dict, query: "Query", parent: dict | None = None) -> dict:
        out: dict[str, Any] = {"kind": typedef.kind}
        if not typedef.singleton:
            folder, _sep, leaf = obj["name"].rpartition("/") if obj.get("partition") else ("", "", obj["name"])
            out["name"] = leaf
            if obj.get("partition"):
                out["partition"] = obj["partition"]
            if folder:
                out["subPath"] = folder
            out["fullPath"] = key_of(obj.get("partition"), obj["name"])
        if not typedef.singleton:
            out["generation"] = obj.get("generation", 0)
        path = self.resource_path(typedef, obj, parent)
        out["selfLink"] = link(path, query.echo)
        for prop, spec in typedef.props.items():
            if prop in obj:
                out[prop] = copy.deepcopy(obj[prop])
                self.add_reference(out, prop, spec, obj[prop])
        for prop, value in typedef.readonly.items():
            out[prop] = value(obj, self.ctx) if callable(value) else copy.deepcopy(value)
        for segment, sub in typedef.subcollections.items():
            ref = {"link": link(f"{path}/{segment}", query.echo), "isSubcollection": True}
            if query.expand:
                items = self.container(sub, obj).values()
                ref["items"] = [self.render(sub, item, query, parent=obj) for item in items]
            out[camel(segment) + "Reference"] = ref
        if typedef.render_hook:
            typedef.render_hook(out, obj)
        return out

    def add_reference(self, out: dict, prop: str, spec: Prop, value: Any) -> None:
        if not spec.reference:
            return
        if isinstance(value, list):
            links = [self.reference_link(spec.reference, v) for v in value if isinstance(v, str)]
            if links:
                out[prop + "Reference"] = [{"link": target} for target in links]
        elif isinstance(value, str) and value not in spec.ref_skip:
            out[prop + "Reference"] = {"link": self.reference_link(spec.reference, value)}

    def reference_link(self, type_path, value: str) -> str:
        if callable(type_path):
            type_path = type_path(value)
        target = self.types.get(type_path)
        partitioned = target.partitioned if target else True
        full = value.split()[0]
        if partitioned and full.startswith("/"):
            partition, _sep, name = full.strip("/").partition("/")
            return link(f"{type_path}/{uri_name(partition, name)}")
        return link(f"{type_path}/{uri_name(None, full)}")

    def render_collection(self, typedef: TypeDef, query: "Query", parent: dict | None = None) -> dict:
        base = typedef.path
        if parent is not None:
            parent_path, segment = typedef.path.rsplit("/", 1)
            base = f"{self.resource_path(self.types[parent_path], parent)}/{segment}"
        items = [obj for obj in self.container(typedef, parent).values() if query.matches(obj)]
        rendered = [self.render(typedef, obj, query, parent) for obj in items]
        return query.page({"kind": typedef.collection_kind, "selfLink": link(base, query.echo), "items": rendered})


def camel(segment: str) -> str:
    head, *rest = segment.split("-")
    return head + "".join(part.capitalize() for part in rest)


class Query:
    """Query options of one request: ``$select``, ``$filter``, ``expandSubcollections``, paging."""

    def __init__(self, pairs: list[tuple[str, str]]):
        self.pairs = pairs
        options = dict(pairs)
        self.echo = "&".join(f"{quote(k, safe='$')}={quote(v, safe=',$: ')}".replace(" ", "+") for k, v in pairs if k != "ver")
        self.expand = options.get("expandSubcollections", "").lower() == "true"
        self.select = [s.strip() for s in options["$select"].split(",") if s.strip()] if "$select" in options else None
        self.partition = self.parse_filter(options.get("$filter"))
        self.top = self.parse_int(options, "$top")
        self.skip = self.parse_int(options, "$skip") or 0

    @staticmethod
    def parse_filter(text: str | None) -> str | None:
        if text is None:
            return None
        words = text.replace("+", " ").split()
        if len(words) != 3 or words[0] != "partition" or words[1] != "eq":
            raise ApiError(400, f"Query parameter $filter has an unsupported value: {text}", 1)
        return words[2]

    @staticmethod
    def parse_int(options: dict, key: str) -> int | None:
        if key not in options:
            return None
        try:
            value = int(options[key])
        except ValueError:
            raise ApiError(400, f"Query parameter {key} must be an integer: {options[key]}", 1) from None
        if value < 0:
            raise ApiError(400, f"Query parameter {key} must not be negative: {value}", 1)
        return value

    def matches(self, obj: dict) -> bool:
        return self.partition is None or obj.get("partition") == self.partition

    def pick(self, body: dict) -> dict:
        if self.select is None:
            return body
        if "items" in body and isinstance(body["items"], list) and body.get("kind", "").endswith("collectionstate"):
            body = dict(body)
            body["items"] = [{k: v for k, v in item.items() if k in self.select} for item in body["items"]]
            return body
        return {k: v for k, v in body.items() if k in self.select}

    def page(self, body: dict) -> dict:
        if self.top is None and not self.skip:
            return body
        items = body["items"]
        top = self.top if self.top is not None else len(items)
        page_items = items[self.skip: self.skip + top]
        body = dict(body, items=page_items)
        body.update({
            "currentItemCount": len(page_items), "itemsPerPage": top,
            "pageIndex": (self.skip // top + 1) if top else 1, "startIndex": self.skip + 1,
            "totalItems": len(items), "totalPages": (len(items) + top - 1) // top if top else 1,
        })
        return body
