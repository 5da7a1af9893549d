# -*- coding: utf-8 -*-
# Copyright: (c) 2026, longdistance.vmotion contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin of vm_group_migrate: runs one wave of a group migration on the controller.

It holds one vCenter session per site for the whole wave, prints one progress line per poll (and one
per VM event) through Ansible's display, which ansible-playbook shows and AWX records as job events,
and switches GTM through the bigip_gtm_ratio module the moment the scheduler asks for it.
"""

from __future__ import annotations

import datetime
import time

from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase
from ansible.utils.display import Display

from ansible_collections.longdistance.vmotion.plugins.module_utils._errors import LongDistanceError, VSphereError
from ansible_collections.longdistance.vmotion.plugins.module_utils._migration import scheduler
from ansible_collections.longdistance.vmotion.plugins.module_utils._migration.wave import GtmSwitchError, Wave, gtm_module_args
from ansible_collections.longdistance.vmotion.plugins.module_utils._vsphere import crossvc
from ansible_collections.longdistance.vmotion.plugins.module_utils._vsphere.session import Session
from ansible_collections.longdistance.vmotion.plugins.modules.vm_group_migrate import ARGUMENT_SPEC
from ansible_collections.longdistance.vmotion.plugins.plugin_utils._action import destination_options, source_vcenter, validated

display = Display()

TARGET_KEYS = ("esxi_hostname", "cluster_name", "datacenter", "datastore", "resource_pool", "folder", "network_mapping", "strategy",
               "allow_powered_off", "priority")


def vm_ids(items):
    """``(names, {name: moid})`` from VM items given as names or ``{name, moid}``."""
    names, moids = [], {}
    for item in items:
        if isinstance(item, dict):
            if not item.get("name"):
                raise AnsibleActionFail(f"vms: {item!r} has no name")
            names.append(item["name"])
            if item.get("moid"):
                moids[item["name"]] = item["moid"]
        elif isinstance(item, str) and item:
            names.append(item)
        else:
            raise AnsibleActionFail(f"vms: {item!r} is neither a VM name nor a {{name, moid}} item")
    if len(set(names)) != len(names):
        raise AnsibleActionFail(f"vms: duplicate names in {names}")
    return names, moids


def deadline(text):
    """Epoch seconds of ``start_before`` (ISO 8601; a time without zone is UTC; ``HH:MM`` = today or tomorrow, UTC)."""
    if not text:
        return None
    now = datetime.datetime.now(datetime.timezone.utc)
    try:
        if len(text) <= 5 and ":" in text:
            hour, minute = (int(part) for part in text.split(":"))
            when = now.replace(hour=hour, minute=minute, second=0, microsecond=0)
            if when <= now - datetime.timedelta(hours=12):
                when += datetime.timedelta(days=1)
        else:
            when = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
            if when.tzinfo is None:
                when = when.replace(tzinfo=datetime.timezone.utc)
    except ValueError as exc:
        raise AnsibleActionFail(f"start_before: {text!r} is not an ISO 8601 time or HH:MM ({exc})") from exc
    return when.timestamp()


# A device's standard connection variables -> bigip_gtm_ratio options (when it has no explicit connection variable).
STANDARD_CONNECTION = (("server", "ansible_host"), ("server_port", "ansible_httpapi_port"), ("user", "ansible_user"),
                       ("password", "ansible_password"), ("validate_certs", "ansible_httpapi_validate_certs"),
                       ("ca_path", "ansible_httpapi_ca_path"))


def _defined(hostvars, name):
    """The templated host variable, or None when it is not set or its template is undefined."""
    if name not in hostvars:
        return None
    try:
        return hostvars[name]
    except Exception:  # pylint: disable=broad-except  # AnsibleUndefinedVariable and friends: as Jinja's "is defined"
        return None


def gtm_connections(devices, hostvars, connection_var):
    """``{device: bigip_gtm_ratio connection options}`` for ``devices`` (inventory host names, or a dict of explicit options)."""
    if isinstance(devices, str) or not isinstance(devices, (list, dict)):
        raise AnsibleActionFail("gtm_devices must be a list of inventory hosts or a dict of connection options per device, "
                                f"got {devices!r}")
    given = devices if isinstance(devices, dict) else {device: None for device in devices}
    connections = {}
    for device, options in given.items():
        if options:
            if not isinstance(options, dict):
                raise AnsibleActionFail(f"gtm_devices: {device}: {options!r} is not a dict of connection options")
            connections[device] = dict(options)
            continue
        if device not in hostvars:
            raise AnsibleActionFail(f"gtm_devices: {device} is not an inventory host (and no connection options were given)")
        host = hostvars[device]
        explicit = _defined(host, connection_var)
        if explicit:
            connections[device] = dict(explicit)
            continue
        connections[device] = {option: value for option, var in STANDARD_CONNECTION if (value := _defined(host, var)) is not None}
    return connections


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _requires_connection = False

    def _gtm(self, task_vars, args, connections):
        def apply(device, stage, restore=None):
            connection = dict(connections[device])
            if connection.get("server"):
                # The device's address without its account: the job's connection account (-u / --ask-pass, which is
                # what AWX's Machine credential gives every host of a job).
                if not connection.get("user") and self._play_context.remote_user:
                    connection["user"] = self._play_context.remote_user
                if not connection.get("password") and self._play_context.password:
                    connection["password"] = self._play_context.password
            module_args = dict(connection, **gtm_module_args(stage, args["wide_ip"], args["target_pool"], args["cutover_percent"], restore))
            result = self._execute_module(module_name="longdistance.vmotion.bigip_gtm_ratio", module_args=module_args,
                                          task_vars=task_vars)
            if result.get("failed"):
                raise GtmSwitchError(result.get("msg") or str(result), object=device)
            return result
        return apply

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        args = validated(self._task.args, ARGUMENT_SPEC)
        names, moids = vm_ids(args["vms"])
        for key, low, high in (("concurrency", 1, None), ("threshold", 1, 100), ("cutover_percent", 0, 100), ("timeout", 1, None),
                               ("follow_timeout", 0, None)):
            if args[key] < low or (high is not None and args[key] > high):
                raise AnsibleActionFail(f"{key} must be {low}{'-' + str(high) if high else ' or more'}, got {args[key]}")
        connections = gtm_connections(args["gtm_devices"], (task_vars or {}).get("hostvars") or {}, args["gtm_connection_var"])
        if connections and not (args["wide_ip"] and args["target_pool"]):
            raise AnsibleActionFail("gtm_devices needs wide_ip and target_pool")

        state = args["state"] or scheduler.new_state(names, args["concurrency"], args["threshold"], args["timeout"], args["on_timeout"],
                                                     args["follow_timeout"])
        if state["order"] != names:
            raise AnsibleActionFail(f"state is for VMs {state['order']}, not {names}")
        state["config"].update(wave=args["wave"], start_deadline=deadline(args["start_before"]), concurrency=args["concurrency"])
        source_params = source_vcenter(args["vcenter"])
        targets = {key: args[key] for key in TARGET_KEYS}
        # As vm_longdistance_migrate (AWX's destination vCenter credential injects VMWARE_DEST_*).
        targets.update(destination_options(args["destination_vcenter"]))
        targets.update({key: source_params.get(key) for key in ("validate_certs", "ca_path", "proxy_host", "proxy_port")})
        check_mode = bool(self._task.check_mode)
        sessions = 0
        try:
            with Session(source_params, check_mode=check_mode) as source:
                sessions += 1
                with crossvc.destination_session(source, targets) as dest:
                    sessions += 0 if dest is source else 1
                    wave = Wave(source, dest, targets, state, gtm_devices=list(connections),
                                gtm_apply=self._gtm(task_vars, args, connections),
                                progress=display.display, poll_interval=args["poll_interval"], gtm_attempts=args["gtm_attempts"],
                                gtm_retry_delay=args["gtm_retry_delay"], check_mode=check_mode, vm_ids=moids)
                    # Every VM is read (once): those of later waves already at the target count for GTM now.
                    wave.plan(names)
                    decision = wave.run() if not check_mode else scheduler.decide(wave.state, time.time())
                    state = wave.state
        except (LongDistanceError, VSphereError) as exc:
            raise AnsibleActionFail(exc.msg) from exc
        state["sessions"] = state.get("sessions", 0) + sessions
        for entry in state["vms"].values():
            for key in ("started", "finished"):
                entry[f"{key}_at"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(entry[key])) if entry[key] else None
        result.update(changed=any(state["vms"][n]["status"] == "done" for n in names) or any(c["changed"] for c in state["gtm_changes"]),
                      state=state, status="planned" if check_mode else decision["status"], moved=scheduler.moved(state),
                      left=scheduler.left(state), stranded=scheduler.stranded(state), gtm_stage=state["gtm_stage"],
                      failure=state["failure"])
        return result
