"""Table tests of the CRUD runner (``_bigip/runner.py``): which requests each decision sends, and the result it
returns, against an in-memory client that records every call (tests/_harness/fake_client.py).

Through the public entry points as they are: ``ensure``, ``ensure_with_items``, ``sync_items``, ``apply_in_transaction``.
"""
from __future__ import annotations

import pytest

from ansible_collections.longdistance.vmotion.plugins.module_utils._bigip import runner
from ansible_collections.longdistance.vmotion.plugins.module_utils._differ import Field
from ansible_collections.longdistance.vmotion.plugins.module_utils._errors import ApiError, ValidationError
from tests._harness.fake_client import FakeClient

POOLS = "/mgmt/tm/ltm/pool"
WEB = POOLS + "/~Common~web"
FIELDS = [Field("description"), Field("lb_method", key="loadBalancingMode"), Field("tags", key="metadata", compare="set")]
SPEC = runner.RestObject(POOLS, "LTM pool", FIELDS, create_defaults={"minActiveMembers": 0}, result_key="pool")
EXISTING = {"name": "web", "partition": "Common", "description": "web tier", "loadBalancingMode": "round-robin", "metadata": ["a", "b"]}


def params(**values):
    base = dict.fromkeys(("description", "lb_method", "tags"))
    base.update(values)
    return base


def client(check_mode=False, exists=True):
    return FakeClient({WEB: EXISTING} if exists else {}, check_mode=check_mode)


# --- ensure: one read, then at most one write ------------------------------------------------------------------

# (case, exists, state, params, check mode) -> (changed, writes sent, result view, diff before, diff after)
CASES = [
    ("create", False, "present", params(description="new", lb_method="ratio-member"), False,
     True, [("POST", POOLS, {"minActiveMembers": 0, "partition": "Common", "name": "web", "description": "new",
                             "loadBalancingMode": "ratio-member"})],
     {"description": "new", "lb_method": "ratio-member", "tags": None}, {}, {"description": "new", "lb_method": "ratio-member"}),
    ("create in check mode", False, "present", params(description="new"), True,
     True, [], {"description": "new"}, {}, {"description": "new"}),
    ("update one option", True, "present", params(description="changed", lb_method="round-robin"), False,
     True, [("PATCH", WEB, {"description": "changed"})],
     {"description": "changed", "lb_method": "round-robin", "tags": ["a", "b"]},
     {"description": "web tier", "lb_method": "round-robin"}, {"description": "changed", "lb_method": "round-robin"}),
    ("update in check mode", True, "present", params(description="changed"), True,
     True, [], {"description": "changed", "lb_method": "round-robin", "tags": ["a", "b"]},
     {"description": "web tier"}, {"description": "changed"}),
    ("no-op: equal values", True, "present", params(description="web tier", lb_method="round-robin"), False,
     False, [], {"description": "web tier", "lb_method": "round-robin", "tags": ["a", "b"]},
     {"description": "web tier", "lb_method": "round-robin"}, {"description": "web tier", "lb_method": "round-robin"}),
    ("no-op: a set in another order", True, "present", params(tags=["b", "a"]), False,
     False, [], {"description": "web tier", "lb_method": "round-robin", "tags": ["b", "a"]}, {"tags": ["a", "b"]}, {"tags": ["b", "a"]}),
    ("no-op: None leaves an option alone", True, "present", params(), False,
     False, [], {"description": "web tier", "lb_method": "round-robin", "tags": ["a", "b"]}, {}, {}),
    ("absent deletes", True, "absent", params(), False,
     True, [("DELETE", WEB, None)], {}, {"description": "web tier", "lb_method": "round-robin", "tags": ["a", "b"]}, {}),
    ("absent in check mode", True, "absent", params(), True,
     True, [], {}, {"description": "web tier", "lb_method": "round-robin", "tags": ["a", "b"]}, {}),
    ("absent and already gone", False, "absent", params(), False,
     False, [], {}, {}, {}),
]


