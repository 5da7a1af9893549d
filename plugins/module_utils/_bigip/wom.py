# -*- coding: utf-8 -*-
# Copyright: (c) 2026, longdistance.vmotion contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""THE table of WAN Optimization (WOM/AAM) REST shapes.

Everything marked ``confirmed=False`` below is UNCONFIRMED: no capture from a real 11.5-14.1
device was available, so paths, kinds and property names follow tmsh naming plus the iControl
REST camelCase convention (see docs/wom-shapes.md for the evidence behind each row).
The modules read their REST paths and property names from here. The BIG-IP simulator keeps its
own table written from docs/wom-shapes.md (tests/simulators/bigip/types_wom.py); a test compares
the two, so a correction goes to docs/wom-shapes.md, this module and that table together.
"""

from __future__ import annotations

from collections import namedtuple

WomShape = namedtuple("WomShape", "path kind singleton confirmed props defaults")
"""One WOM REST object type.

path       REST collection path (or the resource path for a singleton)
kind       ``kind`` of one resource
singleton  True: one object, no name in the URI (tmsh ``modify wom <component>``)
confirmed  False: path/kind/property names are inferred, not seen on a device
props      logical property name (used by modules) -> REST property name
defaults   REST property -> value a device fills in when the property is not given
"""

LOCAL_ENDPOINT = WomShape(
    path="/mgmt/tm/wom/local-endpoint",
    kind="tm:wom:local-endpoint:local-endpointstate",
    singleton=True,
    confirmed=False,
    props={
        "address": "ip",
        "server_ssl": "serverSsl",
        "tunnel_port": "tunnelPort",
        "create_isession_virtual": "createIsessionVirtual",
        "snat": "snat",
        "allow_nat": "allowNat",
        "ip_encap_type": "ipEncapType",
        "enabled": "enabled",
        "disabled": "disabled",
    },
    defaults={
        "serverSsl": "none",
        "tunnelPort": 443,
        "createIsessionVirtual": "no",
        "snat": "none",
        "allowNat": "disabled",
        "ipEncapType": "none",
        "enabled": True,
    },
)

REMOTE_ENDPOINT = WomShape(
    path="/mgmt/tm/wom/remote-endpoint",
    kind="tm:wom:remote-endpoint:remote-endpointstate",
    singleton=False,
    confirmed=False,
    props={
        "address": "ip",
        "server_ssl": "serverSsl",
        "tunnel_port": "tunnelPort",
        "tunnel_encrypt": "tunnelEncrypt",
        "routing": "routing",
        "behind_nat": "behindNat",
        "snat": "snat",
        "source": "source",  # "manual" or "discovered" (read-only)
        "description": "description",
        "enabled": "enabled",
        "disabled": "disabled",
    },
    defaults={
        "serverSsl": "none",
        "tunnelPort": 443,
        "tunnelEncrypt": "disabled",
        "routing": "disabled",
        "behindNat": "disabled",
        "snat": "none",
        "source": "manual",
        "enabled": True,
    },
)

ADVERTISED_ROUTE = WomShape(
    path="/mgmt/tm/wom/advertised-route",
    kind="tm:wom:advertised-route:advertised-routestate",
    singleton=False,
    confirmed=False,
    props={
        "subnet": "dest",
        "netmask": "netmask",
        "label": "label",
        "enabled": "enabled",
        "disabled": "disabled",
    },
    defaults={"label": "", "enabled": True},
)

ENDPOINT_DISCOVERY = WomShape(
    path="/mgmt/tm/wom/endpoint-discovery",
    kind="tm:wom:endpoint-discovery:endpoint-discoverystate",
    singleton=True,
    confirmed=False,
    props={
        "mode": "mode",
        "allow_remote_discovery": "allowRemoteDiscovery",
        "discover_remote": "discoverRemote",
        "auto_include": "autoInclude",
    },
    defaults={
        "mode": "enabled",
        "allowRemoteDiscovery": "enabled",
        "discoverRemote": "enabled",
        "autoInclude": "enabled",
    },
)

SERVER_DISCOVERY = WomShape(
    path="/mgmt/tm/wom/server-discovery",
    kind="tm:wom:server-discovery:server-discoverystate",
    singleton=True,
    confirmed=True,  # APIRef_tm_wom_server-discovery and the tmsh reference (kind inferred)
    props={
        "mode": "mode",
        "auto_save": "autoSave",
        "filter_mode": "filterMode",
        "max_server_count": "maxServerCount",
        "rtt_threshold": "rttThreshold",
        "subnet_filter": "subnetFilter",
    },
    defaults={
        "autoSave": "enabled",
        "filterMode": "exclude",
        "idleTimeLimit": 0,
        "ipTtlLimit": 5,
        "maxServerCount": 50,
        "minIdleTime": 0,
        "minPrefixLengthIpv4": 32,
        "minPrefixLengthIpv6": 128,
        "mode": "enabled",
        "rttThreshold": 10,
    },
)

ISESSION_PROFILE_PATH = "/mgmt/tm/wom/profile/isession"  # confirmed: 14.1.2.1 capture

LOCAL_ENDPOINT_DELETE = {"method": "PUT", "body": dict(LOCAL_ENDPOINT.defaults)}
"""UNCONFIRMED: how the local endpoint is deleted (the GUI's Delete button on the Local Endpoint
screen, and the only way to change its IP address). A REST singleton has no DELETE, so deleting is
modelled as a PUT of the row's defaults without ``ip``: the singleton goes back to its unconfigured
state; a following PATCH with the new ``ip`` re-creates it. Used by bigip_wom_endpoint."""


ALL_SHAPES = (LOCAL_ENDPOINT, REMOTE_ENDPOINT, ADVERTISED_ROUTE, ENDPOINT_DISCOVERY, SERVER_DISCOVERY)
