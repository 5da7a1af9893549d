# -*- coding: utf-8 -*-
# Copyright: (c) 2026, longdistance.vmotion contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A migration request's form (the migration_request action's checks before any device is read), pure."""

from __future__ import annotations

from ansible_collections.longdistance.vmotion.plugins.module_utils._errors import ValidationError

HOW = "survey \"VMs to migrate\", or -e vm=NAME or -e '{\"vms\": [...]}'"


def invalid(problem):
    return ValidationError(f"Invalid migration request: {problem}")


def vm_names(vm, vms):
    """The names from ``vm`` or ``vms`` (a list, or text with one name per line or separated by commas)."""
    if vm is not None and vms is not None:
        raise invalid("give either vm or vms, not both.")
    if vm is not None:
        return [vm.strip()] if vm.strip() else []
    if isinstance(vms, str):
        return [name.strip() for name in vms.replace("\n", ",").split(",") if name.strip()]
    if vms is None:
        return []
    if not isinstance(vms, list) or not all(isinstance(name, str) for name in vms):
        raise invalid(f"vms must be a list of VM names or text, got {vms!r}.")
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
    raise invalid(problem)


def vcenter_options(given, sites, site, connection_var, hostvars):
    """``given`` connection options, else the ``connection_var`` of the site's vCenter inventory host (read only now)."""
    if given is not None:
        return dict(given)
    host = sites[site].get("vcenter") if isinstance(sites.get(site), dict) else None
    if not host or host not in (hostvars or {}) or connection_var not in hostvars[host]:
        return {}
    return dict(hostvars[host][connection_var] or {})


def unknown_vms(names, located, where, one_vcenter):
    """The error naming every VM of ``names`` not in ``located``; None when all were found."""
    unknown = [name for name in names if name not in located]
    if not unknown:
        return None
    found = "not found on" if one_vcenter else "found neither on"
    return invalid(f"{'VM' if len(unknown) == 1 else 'VMs'} {', '.join(unknown)} {found} {where}. "
                   f"Check the names ({HOW}); nothing was checked or moved.")