@pytest.mark.parametrize("case,exists,state,values,check_mode,changed,writes,view,before,after", CASES, ids=[c[0] for c in CASES])
def test_ensure_decisions(case, exists, state, values, check_mode, changed, writes, view, before, after):
    fake = client(check_mode, exists)
    result = runner.ensure(fake, SPEC, values, True, name="web", partition="Common", state=state)
    assert fake.calls[0] == ("GET", WEB, None), "one read first"
    assert fake.writes() == writes
    assert len([c for c in fake.calls if c[0] == "GET"]) == 1, "read once (the write's reply is the object)"
    assert result["changed"] is changed
    assert {k: v for k, v in result["pool"].items() if v is not None or k in view} == view
    assert result["diff"] == {"before": before, "after": after}


def test_no_diff_without_diff_mode():
    result = runner.ensure(client(), SPEC, params(description="changed"), False, name="web", partition="Common", state="present")
    assert "diff" not in result and result["changed"] is True


def test_create_refused_without_the_options_a_creation_needs_and_nothing_sent():
    spec = runner.RestObject(POOLS, "LTM pool", FIELDS, required_on_create=("lb_method",))
    fake = client(exists=False)
    with pytest.raises(ValidationError, match=r"LTM pool /Common/web does not exist; lb_method required to create it"):
        runner.ensure(fake, spec, params(description="x"), False, name="web", partition="Common", state="present")
    assert fake.writes() == []


def test_singleton_is_patched_and_never_created():
    spec = runner.RestObject("/mgmt/tm/sys/global-settings", "global settings", [Field("hostname")], singleton=True,
                             result_key="settings")
    fake = FakeClient({"/mgmt/tm/sys/global-settings": {"hostname": "old"}})
    result = runner.ensure(fake, spec, {"hostname": "new"}, state="present")
    assert fake.writes() == [("PATCH", "/mgmt/tm/sys/global-settings", {"hostname": "new"})] and result["changed"]
    with pytest.raises(ValidationError, match="global settings does not exist on BIG-IP bigip-test"):
        runner.ensure(FakeClient(), spec, {"hostname": "new"}, state="present")


def test_unpartitioned_object_is_addressed_by_bare_name_and_created_without_partition():
    spec = runner.RestObject("/mgmt/tm/net/vlan/~Common~wan/interfaces", "interface", [Field("tagged")], partitioned=False)
    fake = FakeClient()
    runner.ensure(fake, spec, {"tagged": True}, name="1.1", partition="Common", state="present")
    assert fake.calls[0] == ("GET", "/mgmt/tm/net/vlan/~Common~wan/interfaces/1.1", None)
    assert fake.writes() == [("POST", "/mgmt/tm/net/vlan/~Common~wan/interfaces", {"name": "1.1", "tagged": True})]


def test_read_params_read_again_after_a_write():
    spec = runner.RestObject(POOLS, "LTM pool", FIELDS, read_params={"expandSubcollections": "true"})
    fake = client()
    runner.ensure(fake, spec, params(description="changed"), name="web", partition="Common", state="present")
    reads = [c for c in fake.calls if c[0] == "GET"]
    assert reads == [("GET", WEB, {"expandSubcollections": "true"})] * 2, "sub-collections are not in write replies"


@pytest.mark.parametrize("exists, expected", [(True, "web tier (kept)"), (False, "new (kept)")])
def test_resolve_sees_the_one_read_and_shapes_the_comparison(exists, expected):
    seen = []

    def keep(values, current):
        seen.append(current)
        return dict(values, description="%s (kept)" % ((current or {}).get("description") or "new"))
    spec = runner.RestObject(POOLS, "LTM pool", FIELDS, result_key="pool", resolve=keep)
    fake = client(exists=exists)
    result = runner.ensure(fake, spec, params(), name="web", partition="Common", state="present")
    assert [c for c in fake.calls if c[0] == "GET"] == [("GET", WEB, None)], "resolve reuses the read"
    assert seen == [EXISTING if exists else None] and result["pool"]["description"] == expected


