# -*- coding: utf-8 -*-
# Copyright: (c) 2026, longdistance.vmotion contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin of migration_request: the first task of preflight.yml and migrate.yml.

A wrong survey answer (same site twice, a VM that does not exist) must fail in the job's first task with a message a
controller user can act on, before any device is read. The checks of form come first; then every VM is looked up by
name with one read per vCenter.
"""

from __future__ import annotations

from ansible.errors import AnsibleActionFail
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.plugins.action import ActionBase

from ansible_collections.longdistance.vmotion.plugins.module_utils._errors import LongDistanceError, VSphereError
from ansible_collections.longdistance.vmotion.plugins.module_utils._vsphere import crossvc, lookup
from ansible_collections.longdistance.vmotion.plugins.module_utils._vsphere.session import ARGUMENT_SPEC as VSPHERE_SPEC, Session
from ansible_collections.longdistance.vmotion.plugins.modules.migration_request import ARGUMENT_SPEC
from ansible_collections.longdistance.vmotion.plugins.modules.vm_longdistance_migrate import ARGUMENT_SPEC as MIGRATE_SPEC

DESTINATION_SPEC = {f"destination_{key}": MIGRATE_SPEC[f"destination_{key}"] for key in crossvc.DEST_KEYS}
HOW = "survey \"VMs to migrate\", or -e vm=NAME or -e '{\"vms\": [...]}'"


def vm_names(vm, vms):
    """The names from ``vm`` or ``vms`` (a list, or text with one name per line or separated by commas)."""
    if vm is not None and vms is not None:
        raise AnsibleActionFail("Invalid migration request: give either vm or vms, not both.")
    if vm is not None:
        return [vm.strip()] if vm.strip() else []
    if isinstance(vms, str):
        return [name.strip() for name in vms.replace("\n", ",").split(",") if name.strip()]
    if vms is None:
        return []
    if not isinstance(vms, list) or not all(isinstance(name, str) for name in vms):
        raise AnsibleActionFail(f"Invalid migration request: vms must be a list of VM names or text, got {vms!r}.")
    return [name.strip() for name in vms if name.strip()]


def check_form(names, from_site, to_site, sites):
    """Raise with the first problem of the request's form, worded for a survey as much as for ``-e``."""
    known = ", ".join(sites)
    if not names:
        problem = f"no VM given ({HOW})."
    elif len(set(names)) != len(names):
        problem = f"a VM is named more than once ({', '.join(names)})."
    elif (from_site or "") not in sites:
        problem = f'From site "{from_site or ""}" is not a site of the inventory ({known}).'
    elif (to_site or "") not in sites:
        problem = f'To site "{to_site or ""}" is not a site of the inventory ({known}).'
    elif from_site == to_site:
        problem = f'From site and To site are both "{from_site}": a migration goes to the other data center.'
    else:
        return
    raise AnsibleActionFail(f"Invalid migration request: {problem}")


def vm_sites(session, site):
    """``{name: site}`` of every VM of ``session``'s vCenter (one read)."""
    return {props.get("name"): site for _obj, props in lookup.retrieve(session, "vm", ["name"])}


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _requires_connection = False

    @staticmethod
    def _vcenter(args, option, site, task_vars):
        """The option's connection options, else those of the site's vCenter inventory host (templated only now)."""
        if args[option] is not None:
            return dict(args[option])
        host = (args["sites"][site] or {}).get("vcenter") if isinstance(args["sites"][site], dict) else None
        hostvars = (task_vars or {}).get("hostvars") or {}
        if not host or host not in hostvars or args["connection_var"] not in hostvars[host]:
            return {}
        return dict(hostvars[host][args["connection_var"]] or {})

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        validated = ArgumentSpecValidator(ARGUMENT_SPEC).validate(self._task.args)
        if validated.error_messages:
            raise AnsibleActionFail("; ".join(validated.error_messages))
        args = validated.validated_parameters
        names = vm_names(args["vm"], args["vms"])
        check_form(names, args["from_site"], args["to_site"], args["sites"])
        result.update(changed=False, vms=names)
        if not args["lookup"]:
            return result
        source = ArgumentSpecValidator(VSPHERE_SPEC).validate(self._vcenter(args, "vcenter", args["from_site"], task_vars))
        if source.error_messages:
            raise AnsibleActionFail("vcenter: " + "; ".join(source.error_messages))
        targets = dict(destination_vcenter=self._vcenter(args, "destination_vcenter", args["to_site"], task_vars) or None,
                       **ArgumentSpecValidator(DESTINATION_SPEC).validate({}).validated_parameters)
        try:
            with Session(source.validated_parameters, check_mode=True) as src:
                with crossvc.destination_session(src, targets) as dest:
                    # Destination first: a name present in both vCenters counts as being at the source.
                    located = vm_sites(dest, args["to_site"]) if dest is not src else {}
                    located.update(vm_sites(src, args["from_site"]))
                    where = src.label if dest is src else f"{src.label} ({args['from_site']}) nor on {dest.label} ({args['to_site']})"
        except (LongDistanceError, VSphereError) as exc:
            raise AnsibleActionFail(f"Cannot check the VMs of the migration request: {exc.msg}") from exc
        unknown = [name for name in names if name not in located]
        if unknown:
            found = "found neither on" if dest is not src else "not found on"
            raise AnsibleActionFail(f"Invalid migration request: {'VM' if len(unknown) == 1 else 'VMs'} {', '.join(unknown)} {found} {where}. "
                                    f"Check the names ({HOW}); nothing was checked or moved.")
        result["located"] = {name: located[name] for name in names}
        return result
