# -*- coding: utf-8 -*-
# Copyright: (c) 2026, longdistance.vmotion contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the collection's controller-side actions (vm_group_migrate, migration_request) share: their arguments checked
against the documenting module's argument spec, and the vCenter connection options with the vSphere modules' environment
fallbacks (VMWARE_* for the source, VMWARE_DEST_* for the destination, as AWX's credentials inject them)."""

from __future__ import annotations

from ansible.errors import AnsibleActionFail
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.longdistance.vmotion.plugins.module_utils._vsphere import crossvc
from ansible_collections.longdistance.vmotion.plugins.module_utils._vsphere.session import ARGUMENT_SPEC as VSPHERE_SPEC
from ansible_collections.longdistance.vmotion.plugins.modules.vm_longdistance_migrate import ARGUMENT_SPEC as MIGRATE_SPEC

# vm_longdistance_migrate's flat destination options, with their VMWARE_DEST_* environment fallbacks.
DESTINATION_SPEC = {f"destination_{key}": MIGRATE_SPEC[f"destination_{key}"] for key in crossvc.DEST_KEYS}


def validated(args, argument_spec, what=None):
    """``args`` checked and completed (defaults, environment fallbacks) by ``argument_spec``; one error listing every problem."""
    result = ArgumentSpecValidator(argument_spec).validate(dict(args))
    if result.error_messages:
        raise AnsibleActionFail((f"{what}: " if what else "") + "; ".join(result.error_messages))
    return result.validated_parameters


def source_vcenter(options):
    """The source vCenter's connection options, VMWARE_HOST, VMWARE_USER, ... filling what ``options`` leaves out."""
    return validated(options, VSPHERE_SPEC, "vcenter")


def destination_options(destination_vcenter):
    """The destination of a cross-vCenter move as vm_longdistance_migrate takes it: ``destination_vcenter`` wins,
    VMWARE_DEST_* in the controller's environment fill what it leaves out."""
    return dict(destination_vcenter=destination_vcenter or None, **validated({}, DESTINATION_SPEC))
