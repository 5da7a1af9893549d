"""``sys`` types: provision (from the 14.1.2.1 capture), version and failover bodies."""
from __future__ import annotations

import time

from engine import (FOLDER, PARTITION, ApiError, Ctx, Prop, TypeDef, check_name, config_error, folder_of,
                    link)
from schema import builtins, enum, full_path, integer, reference, text

LISTED_PATHS = ["/mgmt/tm/sys/version", "/mgmt/tm/sys/failover", "/mgmt/tm/sys/config"]


def provision() -> TypeDef:
    ratio = integer(0, 255)
    return TypeDef(
        path="/mgmt/tm/sys/provision",
        display="Provisioned module",
        partitioned=False,
        creatable=False,
        props={
            "cpuRatio": Prop(0, ratio),
            "diskRatio": Prop(0, ratio),
            "level": Prop("none", enum("none", "minimum", "nominal", "dedicated")),
            "memoryRatio": Prop(0, ratio),
        },
        builtins=builtins("mgmt_tm_sys_provision"),
    )


# --- partitions and folders -------------------------------------------------------------------
COMMON_DESCRIPTION = "Repository for system objects and shared objects."
FOLDER_DEFAULTS = {"deviceGroup": "none", "hidden": "false", "inheritedDevicegroup": "true",
                   "inheritedTrafficGroup": "true", "noRefCheck": "false", "trafficGroup": "/Common/traffic-group-1"}


def _folder_contents(ctx: Ctx, path: str) -> list[str]:
    """Full paths of the objects and sub-folders inside folder ``path`` (recursively)."""
    found = [key for key in ctx.store.data.get(FOLDER, {}) if key.startswith(path + "/")]
    for type_path, objs in ctx.store.data.items():
        typedef = ctx.store.types.get(type_path)
        if typedef is None or not typedef.partitioned or type_path in (FOLDER, PARTITION):
            continue
        for obj in objs.values():
            where = folder_of(obj["partition"], obj["name"]) if obj.get("partition") else None
            if where is not None and (where == path or where.startswith(path + "/")):
                found.append(f"/{obj['partition']}/{obj['name']}")
    return found


def _folder_parse(body: dict) -> tuple[None, str]:
    name = body.get("name")
    if name.startswith("/"):
        full = name.rstrip("/") or "/"
    else:
        parent = body.get("subPath") or ("/" + body["partition"] if body.get("partition") else "/Common")
        full = parent.rstrip("/") + "/" + name
    parent, _sep, leaf = full.rpartition("/")
    if full == "/" or parent == "":
        raise config_error(f"The folder ({full}) is a partition; partitions are created with auth partition.")
    check_name("folder", None, leaf)
    return None, full


def _folder_validate(ctx: Ctx, obj: dict, old) -> None:
    if old is None:
        parent = obj["name"].rpartition("/")[0] or "/"
        if ctx.find(FOLDER, parent) is None:
            raise ApiError(400, f"01020036:3: The requested folder ({parent}) was not found.")


def _folder_delete(ctx: Ctx, obj: dict) -> None:
    path = obj["name"]
    if path.count("/") < 2:
        raise config_error(f"The folder ({path}) is {'the root folder' if path == '/' else 'a partition'} and "
                           f"cannot be deleted with sys folder.")
    if path == "/Common/Drafts":
        raise config_error(f"The folder ({path}) is a system folder and cannot be deleted.")
    inside = _folder_contents(ctx, path)
    if inside:
        raise config_error(f"The folder ({path}) cannot be deleted because it is not empty ({inside[0]}).")


def _folder_render(out: dict, obj: dict) -> None:
    path = obj["name"]
    parent, _sep, leaf = path.rpartition("/")
    out.pop("partition", None)
    out["name"] = leaf or "/"
    if path != "/":
        out["subPath"] = parent or "/"
    out["fullPath"] = path
    out["selfLink"] = link(f"{FOLDER}/{'~' + path[1:].replace('/', '~')}")
    ordered = {k: out.pop(k) for k in ("kind", "name", "subPath", "fullPath", "generation", "selfLink") if k in out}
    rest = dict(out)
    out.clear()
    out.update(ordered)
    out.update(rest)


def folder() -> TypeDef:
    root = dict(FOLDER_DEFAULTS, name="/", generation=1, inheritedTrafficGroup="false")
    return TypeDef(
        path=FOLDER, display="folder", partitioned=False,
        props={"description": Prop(check=text),
               "deviceGroup": Prop("none", text),
               "hidden": Prop("false", enum("true", "false")),
               "inheritedDevicegroup": Prop("true", enum("true", "false")),
               "inheritedTrafficGroup": Prop("true", enum("true", "false")),
               "noRefCheck": Prop("false", enum("true", "false")),
               "trafficGroup": Prop("/Common/traffic-group-1", full_path, reference="/mgmt/tm/cm/traffic-group")},
        builtins=[root, dict(FOLDER_DEFAULTS, name="/Common", generation=1),
                  dict(FOLDER_DEFAULTS, name="/Common/Drafts", generation=1)],
        name_parse=_folder_parse, validate=_folder_validate, before_delete=_folder_delete, render_hook=_folder_render)


def _partition_parse(body: dict) -> tuple[None, str]:
    name = body["name"].strip("/") if body["name"].count("/") <= 1 else body["name"]
    check_name("partition", None, name)
    return None, name


def _partition_validate(ctx: Ctx, obj: dict, old) -> None:
    rd = obj.get("defaultRouteDomain", 0)
    if rd not in ctx.route_domain_ids():
        raise config_error(f"The requested route domain ({rd}) for partition ({obj['name']}) was not found.")


def _partition_written(ctx: Ctx, obj: dict) -> None:
    path = "/" + obj["name"]
    if ctx.find(FOLDER, path) is None:
        ctx.store.data[FOLDER][path] = dict(FOLDER_DEFAULTS, name=path)
        ctx.touch(ctx.store.data[FOLDER][path])


def _partition_delete(ctx: Ctx, obj: dict) -> None:
    path = "/" + obj["name"]
    if obj["name"] == "Common":
        raise config_error("The partition (Common) cannot be deleted.")
    inside = _folder_contents(ctx, path)
    if inside:
        raise config_error(f"The partition ({obj['name']}) cannot be deleted because it is not empty ({inside[0]}).")
    ctx.store.data[FOLDER].pop(path, None)


def partition() -> TypeDef:
    return TypeDef(
        path=PARTITION, display="partition", partitioned=False,
        props={"defaultRouteDomain": Prop(0, integer(0, 65534)), "description": Prop(check=text)},
        builtins=[{"name": "Common", "generation": 1, "defaultRouteDomain": 0, "description": COMMON_DESCRIPTION}],
        name_parse=_partition_parse, validate=_partition_validate, after_write=_partition_written,
        before_delete=_partition_delete)


def types() -> list[TypeDef]:
    return [provision(), folder(), partition()]


def version_body(echo: str) -> dict:
    body = reference("mgmt_tm_sys_version")
    body["selfLink"] = link("/mgmt/tm/sys/version", echo)
    return body


def failover_body(echo: str, started: float, state: str = "active") -> dict:
    up = int(time.time() - started)
    days, rest = divmod(up, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    return {
        "kind": "tm:sys:failover:failoverstats",
        "selfLink": link("/mgmt/tm/sys/failover", echo),
        "apiRawValues": {"apiAnonymous": f"Failover {state} for {days}d {hours:02d}:{minutes:02d}:{seconds:02d}\n"},
    }
