# -*- coding: utf-8 -*-
# Copyright: (c) 2026, longdistance.vmotion contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin of migration_request: the first task of preflight.yml and migrate.yml.

A wrong survey answer (same site twice, a VM that does not exist) must fail in the job's first task with a message a
controller user can act on, before any device is read. The checks of form (``_migration/request.py``) come first; then
every VM is looked up by name with one read per vCenter.
"""

from __future__ import annotations

from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase

from ansible_collections.longdistance.vmotion.plugins.module_utils._errors import LongDistanceError, VSphereError
from ansible_collections.longdistance.vmotion.plugins.module_utils._migration import request
from ansible_collections.longdistance.vmotion.plugins.module_utils._vsphere import crossvc, lookup
from ansible_collections.longdistance.vmotion.plugins.module_utils._vsphere.session import Session
from ansible_collections.longdistance.vmotion.plugins.modules.migration_request import ARGUMENT_SPEC
from ansible_collections.longdistance.vmotion.plugins.plugin_utils._action import destination_options, source_vcenter, validated


def vm_sites(session, site):
    """``{name: site}`` of every VM of ``session``'s vCenter (one read)."""
    return {props.get("name"): site for _obj, props in lookup.retrieve(session, "vm", ["name"])}


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _requires_connection = False

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        args = validated(self._task.args, ARGUMENT_SPEC)
        try:
            names = request.vm_names(args["vm"], args["vms"])
            request.check_form(names, args["from_site"], args["to_site"], args["sites"])
            result.update(changed=False, vms=names)
            if args["lookup"]:
                result["located"] = self._locate(names, args, (task_vars or {}).get("hostvars") or {})
        except (LongDistanceError, VSphereError) as exc:
            raise AnsibleActionFail(exc.msg) from exc
        return result

    @staticmethod
    def _locate(names, args, hostvars):
        """``{name: site}`` for every VM, one read per vCenter; the error lists every VM found nowhere."""
        def options(option, site):
            return request.vcenter_options(args[option], args["sites"], site, args["connection_var"], hostvars)

        source = source_vcenter(options("vcenter", args["from_site"]))
        targets = destination_options(options("destination_vcenter", args["to_site"]))
        try:
            with Session(source, check_mode=True) as src:
                with crossvc.destination_session(src, targets) as dest:
                    # Destination first: a name present in both vCenters counts as being at the source.
                    located = vm_sites(dest, args["to_site"]) if dest is not src else {}
                    located.update(vm_sites(src, args["from_site"]))
                    one = dest is src
                    where = src.label if one else f"{src.label} ({args['from_site']}) nor on {dest.label} ({args['to_site']})"
        except (LongDistanceError, VSphereError) as exc:
            raise AnsibleActionFail(f"Cannot check the VMs of the migration request: {exc.msg}") from exc
        error = request.unknown_vms(names, located, where, one)
        if error:
            raise error
        return {name: located[name] for name in names}
