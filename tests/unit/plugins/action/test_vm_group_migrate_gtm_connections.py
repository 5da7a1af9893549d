"""vm_group_migrate resolves each GTM device's connection from the device host's variables (what the role's Jinja did)."""
from __future__ import annotations

import pytest
from ansible.errors import AnsibleActionFail

from ansible_collections.longdistance.vmotion.plugins.action.vm_group_migrate import gtm_connections

VAR = "longdistance_bigip_connection"


class Host(dict):
    """A host's variables as hostvars gives them: templated on access, an undefined template raises."""

    def __getitem__(self, key):
        value = super().__getitem__(key)
        if value == "{{ undefined }}":
            raise KeyError(f"'{key}' is undefined")
        return value


STANDARD = Host(ansible_host="192.0.2.10", ansible_httpapi_port=8443, ansible_user="admin", ansible_password="secret",
                ansible_httpapi_validate_certs=True, ansible_httpapi_ca_path="/ca.pem", ansible_connection="ansible.netcommon.httpapi")
HOSTVARS = {
    "bigip-primary": STANDARD,
    "bigip-explicit": Host({VAR: {"server": "198.51.100.7", "user": "svc"}, "ansible_host": "192.0.2.11"}),
    "bigip-empty-explicit": Host({VAR: {}, "ansible_host": "192.0.2.12"}),
    "bigip-no-account": Host(ansible_host="192.0.2.13", ansible_password="{{ undefined }}"),
}


@pytest.mark.parametrize("devices, expected", [
    (["bigip-primary"], {"bigip-primary": dict(server="192.0.2.10", server_port=8443, user="admin", password="secret", validate_certs=True,
                                               ca_path="/ca.pem")}),
    (["bigip-explicit"], {"bigip-explicit": {"server": "198.51.100.7", "user": "svc"}}),
    (["bigip-empty-explicit"], {"bigip-empty-explicit": {"server": "192.0.2.12"}}),
    (["bigip-no-account"], {"bigip-no-account": {"server": "192.0.2.13"}}),
    ({"bigip-primary": {"server": "203.0.113.1"}, "bigip-explicit": None},
     {"bigip-primary": {"server": "203.0.113.1"}, "bigip-explicit": {"server": "198.51.100.7", "user": "svc"}}),
    ([], {}),
])
def test_connections_from_the_device_hosts(devices, expected):
    assert gtm_connections(devices, HOSTVARS, VAR) == expected


@pytest.mark.parametrize("devices, error", [
    (["bigip-unknown"], "gtm_devices: bigip-unknown is not an inventory host"),
    ("bigip-primary", "must be a list of inventory hosts or a dict"),
    ({"bigip-primary": "server=x"}, "is not a dict of connection options"),
])
def test_refused(devices, error):
    with pytest.raises(AnsibleActionFail, match=error):
        gtm_connections(devices, HOSTVARS, VAR)