def test_resolve_is_not_called_for_absent():
    spec = runner.RestObject(POOLS, "LTM pool", FIELDS, resolve=lambda values, current: pytest.fail("resolve on absent"))
    fake = client()
    assert runner.ensure(fake, spec, params(), name="web", partition="Common", state="absent")["changed"] is True


def test_a_current_object_given_by_the_caller_is_not_read_again():
    fake = client()
    result = runner.ensure(fake, SPEC, params(description="changed"), name="web", partition="Common", state="present",
                           current=dict(EXISTING))
    assert fake.calls == [("PATCH", WEB, {"description": "changed"})]
    assert result["changed"] is True


# --- sub-collections -----------------------------------------------------------------------------------------

MEMBERS = WEB + "/members"
MEMBER_FIELDS = [Field("ratio"), Field("description")]
ITEMS = runner.ItemSet("members", "members", MEMBER_FIELDS, "member", True)
SPEC_WITH_ITEMS = runner.RestObject(POOLS, "LTM pool", FIELDS, create_defaults={"minActiveMembers": 0}, result_key="pool", items=ITEMS)


def with_members(check_mode=False):
    return FakeClient({WEB: EXISTING,
                       MEMBERS + "/~Common~a:80": {"name": "a:80", "partition": "Common", "ratio": 1, "description": "keep"},
                       MEMBERS + "/~Common~b:80": {"name": "b:80", "partition": "Common", "ratio": 2}},
                      check_mode=check_mode, collections=[MEMBERS])


# (case, items, purge, check mode) -> (changed, writes, before, after)
ITEM_CASES = [
    ("all equal", [{"name": "a:80", "ratio": 1, "description": None}, {"name": "b:80", "ratio": 2, "description": None}], False, False,
     False, [], {"a:80": {"ratio": 1}, "b:80": {"ratio": 2}}, {"a:80": {"ratio": 1}, "b:80": {"ratio": 2}}),
    ("one changed, one new, one left alone", [{"name": "a:80", "ratio": 5, "description": None},
                                              {"name": "c:80", "ratio": 1, "description": "new"}], False, False,
     True, [("PATCH", MEMBERS + "/~Common~a:80", {"ratio": 5}),
            ("POST", MEMBERS, {"name": "c:80", "partition": "Common", "ratio": 1, "description": "new"})],
     {"a:80": {"ratio": 1}}, {"a:80": {"ratio": 5}, "c:80": {"ratio": 1, "description": "new"}}),
    ("purge deletes the unlisted", [{"name": "a:80", "ratio": 1, "description": None}], True, False,
     True, [("DELETE", MEMBERS + "/~Common~b:80", None)], {"a:80": {"ratio": 1}, "b:80": {"ratio": 2, "description": None}},
     {"a:80": {"ratio": 1}}),
    ("purge of all", [], True, False,
     True, [("DELETE", MEMBERS + "/~Common~a:80", None), ("DELETE", MEMBERS + "/~Common~b:80", None)],
     {"a:80": {"ratio": 1, "description": "keep"}, "b:80": {"ratio": 2, "description": None}}, {}),
    ("purge in check mode", [{"name": "c:80", "ratio": 1, "description": None}], True, True,
     True, [], {"a:80": {"ratio": 1, "description": "keep"}, "b:80": {"ratio": 2, "description": None}}, {"c:80": {"ratio": 1}}),
]


@pytest.mark.parametrize("case,items,purge,check_mode,changed,writes,before,after", ITEM_CASES, ids=[c[0] for c in ITEM_CASES])
def test_sync_items_decisions(case, items, purge, check_mode, changed, writes, before, after):
    fake = with_members(check_mode)
    outcome = runner.sync_items(fake, MEMBERS, MEMBER_FIELDS, items, partition="Common", purge=purge, what="member")
    assert fake.writes() == writes
    assert outcome == (changed, before, after)


