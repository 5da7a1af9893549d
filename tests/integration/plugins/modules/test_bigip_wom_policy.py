"""bigip_wom_policy against the BIG-IP simulator: the optimization virtual server of the guide's
Figure 5 (destination, VLANs, profiles by the LAN answer); the iSession profile (and its encryption) is
bigip_isession_profile's alone."""
from __future__ import annotations

import pytest

from ansible_collections.longdistance.vmotion.plugins.module_utils._bigip import wom
from bigip_crud import CrudCases, DeviceError, Log, Scenario, absent, run, run_ok, subset

pytestmark = pytest.mark.bigip_sim

PATH = "/mgmt/tm/ltm/virtual/~Common~vsphere-vmotion"
PROFILE_PATH = wom.ISESSION_PROFILE_PATH + "/~Common~vmotion-isession"
GUIDE = {"name": "vsphere-vmotion", "destination": "10.133.58.50", "port": 8000, "lan_clients": True,
         "vlans": ["vmotion-vlan"], "isession_profile": "vmotion-isession"}
ISESSION = {"name": "/Common/vmotion-isession", "context": "all"}
LAN_PROFILES = [ISESSION, {"name": "/Common/tcp-lan-optimized", "context": "clientside"},
                {"name": "/Common/tcp-wan-optimized", "context": "serverside"}]
WAN_PROFILES = [ISESSION, {"name": "/Common/tcp-wan-optimized", "context": "all"}]


def vlan_and_profile(sim):
    run_ok(sim, "bigip_vlan", {"name": "vmotion-vlan", "interfaces": [{"name": "1.14"}]})
    run_ok(sim, "bigip_isession_profile", {"name": "vmotion-isession", "parent": "isession", "deduplication": False,
                                           "reuse_connection": False})


def profiles_on_device(sim):
    items = sim.peek(PATH)["profilesReference"].get("items", [])
    return sorted((i["fullPath"], i["context"]) for i in items)


class TestPolicyCrud(CrudCases):
    scenario = Scenario(
        module="bigip_wom_policy",
        args=GUIDE,
        path=PATH,
        collection="/mgmt/tm/ltm/virtual",
        post_body={"name": "vsphere-vmotion", "partition": "Common", "ipProtocol": "tcp", "destination": "/Common/10.133.58.50:8000",
                   "mask": "255.255.255.255", "vlans": ["/Common/vmotion-vlan"], "vlansEnabled": True, "profiles": LAN_PROFILES},
        state={"destination": "/Common/10.133.58.50:8000", "mask": "255.255.255.255", "ipProtocol": "tcp", "vlansEnabled": True,
               "vlans": ["/Common/vmotion-vlan"]},
        result_key="policy",
        result={"destination": "10.133.58.50", "port": 8000, "netmask": "255.255.255.255", "vlans": ["/Common/vmotion-vlan"]},
        update={"lan_clients": False},
        patch_body={"profiles": WAN_PROFILES},
        update_after={"profiles": WAN_PROFILES},
        setup=vlan_and_profile,
        error=DeviceError(args=dict(GUIDE, isession_profile="no-such-isession"),
                          message=("WAN optimization policy (virtual server) /Common/vsphere-vmotion",
                                   "The requested profile (/Common/no-such-isession)", "was not found")),
    )


def test_profiles_follow_the_lan_answer(bigip_sim):
    vlan_and_profile(bigip_sim)
    run_ok(bigip_sim, "bigip_wom_policy", GUIDE)
    assert profiles_on_device(bigip_sim) == [("/Common/tcp-lan-optimized", "clientside"), ("/Common/tcp-wan-optimized", "serverside"),
                                             ("/Common/vmotion-isession", "all")]
    run_ok(bigip_sim, "bigip_wom_policy", dict(GUIDE, lan_clients=False))
    assert profiles_on_device(bigip_sim) == [("/Common/tcp-wan-optimized", "all"), ("/Common/vmotion-isession", "all")]


def test_the_policy_writes_only_its_virtual_server_never_the_isession_profile(bigip_sim):
    vlan_and_profile(bigip_sim)
    run_ok(bigip_sim, "bigip_isession_profile", {"name": "vmotion-isession", "data_encryption": True})
    profile = bigip_sim.peek(PROFILE_PATH)
    log = Log(bigip_sim)
    run_ok(bigip_sim, "bigip_wom_policy", GUIDE)
    run_ok(bigip_sim, "bigip_wom_policy", dict(GUIDE, lan_clients=False))
    assert {w["path"] for w in log.writes()} == {"/mgmt/tm/ltm/virtual", PATH}, "one owner per property: the profile is not written"
    assert bigip_sim.peek(PROFILE_PATH) == profile


