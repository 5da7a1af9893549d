"""bigip_isession_profile against the BIG-IP simulator: the guide's profile (Figure 4), codecs as a
set, the create-only parent, deflate level validation."""
from __future__ import annotations

import pytest

from ansible_collections.longdistance.vmotion.plugins.module_utils._bigip import wom
from bigip_crud import CrudCases, DeviceError, Log, Scenario, run, run_ok, subset

pytestmark = pytest.mark.bigip_sim

PATH = wom.ISESSION_PROFILE_PATH + "/~Common~vmotion-isession"
GUIDE = {"name": "vmotion-isession", "parent": "isession", "deduplication": False, "reuse_connection": False}


class TestIsessionProfileCrud(CrudCases):
    scenario = Scenario(
        module="bigip_isession_profile",
        args=GUIDE,
        path=PATH,
        collection=wom.ISESSION_PROFILE_PATH,
        post_body={"name": "vmotion-isession", "partition": "Common", "defaultsFrom": "/Common/isession",
                   "deduplication": "disabled", "reuseConnection": "disabled"},
        # everything not set is inherited from the parent (Figure 4: "Leave the other settings at the default levels")
        state={"defaultsFrom": "/Common/isession", "deduplication": "disabled", "reuseConnection": "disabled", "mode": "enabled",
               "portTransparency": "enabled", "targetVirtual": "virtual-match-all", "deflateCompressionLevel": 1,
               "adaptiveCompression": "enabled"},
        result_key="profile",
        result={"parent": "/Common/isession", "deduplication": False, "reuse_connection": False, "mode": True,
                "compression_codecs": ["deflate", "lzo", "bzip2"]},
        predicted={"parent": "/Common/isession", "deduplication": False, "reuse_connection": False},
        update={"compression_codecs": ["lzo", "deflate"], "deflate_level": 9},
        patch_body={"compressionCodecs": ["lzo", "deflate"], "deflateCompressionLevel": 9},
        updated_state={"compressionCodecs": ["lzo", "deflate"], "deflateCompressionLevel": 9},
        error=DeviceError(args=dict(GUIDE, parent="no-such-parent"),
                          message=("iSession profile /Common/vmotion-isession", "The parent profile (/Common/no-such-parent)",
                                   "does not exist")),
    )


def test_codecs_compare_as_a_set(bigip_sim):
    run_ok(bigip_sim, "bigip_isession_profile", GUIDE)
    log = Log(bigip_sim)
    result = run_ok(bigip_sim, "bigip_isession_profile", dict(GUIDE, compression_codecs=["bzip2", "deflate", "lzo"]))
    assert result["changed"] is False
    log.assert_no_writes()


def test_parent_change_fails_before_any_write(bigip_sim):
    run_ok(bigip_sim, "bigip_isession_profile", GUIDE)
    log = Log(bigip_sim)
    result = run(bigip_sim, "bigip_isession_profile", dict(GUIDE, parent="isession-encrypt"))
    assert result["failed"] is True
    assert "iSession profile /Common/vmotion-isession: parent cannot be changed from '/Common/isession' to '/Common/isession-encrypt'" \
        in result["msg"]
    log.assert_no_writes()
    subset({"defaultsFrom": "/Common/isession"}, bigip_sim.peek(PATH))


def test_same_parent_by_full_path_is_no_change(bigip_sim):
    run_ok(bigip_sim, "bigip_isession_profile", GUIDE)
    log = Log(bigip_sim)
    assert run_ok(bigip_sim, "bigip_isession_profile", dict(GUIDE, parent="/Common/isession"))["changed"] is False
    log.assert_no_writes()


def test_encrypting_parent_is_inherited(bigip_sim):
    run_ok(bigip_sim, "bigip_isession_profile", {"name": "vmotion-isession", "parent": "isession-encrypt"})
    subset({"dataEncryption": "enabled", "defaultsFrom": "/Common/isession-encrypt"}, bigip_sim.peek(PATH))
    log = Log(bigip_sim)
    assert run_ok(bigip_sim, "bigip_isession_profile", {"name": "vmotion-isession", "data_encryption": True})["changed"] is False
    log.assert_no_writes()


@pytest.mark.parametrize("level", [0, 10, -1])
def test_deflate_level_out_of_range_fails_before_any_request(bigip_sim, level):
    log = Log(bigip_sim)
    result = run(bigip_sim, "bigip_isession_profile", dict(GUIDE, deflate_level=level))
    assert result["failed"] is True
    assert "iSession profile vmotion-isession: deflate_level must be between 1 and 9, got %s" % level in result["msg"]
    assert log.calls() == []


@pytest.mark.parametrize("level", [1, 9])
def test_deflate_level_bounds_are_accepted(bigip_sim, level):
    run_ok(bigip_sim, "bigip_isession_profile", dict(GUIDE, deflate_level=level))
    assert bigip_sim.peek(PATH)["deflateCompressionLevel"] == level


def test_unknown_codec_is_refused_by_the_argument_spec(bigip_sim):
    log = Log(bigip_sim)
    result = run(bigip_sim, "bigip_isession_profile", dict(GUIDE, compression_codecs=["deflate", "zstd"]))
    assert result["failed"] is True
    assert "compression_codecs" in result["msg"] and "zstd" in result["msg"]
    assert log.calls() == []
