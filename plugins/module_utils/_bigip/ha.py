# -*- coding: utf-8 -*-
# Copyright: (c) 2026, longdistance.vmotion contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""HA pair awareness: configuration goes to the active unit.

In an HA pair the standby unit takes configuration only by config sync from the active one; a
change made on the standby is overwritten (or, synced back, overwrites the active's). F5's
guidance is to configure the active unit; the deployment guide's local endpoint is then the
floating self IP. The client calls ``before_write`` before each write; the first one of a module
run reads this device's failover state once (``GET /mgmt/tm/cm/device``, the entry with
``selfDevice: "true"``) — a run that writes nothing pays no extra request:

* ``active`` (and a device that does not report a state): the write goes ahead;
* ``standby``: refused (``StandbyWriteError``) before anything is written;
* ``offline`` / ``forced-offline``: the write goes ahead with a warning (a unit taken out of
  service is commonly configured on purpose).

``save sys config`` is not checked: it changes no configuration, it makes what a unit runs survive a reboot,
which is as right on a standby unit (after a config sync) as on the active one.
"""

from __future__ import annotations

from .._errors import ApiError, LongDistanceError, TransportError

DEVICE_PATH = "/mgmt/tm/cm/device"
REFUSED = ("standby",)
WARNED = ("offline", "forced-offline")


class StandbyWriteError(LongDistanceError):
    """A write was about to go to the standby unit of an HA pair."""


def failover_state(client):
    """This device's ``failoverState`` (None when the device does not say)."""
    try:
        body = client.get(DEVICE_PATH, params={"$select": "name,selfDevice,failoverState"}, what="HA state (cm device)")
    except (ApiError, TransportError):
        return None
    own = [d for d in (body or {}).get("items", []) if d.get("selfDevice") in ("true", True)]
    return own[0].get("failoverState") if own else None


def before_write(client, method, path):
    """Refuse a write to a standby unit; warn for an offline one. Reads the state once per client."""
    if getattr(client, "ha_state_checked", False):
        return
    client.ha_state_checked = True
    state = failover_state(client)
    client.ha_state = state
    if state in REFUSED:
        raise StandbyWriteError(
            "BIG-IP %s is the %s unit of its HA pair: configuration goes to the active unit (it reaches the standby by "
            "config sync); nothing was written (refused %s %s)" % (client.server, state, method, path),
            method=method, path=path)
    if state in WARNED:
        client.warn("BIG-IP %s reports failover state %s: the change is made on a unit that is out of service" % (client.server, state))