def test_encrypt_is_the_isession_profiles_option_not_the_policys(bigip_sim):
    vlan_and_profile(bigip_sim)
    log = Log(bigip_sim)
    result = run(bigip_sim, "bigip_wom_policy", dict(GUIDE, encrypt=True))
    assert result["failed"] is True and "encrypt" in result["msg"]
    log.assert_no_writes()


def test_network_destination(bigip_sim):
    vlan_and_profile(bigip_sim)
    args = dict(GUIDE, destination_type="network", destination="10.133.58.0", netmask="255.255.255.0")
    result = run_ok(bigip_sim, "bigip_wom_policy", args)
    subset({"destination": "/Common/10.133.58.0:8000", "mask": "255.255.255.0"}, bigip_sim.peek(PATH))
    assert result["policy"]["netmask"] == "255.255.255.0"
    log = Log(bigip_sim)
    prefix_form = dict(GUIDE, destination_type="network", destination="10.133.58.0/24")
    assert run_ok(bigip_sim, "bigip_wom_policy", prefix_form)["changed"] is False
    log.assert_no_writes()


def test_port_change_rewrites_the_destination_only(bigip_sim):
    vlan_and_profile(bigip_sim)
    run_ok(bigip_sim, "bigip_wom_policy", GUIDE)
    log = Log(bigip_sim)
    run_ok(bigip_sim, "bigip_wom_policy", dict(GUIDE, port=8001))
    assert log.only_write("PATCH", PATH)["body"] == {"destination": "/Common/10.133.58.50:8001"}


def test_empty_vlan_list_listens_everywhere(bigip_sim):
    vlan_and_profile(bigip_sim)
    run_ok(bigip_sim, "bigip_wom_policy", GUIDE)
    log = Log(bigip_sim)
    run_ok(bigip_sim, "bigip_wom_policy", dict(GUIDE, vlans=[]))
    assert log.only_write("PATCH", PATH)["body"] == {"vlans": [], "vlansDisabled": True}
    state = bigip_sim.peek(PATH)
    assert state.get("vlansDisabled") is True and not state.get("vlansEnabled")


def test_settings_it_does_not_manage_are_left_alone(bigip_sim):
    vlan_and_profile(bigip_sim)
    run_ok(bigip_sim, "bigip_wom_policy", GUIDE)
    run_ok(bigip_sim, "bigip_wom_policy", dict(GUIDE, enabled=False))
    subset({"disabled": True}, bigip_sim.peek(PATH))
    log = Log(bigip_sim)
    assert run_ok(bigip_sim, "bigip_wom_policy", GUIDE)["changed"] is False
    log.assert_no_writes()
    subset({"disabled": True}, bigip_sim.peek(PATH))


def test_delete_leaves_the_isession_profile(bigip_sim):
    vlan_and_profile(bigip_sim)
    run_ok(bigip_sim, "bigip_isession_profile", {"name": "vmotion-isession", "data_encryption": True})
    run_ok(bigip_sim, "bigip_wom_policy", GUIDE)
    log = Log(bigip_sim)
    run_ok(bigip_sim, "bigip_wom_policy", {"name": "vsphere-vmotion", "state": "absent"})
    log.only_write("DELETE", PATH)
    assert bigip_sim.peek(PROFILE_PATH)["dataEncryption"] == "enabled"


@pytest.mark.parametrize("args,message", [
    ({"destination": "10.133.58.50/24"}, "a host destination cannot have prefix /24; use destination_type: network"),
    ({"destination": "10.133.58.0", "destination_type": "network"}, "a network destination needs a prefix length or a netmask"),
    ({"destination": "10.133.58.5/24", "destination_type": "network"}, "10.133.58.5/24 has host bits set"),
    ({"port": 0}, "port must be between 1 and 65535, got 0"),
    ({"destination": "vmotion-host"}, "'vmotion-host' is not an IP address"),
])
def test_invalid_input_fails_before_any_request(bigip_sim, args, message):
    log = Log(bigip_sim)
    result = run(bigip_sim, "bigip_wom_policy", dict(GUIDE, **args))
    assert result["failed"] is True
    assert "WAN optimization policy vsphere-vmotion: " + message in result["msg"]
    assert log.calls() == []


def test_destination_and_profile_are_required_when_present(bigip_sim):
    result = run(bigip_sim, "bigip_wom_policy", {"name": "vsphere-vmotion", "vlans": ["vmotion-vlan"]})
    assert result["failed"] is True
    assert "state is present but all of the following are missing: destination, isession_profile" in result["msg"]


def test_a_missing_isession_profile_is_the_devices_refusal_and_nothing_is_created(bigip_sim):
    run_ok(bigip_sim, "bigip_vlan", {"name": "vmotion-vlan", "interfaces": [{"name": "1.14"}]})
    result = run(bigip_sim, "bigip_wom_policy", GUIDE)
    assert result["failed"] is True
    assert "vmotion-isession" in result["msg"] and "was not found" in result["msg"], result["msg"]
    assert absent(bigip_sim, PATH)
