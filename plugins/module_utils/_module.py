# -*- coding: utf-8 -*-
# Copyright: (c) 2026, longdistance.vmotion contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one module wrapper: merges the connection argument spec, opens and always closes the
connection, and catches this collection's typed errors exactly once.

A module's ``main()`` is one call::

    def main():
        run_module(ensure, ARGUMENT_SPEC, connection=BIGIP, with_diff=True)

where ``ensure(module, conn, diff)`` returns the result dict, ``diff`` is whether the task runs in
diff mode (handed over so that no module reads AnsibleModule's private ``_diff``) and ``BIGIP`` is a
``Connection``. Without ``with_diff`` the handler is ``ensure(module, conn)``. A plain BIG-IP CRUD
module does not even write ``ensure``: see ``_bigip/runner.run``.
"""

from __future__ import annotations

from collections import namedtuple

from ansible.module_utils.basic import AnsibleModule

from ._errors import LongDistanceError, ValidationError

Connection = namedtuple("Connection", "argument_spec open")
"""How a family of modules reaches its API.

argument_spec  dict of the shared connection options (documented by one doc fragment)
open           callable(module) -> context manager yielding the client/session, closed on exit
"""


NAME_OPTIONS = frozenset((
    "partition", "wide_ip", "virtual", "vlan", "datacenter", "server", "virtual_server", "all_to", "to", "parent",
    "isession_profile", "device", "folder", "resource_pool", "server_ssl", "traffic_group", "address", "netmask", "subnet",
))
"""String options that name something: an empty (or blank) value can only be a mistake (e.g. an
unset variable), and the device would either refuse it late or address the wrong object."""


LIST_NAME_OPTIONS = frozenset(("addresses", "monitors", "rules", "vlans", "allow_service", "subnet_filter"))


def _names_something(option):
    return option == "name" or option.endswith("name") or option in NAME_OPTIONS


def refuse_empty_names(spec, params, prefix=""):
    """Fail before any request when a naming option (or a list entry of one) is empty."""
    for option, rules in spec.items():
        value = params.get(option) if isinstance(params, dict) else None
        where = prefix + option
        if value is None:
            continue
        kind, elements = rules.get("type", "str"), rules.get("elements")
        if kind == "str" and _names_something(option) and not value.strip():
            raise ValidationError("%s: must not be empty" % where, option=where)
        if kind == "list" and elements == "str" and option in LIST_NAME_OPTIONS and any(not str(v).strip() for v in value):
            raise ValidationError("%s: entries must not be empty, got %r" % (where, value), option=where)
        if rules.get("options"):
            entries = value if kind == "list" else [value]
            for index, entry in enumerate(entries):
                label = "%s[%d]." % (where, index) if kind == "list" else where + "."
                refuse_empty_names(rules["options"], entry, label)


def run_module(handler, argument_spec, connection=None, with_diff=False, **module_kwargs):
    """Build the AnsibleModule, run ``handler`` and exit with its result (or one clean failure).

    ``with_diff``: the handler takes diff mode (a bool) as its last argument."""
    spec = dict(connection.argument_spec) if connection else {}
    spec.update(argument_spec)
    module_kwargs.setdefault("supports_check_mode", True)
    module = AnsibleModule(argument_spec=spec, **module_kwargs)
    try:
        refuse_empty_names(spec, module.params)
        extra = (bool(module._diff),) if with_diff else ()
        if connection is None:
            result = handler(module, *extra)
        else:
            with connection.open(module) as conn:
                result = handler(module, conn, *extra)
    except LongDistanceError as exc:
        module.fail_json(msg=exc.msg, **exc.to_result())
    module.exit_json(**result)