def test_ensure_with_items_folds_the_members_into_the_result_and_the_diff():
    fake = with_members()
    values = params(description="changed", state="present", members=[{"name": "a:80", "ratio": 3, "description": None}])
    result = runner.ensure_with_items(fake, SPEC_WITH_ITEMS, dict(values, name="web", partition="Common"), diff_mode=True)
    assert fake.writes() == [("PATCH", WEB, {"description": "changed"}), ("PATCH", MEMBERS + "/~Common~a:80", {"ratio": 3})]
    assert result["changed"] is True and result["pool"]["members"] == {"a:80": {"ratio": 3}}
    assert result["diff"]["before"] == {"description": "web tier", "members": {"a:80": {"ratio": 1}}}
    assert result["diff"]["after"] == {"description": "changed", "members": {"a:80": {"ratio": 3}}}


def test_ensure_with_items_leaves_the_members_alone_when_not_given_and_on_absent():
    fake = with_members()
    runner.ensure_with_items(fake, SPEC_WITH_ITEMS, params(state="present", members=None, name="web", partition="Common"))
    assert fake.writes() == [] and ("GET", MEMBERS, None) not in fake.calls
    runner.ensure_with_items(fake, SPEC_WITH_ITEMS, params(state="absent", members=[{"name": "x", "ratio": 1, "description": None}],
                                                           name="web", partition="Common"))
    assert fake.writes() == [("DELETE", WEB, None)], "absent deletes the object, the items go with it"


@pytest.mark.parametrize("values,message", [
    (params(state="present", members=None), r"LTM pool /Common/web: purge_members needs members \(use \[\] to delete them all\)"),
    (params(state="present", members=[{"name": "a:80"}, {"name": "a:80"}]), r"LTM pool /Common/web: members are listed twice: \['a:80'\]"),
])
def test_ensure_with_items_refuses_bad_input_before_any_request(values, message):
    fake = with_members()
    with pytest.raises(ValidationError, match=message):
        runner.ensure_with_items(fake, SPEC_WITH_ITEMS, dict(values, name="web", partition="Common", purge_members=True))
    assert fake.calls == []


# --- transactions ----------------------------------------------------------------------------------------------

def test_apply_in_transaction_sends_every_patch_in_one_transaction():
    fake = FakeClient({WEB: EXISTING, POOLS + "/~Common~app": {"name": "app"}})
    runner.apply_in_transaction(fake, [(WEB, {"description": "x"}, "pool web"), (POOLS + "/~Common~app", {"description": "y"}, "pool app")], "GTM")
    assert fake.transactions == 1
    assert fake.calls == [("TRANSACTION", None, None), ("PATCH", WEB, {"description": "x"}), ("PATCH", POOLS + "/~Common~app", {"description": "y"})]


@pytest.mark.parametrize("check_mode,writes", [(True, [(WEB, {"description": "x"}, "pool web")]), (False, [])])
def test_apply_in_transaction_sends_nothing_in_check_mode_or_without_writes(check_mode, writes):
    fake = client(check_mode)
    runner.apply_in_transaction(fake, writes, "GTM")
    assert fake.calls == [] and fake.transactions == 0


def test_apply_in_transaction_names_the_label_and_says_nothing_was_applied():
    class Refusing(FakeClient):
        def patch(self, path, body, what=None):
            raise ApiError("BIG-IP bigip-test: PATCH %s: HTTP 400: 01070734:3: Configuration error" % path, status=400, method="PATCH", path=path)

    with pytest.raises(ApiError) as caught:
        runner.apply_in_transaction(Refusing({WEB: EXISTING}), [(WEB, {"description": "x"}, "pool web")], "wide IP /Common/app")
    assert caught.value.msg.startswith("wide IP /Common/app: the device refused the change, nothing was applied: BIG-IP bigip-test")
    assert "01070734:3: Configuration error" in caught.value.msg and caught.value.status == 400


INLINE_SPEC = runner.RestObject(POOLS, "LTM pool", FIELDS, result_key="pool", items=ITEMS._replace(inline="members"))


