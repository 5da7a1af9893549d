"""An in-memory stand-in for ``BigIpClient`` for the pure tests of the code above the client (runner, GTM plans).

It keeps objects by their REST path, answers ``get`` for an object (``None`` when absent) or a collection
(``{"items": [...]}`` of the objects right below it), and records every call as ``(method, path, body)`` in
``calls`` (reads too), so a test asserts the exact requests a decision sends. Writes in check mode fail the test:
the code under test must not send them (the real client refuses them too).
"""
from __future__ import annotations

import contextlib
import copy

from ansible_collections.longdistance.vmotion.plugins.module_utils._bigip.client import resource_path


class FakeClient:
    def __init__(self, objects=None, check_mode=False, server="bigip-test", collections=()):
        """``objects``: REST path -> object; ``collections``: sub-collection paths that exist while empty."""
        self.objects = {path: copy.deepcopy(obj) for path, obj in (objects or {}).items()}
        self.collections = set(collections)
        self.check_mode = check_mode
        self.server = server
        self.calls: list[tuple] = []
        self.transactions = 0

    # --- reads ---------------------------------------------------------------------------------
    def get(self, path, params=None, what=None):
        self.calls.append(("GET", path, params))
        if path in self.objects:
            return copy.deepcopy(self.objects[path])
        prefix = path.rstrip("/") + "/"
        items = [copy.deepcopy(obj) for key, obj in sorted(self.objects.items()) if key.startswith(prefix) and "/" not in key[len(prefix):]]
        if items or path in self.collections:
            return {"items": items}
        return None

    # --- writes --------------------------------------------------------------------------------
    def _write(self, method, path, body):
        assert not self.check_mode, f"{method} {path} sent in check mode"
        self.calls.append((method, path, copy.deepcopy(body)))

    def create(self, collection, body, what=None):
        self._write("POST", collection, body)
        path = resource_path(collection, body["name"], body.get("partition"))
        assert path not in self.objects, f"POST of {path}, which exists"
        self.objects[path] = copy.deepcopy(body)
        return copy.deepcopy(body)

    def patch(self, path, body, what=None):
        self._write("PATCH", path, body)
        assert path in self.objects, f"PATCH of {path}, which does not exist"
        self.objects[path].update(copy.deepcopy(body))
        return copy.deepcopy(self.objects[path])

    def delete(self, path, what=None):
        self._write("DELETE", path, None)
        assert path in self.objects, f"DELETE of {path}, which does not exist"
        del self.objects[path]

    @contextlib.contextmanager
    def transaction(self):
        self.transactions += 1
        self.calls.append(("TRANSACTION", None, None))
        yield self

    # --- views ---------------------------------------------------------------------------------
    def writes(self) -> list[tuple]:
        return [call for call in self.calls if call[0] not in ("GET", "TRANSACTION")]
