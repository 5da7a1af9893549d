"""``sys`` types: provision (from the 14.1.2.1 capture), version and failover bodies."""
from __future__ import annotations

import time

from engine import Prop, TypeDef, link
from schema import builtins, enum, integer, reference

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


def types() -> list[TypeDef]:
    return [provision()]


def version_body(echo: str) -> dict:
    body = reference("mgmt_tm_sys_version")
    body["selfLink"] = link("/mgmt/tm/sys/version", echo)
    return body


def failover_body(echo: str, started: float) -> dict:
    up = int(time.time() - started)
    days, rest = divmod(up, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    return {
        "kind": "tm:sys:failover:failoverstats",
        "selfLink": link("/mgmt/tm/sys/failover", echo),
        "apiRawValues": {"apiAnonymous": f"Failover active for {days}d {hours:02d}:{minutes:02d}:{seconds:02d}\n"},
    }