@pytest.mark.parametrize("check_mode", [False, True])
def test_a_new_object_is_created_with_its_inline_items_in_one_post(check_mode):
    fake = FakeClient(check_mode=check_mode)
    values = params(description="new", state="present", name="web", partition="Common",
                    members=[{"name": "a:80", "ratio": 3, "description": None}, {"name": "b:80", "ratio": None, "description": "x"}])
    result = runner.ensure_with_items(fake, INLINE_SPEC, values, diff_mode=True)
    expected = [] if check_mode else [("POST", POOLS, {"partition": "Common", "name": "web", "description": "new", "members": [
        {"name": "a:80", "partition": "Common", "ratio": 3}, {"name": "b:80", "partition": "Common", "description": "x"}]})]
    assert fake.writes() == expected
    assert fake.calls[0] == ("GET", WEB, None) and ("GET", MEMBERS, None) not in fake.calls, "a new object has no items to read"
    assert result["changed"] is True and result["pool"]["members"] == {"a:80": {"ratio": 3}, "b:80": {"description": "x"}}
    assert result["diff"]["before"] == {} and result["diff"]["after"]["members"] == result["pool"]["members"]


def test_an_existing_object_with_inline_items_is_read_once_and_its_items_synced_one_by_one():
    fake = with_members()
    values = params(state="present", name="web", partition="Common", members=[{"name": "a:80", "ratio": 3, "description": None}])
    runner.ensure_with_items(fake, INLINE_SPEC, values)
    assert [c for c in fake.calls if c[0] == "GET"] == [("GET", WEB, None), ("GET", MEMBERS, None)]
    assert fake.writes() == [("PATCH", MEMBERS + "/~Common~a:80", {"ratio": 3})]


# (case, object change, members, purge) -> transaction?, writes
SEVERAL_CASES = [
    ("object and one item: one transaction", "changed", [{"name": "a:80", "ratio": 3, "description": None}], False,
     True, [("PATCH", WEB, {"description": "changed"}), ("PATCH", MEMBERS + "/~Common~a:80", {"ratio": 3})]),
    ("two items: one transaction", None, [{"name": "a:80", "ratio": 3, "description": None},
                                          {"name": "c:80", "ratio": 1, "description": None}], False,
     True, [("PATCH", MEMBERS + "/~Common~a:80", {"ratio": 3}), ("POST", MEMBERS, {"name": "c:80", "partition": "Common", "ratio": 1})]),
    ("one item and a purge: one transaction", None, [{"name": "a:80", "ratio": 3, "description": None}], True,
     True, [("PATCH", MEMBERS + "/~Common~a:80", {"ratio": 3}), ("DELETE", MEMBERS + "/~Common~b:80", None)]),
    ("one write: sent as it is", None, [{"name": "a:80", "ratio": 3, "description": None}], False,
     False, [("PATCH", MEMBERS + "/~Common~a:80", {"ratio": 3})]),
    ("no write", "web tier", [{"name": "a:80", "ratio": 1, "description": None}], False, False, []),
]


@pytest.mark.parametrize("case,description,members,purge,transaction,writes", SEVERAL_CASES, ids=[c[0] for c in SEVERAL_CASES])
def test_an_existing_object_changed_by_several_writes_gets_them_in_one_transaction(case, description, members, purge,
                                                                                   transaction, writes):
    fake = with_members()
    values = params(description=description, state="present", name="web", partition="Common", members=members, purge_members=purge)
    result = runner.ensure_with_items(fake, INLINE_SPEC, values)
    assert fake.writes() == writes
    assert fake.transactions == int(transaction)
    if transaction:
        assert fake.calls[fake.calls.index(("TRANSACTION", None, None)) - 1] == ("GET", MEMBERS, None), "planned before it opens"
        assert fake.calls[-1] == ("GET", WEB, None), "the result is read after the commit"
    assert result["changed"] is bool(writes)
