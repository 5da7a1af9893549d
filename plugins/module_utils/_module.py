# -*- coding: utf-8 -*-
# Copyright: (c) 2026, longdistance.vmotion contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one module wrapper: merges the connection argument spec, opens and always closes the
connection, and catches this collection's typed errors exactly once.

A module's ``main()`` is one call::

    def main():
        run_module(ensure, ARGUMENT_SPEC, connection=BIGIP)

where ``ensure(module, conn)`` returns the result dict and ``BIGIP`` is a ``Connection``.
"""

from __future__ import annotations

from collections import namedtuple

from ansible.module_utils.basic import AnsibleModule

from ._errors import LongDistanceError

Connection = namedtuple("Connection", "argument_spec open")
"""How a family of modules reaches its API.

argument_spec  dict of the shared connection options (documented by one doc fragment)
open           callable(module) -> context manager yielding the client/session, closed on exit
"""


def run_module(handler, argument_spec, connection=None, **module_kwargs):
    """Build the AnsibleModule, run ``handler`` and exit with its result (or one clean failure)."""
    spec = dict(connection.argument_spec) if connection else {}
    spec.update(argument_spec)
    module_kwargs.setdefault("supports_check_mode", True)
    module = AnsibleModule(argument_spec=spec, **module_kwargs)
    try:
        if connection is None:
            result = handler(module)
        else:
            with connection.open(module) as conn:
                result = handler(module, conn)
    except LongDistanceError as exc:
        module.fail_json(msg=exc.msg, **exc.to_result())
    module.exit_json(**result)
