"""Minimal raw iControl REST client for the simulator's own tests (status codes and JSON bodies)."""
from __future__ import annotations

import requests


class Rest:
    """Minimal iControl REST client for asserting on raw responses (status, JSON body)."""

    def __init__(self, sim, token: str | None = None, auth: tuple | None = None):
        self.sim = sim
        self.session = requests.Session()
        if token:
            self.session.headers["X-F5-Auth-Token"] = token
        else:
            self.session.auth = auth or (sim.user, sim.password)

    def call(self, method: str, path: str, body=None, raw: bytes | None = None, headers=None, params=None):
        return self.session.request(method, f"{self.sim.base_url}{path}", json=body if raw is None else None,
                                    data=raw, headers=headers, params=params, timeout=30, verify=self.sim.ca_path)

    def get(self, path, **kw):
        return self.call("GET", path, **kw)

    def post(self, path, body=None, **kw):
        return self.call("POST", path, body, **kw)

    def patch(self, path, body=None, **kw):
        return self.call("PATCH", path, body, **kw)

    def put(self, path, body=None, **kw):
        return self.call("PUT", path, body, **kw)

    def delete(self, path, **kw):
        return self.call("DELETE", path, **kw)

    def ok(self, method: str, path: str, body=None, **kw) -> dict:
        response = self.call(method, path, body, **kw)
        assert response.status_code == 200, f"{method} {path}: {response.status_code} {response.text}"
        return response.json() if response.content else {}
