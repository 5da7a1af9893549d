"""extensions/controller/ and playbooks/controller_setup.yml, without a controller.

* every object is checked against the argument spec of the awx.awx module controller_setup.yml calls for it (names,
  aliases, types, choices, required options), as those modules check their arguments before contacting anything;
* (controller_setup.yml running for real up to the controller, and the inventory import: tests/integration/test_controller_setup.py)
* the objects refer to each other consistently (names, workflow nodes, credential types and their inputs);
* the migrate survey matches the migrate role's argument specs, as read from roles/migrate/meta/argument_specs.yml;
* every variable a credential injects is read by the collection's modules, playbooks or inventories.
"""
from __future__ import annotations

import json
import os
import re
import sys

import pytest
import yaml

from tests.unit import controller as ctl

REPO = ctl.REPO
ANSIBLE_PLAYBOOK = os.path.join(os.path.dirname(sys.executable), "ansible-playbook")
needs_awx = pytest.mark.skipif(not os.path.isdir(os.path.join(ctl.AWX_COLLECTIONS, "ansible_collections", "awx", "awx")),
                               reason="awx.awx is not installed (scripts/bootstrap.sh installs it)")


@pytest.fixture(scope="module")
def objects() -> dict:
    """The controller objects, rendered with settings.yml and stand-in secrets."""
    variables = ctl.config_vars()
    return {name: ctl.plain(ctl.render(value, variables)) for name, value in variables.items() if name.startswith("controller_")}


@pytest.fixture(scope="module")
def calls():
    return ctl.rendered_calls()


def by_name(items: list[dict]) -> dict:
    return {item["name"]: item for item in items}


# --- controller_setup.yml against the awx.awx modules -----------------------------------------------------------


@needs_awx
def test_every_object_is_applied_by_a_task(objects):
    applied = {task["loop_var"] for task in ctl.setup_tasks()}
    assert applied == set(objects), f"objects nobody applies: {sorted(set(objects) - applied)}; tasks without objects: {sorted(applied - set(objects))}"


@needs_awx
def test_every_key_of_every_object_reaches_the_module(objects):
    """A key the task does not pass would be silently ignored: each must appear as item.<key> in the task."""
    dropped = []
    for task in ctl.setup_tasks():
        passed = set(re.findall(r"item\.(\w+)", json.dumps(task["args"])))
        for item in objects[task["loop_var"]]:
            dropped += [f"{task['module']} {item['name']}: {key}" for key in item if key not in passed]
    assert not dropped, f"keys controller_setup.yml does not pass on: {dropped}"


@needs_awx
def test_module_arguments_match_the_awx_argument_specs(calls):
    modules = {"organization", "credential_type", "credential", "execution_environment", "project", "inventory", "inventory_source",
               "job_template", "workflow_job_template"}
    assert {call[0] for call in calls} == modules
    errors = {f"{module} {item['name']}": ctl.validate_arguments(module, args) for module, item, args in calls}
    assert not {key: value for key, value in errors.items() if value}


@needs_awx
def test_the_validation_catches_a_wrong_argument():
    """The check above can fail: an unknown option, a bad choice and a missing required option are all reported."""
    errors = ctl.validate_arguments("job_template", {"name": "x", "job_type": "deploy", "survey": {}})
    assert any("job_type" in error for error in errors) and any("survey" in error for error in errors)
    assert ctl.validate_arguments("inventory", {"name": "x"}) == ["missing required arguments: organization"]


def test_surveys_follow_awx_survey_rules(objects):
    surveys = {f"job template {jt['name']}": jt["survey_spec"] for jt in objects["controller_templates"] if jt.get("survey_enabled")}
    surveys.update({f"workflow {wf['name']}": wf["survey_spec"] for wf in objects["controller_workflows"] if wf.get("survey_enabled")})
    assert len(surveys) == 3
    problems = {name: ctl.survey_errors(spec) for name, spec in surveys.items()}
    assert not {name: errors for name, errors in problems.items() if errors}
    assert ctl.survey_errors({"name": "x", "description": "", "spec": [{"question_name": "q", "variable": "v", "type": "multiplechoice",
                                                                        "required": True, "choices": ["a"], "default": "b"}]})


# --- references between the objects ----------------------------------------------------------------------------


def test_objects_refer_to_objects_that_exist(objects):
    orgs = set(by_name(objects["controller_organizations"]))
    projects = set(by_name(objects["controller_projects"]))
    inventories = set(by_name(objects["controller_inventories"]))
    environments = set(by_name(objects["controller_execution_environments"]))
    credentials = set(by_name(objects["controller_credentials"]))
    templates = by_name(objects["controller_templates"])
    broken = []
    for kind, items in objects.items():
        for item in items:
            if "organization" in item and item["organization"] not in orgs:
                broken.append(f"{item['name']}: organization {item['organization']}")
    for project in objects["controller_projects"]:
        broken += [] if project["default_environment"] in environments else [f"{project['name']}: EE {project['default_environment']}"]
    for source in objects["controller_inventory_sources"]:
        broken += [] if source["inventory"] in inventories else [f"{source['name']}: inventory"]
        broken += [] if source["source_project"] in projects else [f"{source['name']}: project"]
        assert os.path.isfile(os.path.join(REPO, source["source_path"])), f"{source['name']}: {source['source_path']} is not in the project"
    for template in templates.values():
        broken += [] if template["project"] in projects else [f"{template['name']}: project"]
        broken += [] if template["inventory"] in inventories else [f"{template['name']}: inventory"]
        broken += [] if template["execution_environment"] in environments else [f"{template['name']}: EE"]
        broken += [f"{template['name']}: credential {name}" for name in template["credentials"] if name not in credentials]
        assert os.path.isfile(os.path.join(REPO, template["playbook"])), f"{template['name']}: no {template['playbook']}"
    for workflow in objects["controller_workflows"]:
        for node in workflow["workflow_nodes"]:
            broken += [] if node["unified_job_template"]["name"] in templates else [f"{workflow['name']}: node {node['identifier']}"]
    assert not broken


def test_job_templates_cover_the_operations(objects):
    playbooks = {jt["name"].split(" ", 1)[1]: (jt["playbook"], jt.get("extra_vars", {}).get("fix")) for jt in objects["controller_templates"]}
    assert playbooks == {"site set-up": ("playbooks/site.yml", None), "preflight": ("playbooks/preflight.yml", None),
                         "migrate": ("playbooks/migrate.yml", None), "routing check": ("playbooks/check_routing.yml", False),
                         "routing fix": ("playbooks/check_routing.yml", True)}


def test_one_credential_per_type_on_each_template(objects):
    """AWX refuses two credentials of one type on a job template (awx/main/models/jobs.py)."""
    types = {cred["name"]: cred["credential_type"] for cred in objects["controller_credentials"]}
    for template in objects["controller_templates"]:
        kinds = [types[name] for name in template["credentials"]]
        assert len(kinds) == len(set(kinds)), f"{template['name']}: {kinds}"


def test_credentials_give_the_inputs_of_their_type(objects):
    custom = by_name(objects["controller_credential_types"])
    for credential in objects["controller_credentials"]:
        kind = credential["credential_type"]
        if kind in custom:
            fields = [field["id"] for field in custom[kind]["inputs"]["fields"]]
            required = custom[kind]["inputs"].get("required", [])
        else:
            assert kind in ctl.BUILTIN_CREDENTIAL_TYPES, f"{credential['name']}: unknown credential type {kind}"
            fields, required = ctl.BUILTIN_CREDENTIAL_TYPES[kind]["fields"], ctl.BUILTIN_CREDENTIAL_TYPES[kind]["required"]
        assert set(credential["inputs"]) <= set(fields), f"{credential['name']}: inputs {sorted(set(credential['inputs']) - set(fields))} not in {kind}"
        assert set(required) <= set(credential["inputs"]), f"{credential['name']}: {kind} needs {required}"


def test_custom_types_only_where_no_builtin_fits(objects):
    """BIG-IP: Machine; source vCenter: VMware vCenter; one custom type, for the destination vCenter."""
    kinds = {cred["name"]: cred["credential_type"] for cred in objects["controller_credentials"]}
    assert kinds["longdistance BIG-IP"] == "Machine"
    assert kinds["longdistance source vCenter"] == "VMware vCenter"
    assert [t["name"] for t in objects["controller_credential_types"]] == [kinds["longdistance destination vCenter"]]


def test_workflow_paths_of_a_change_window(objects):
    (workflow,) = objects["controller_workflows"]
    nodes = {node["identifier"]: node for node in workflow["workflow_nodes"]}
    assert len(nodes) == len(workflow["workflow_nodes"])
    templates = by_name(objects["controller_templates"])

    def children(identifier, kind):
        return [child["identifier"] for child in nodes[identifier].get("related", {}).get(kind, [])]

    def template_of(identifier):
        return nodes[identifier]["unified_job_template"]["name"]

    for identifier in nodes:
        for kind in ("success_nodes", "failure_nodes", "always_nodes"):
            assert set(children(identifier, kind)) <= set(nodes), f"{identifier}.{kind}"
    # The workflow starts with the preflight; a failed preflight stops it (no failure or always path).
    roots = set(nodes) - {child for node in nodes for kind in ("success_nodes", "failure_nodes", "always_nodes") for child in children(node, kind)}
    assert roots == {"preflight"} and template_of("preflight").endswith(" preflight")
    assert children("preflight", "failure_nodes") == children("preflight", "always_nodes") == []
    assert [template_of(child) for child in children("preflight", "success_nodes")] == ["longdistance.vmotion migrate"]
    # After the migration, whatever its result, the routing check; after a failure it is told so.
    migrate = children("preflight", "success_nodes")[0]
    (after_success,) = children(migrate, "success_nodes")
    (after_failure,) = children(migrate, "failure_nodes")
    assert template_of(after_success) == template_of(after_failure) == "longdistance.vmotion routing check"
    assert nodes[after_failure]["extra_data"] == {"migration_failed": True}
    assert not nodes[after_success].get("extra_data", {}).get("migration_failed")
    # AWX drops node variables unless the template prompts for variables.
    assert templates["longdistance.vmotion routing check"]["ask_variables_on_launch"] is True


def test_execution_environment_is_the_one_the_definition_builds(objects):
    (environment,) = objects["controller_execution_environments"]
    definition = yaml.safe_load(open(os.path.join(REPO, "extensions", "ee", "execution-environment.yml"), encoding="utf-8"))
    assert environment["image"] in definition["options"]["tags"]


# --- the migrate survey and the migrate role --------------------------------------------------------------------


def role_options() -> dict:
    """The migrate role's options, read from its argument specs (the role may gain options: nothing is hard-coded)."""
    specs = yaml.safe_load(open(os.path.join(REPO, "roles", "migrate", "meta", "argument_specs.yml"), encoding="utf-8"))
    return specs["argument_specs"]["main"]["options"]


JINJA_WORDS = {"default", "omit", "if", "else", "is", "defined", "string", "split", "map", "trim", "select", "list", "regex_replace", "n"}


def playbook_mapping() -> dict:
    """Extra variable -> role option, as playbooks/migrate.yml hands them over (its set_fact of migrate_* variables)."""
    plays = yaml.safe_load(open(os.path.join(REPO, "playbooks", "migrate.yml"), encoding="utf-8"))
    play = next(play for play in plays if any("longdistance.vmotion.migrate" in str(role) for role in play.get("roles", [])))
    facts = next(task["ansible.builtin.set_fact"] for task in play["pre_tasks"] if "ansible.builtin.set_fact" in task)
    mapping = {}
    for option, template in facts.items():
        words = set(re.findall(r"\b([a-z_]+)\b", str(template)))
        for variable in words - JINJA_WORDS:
            mapping.setdefault(variable, set()).add(option)
    return mapping


def migrate_survey(objects) -> list[dict]:
    return by_name(objects["controller_templates"])["longdistance.vmotion migrate"]["survey_spec"]["spec"]


SURVEY_TO_SPEC_TYPES = {"text": ("str", "list"), "textarea": ("str", "list"), "password": ("str",), "multiplechoice": ("str",),
                        "multiselect": ("list",), "integer": ("int",), "float": ("float", "int")}


def test_migrate_survey_matches_the_role_argument_specs(objects):
    options = role_options()
    mapping = playbook_mapping()
    sites = sorted(ctl.load_yaml(os.path.join(REPO, "inventories", "example", "group_vars", "all", "sites.yml"), trusted=False)["longdistance_sites"])
    checked = []
    for question in migrate_survey(objects):
        variable = question["variable"]
        targets = sorted(option for option in mapping.get(variable, ()) if option in options)
        assert len(targets) == 1, f"survey variable {variable} reaches role options {targets} through playbooks/migrate.yml"
        option = options[targets[0]]
        assert option["type"] in SURVEY_TO_SPEC_TYPES[question["type"]], f"{variable}: survey {question['type']} vs role {option['type']}"
        if option.get("required"):
            assert question["required"] is True, f"{variable}: the role requires {targets[0]}"
        if "choices" in option:
            assert question["choices"] == option["choices"], f"{variable}: choices {question['choices']} vs {option['choices']}"
        elif option["type"] == "str" and question["type"] == "multiplechoice":
            # Sites are keys of longdistance_sites (the inventory the controller sources), not a fixed list.
            assert sorted(question["choices"]) == sites, f"{variable}: choices {question['choices']} vs inventory sites {sites}"
        default = option.get("default")
        if default is not None and "{{" not in str(default):
            assert question.get("default") == default, f"{variable}: survey default {question.get('default')!r} vs role default {default!r}"
        checked.append(targets[0])
    assert {"migrate_vms", "migrate_from_site", "migrate_to_site"} <= set(checked)


def test_survey_check_fails_on_a_mismatch(objects):
    """The comparison above can fail: a survey default that differs from the role's is caught."""
    options = role_options()
    question = next(q for q in migrate_survey(objects) if q["variable"] == "concurrency")
    assert question["default"] == options["migrate_concurrency"]["default"]
    assert question["default"] + 1 != options["migrate_concurrency"]["default"]


def test_preflight_and_workflow_ask_what_the_migration_asks(objects):
    templates = by_name(objects["controller_templates"])
    preflight = [q["variable"] for q in templates["longdistance.vmotion preflight"]["survey_spec"]["spec"]]
    migrate = [q["variable"] for q in migrate_survey(objects)]
    workflow = [q["variable"] for q in objects["controller_workflows"][0]["survey_spec"]["spec"]]
    assert preflight == ["vms", "from_site", "to_site"] and migrate[:3] == preflight
    assert workflow == migrate


def test_survey_answers_have_the_types_awx_gives_them(objects):
    answers = ctl.survey_answers({"spec": migrate_survey(objects)}, {"vms": "web-01\nweb-02", "from_site": "primary", "to_site": "secondary"})
    assert answers["vms"] == "web-01\nweb-02" and isinstance(answers["threshold"], int) and isinstance(answers["strategy"], str)
    with pytest.raises(AssertionError):
        ctl.survey_answers({"spec": migrate_survey(objects)}, {"threshold": "50"})


# --- credential injection ------------------------------------------------------------------------------------------


def read_environment_variables() -> set[str]:
    """Environment variables the collection reads: module option fallbacks and env lookups in playbooks/roles/inventories."""
    names = set()
    for root in ("plugins",):
        for folder, _dirs, files in os.walk(os.path.join(REPO, root)):
            for name in files:
                if name.endswith(".py"):
                    text = open(os.path.join(folder, name), encoding="utf-8").read()
                    for listed in re.findall(r"env_fallback,\s*\[([^\]]*)\]", text):
                        names.update(re.findall(r"['\"](\w+)['\"]", listed))
    for root in ("playbooks", "roles", "inventories"):
        for folder, _dirs, files in os.walk(os.path.join(REPO, root)):
            for name in files:
                if name.endswith((".yml", ".yaml")):
                    text = open(os.path.join(folder, name), encoding="utf-8").read()
                    names.update(re.findall(r"lookup\(\s*'(?:ansible\.builtin\.)?env',\s*'(\w+)'", text))
    return names


def referenced_variables() -> str:
    """The text of every playbook, role and inventory file (where extra variables are read)."""
    chunks = []
    for root in ("playbooks", "roles", "inventories"):
        for folder, _dirs, files in os.walk(os.path.join(REPO, root)):
            chunks += [open(os.path.join(folder, name), encoding="utf-8").read() for name in files if name.endswith((".yml", ".yaml", ".j2"))]
    return "\n".join(chunks)


def test_custom_injectors_feed_what_the_collection_reads(objects):
    env_read = read_environment_variables()
    text = referenced_variables()
    for credential_type in objects["controller_credential_types"]:
        injectors = credential_type["injectors"]
        assert injectors, f"{credential_type['name']} injects nothing"
        unused_env = sorted(set(injectors.get("env", {})) - env_read)
        assert not unused_env, f"{credential_type['name']} injects {unused_env}, which nothing reads"
        unused_vars = [name for name in injectors.get("extra_vars", {}) if not re.search(rf"\b{name}\b", text)]
        assert not unused_vars, f"{credential_type['name']} injects extra variables {unused_vars}, which nothing reads"
        fields = {field["id"] for field in credential_type["inputs"]["fields"]}
        for template in list(injectors.get("env", {}).values()) + list(injectors.get("extra_vars", {}).values()):
            assert set(re.findall(r"\{\{\s*(\w+)", str(template))) <= fields, f"{credential_type['name']}: {template} uses an unknown input"


def test_builtin_vmware_credential_feeds_the_vsphere_modules():
    """AWX's VMware vCenter credential sets VMWARE_HOST, VMWARE_USER, VMWARE_PASSWORD, VMWARE_VALIDATE_CERTS
    (awx/main/models/credential/injectors.py vmware()); each must be a fallback of the vsphere connection options."""
    assert {"VMWARE_HOST", "VMWARE_USER", "VMWARE_PASSWORD", "VMWARE_VALIDATE_CERTS"} <= read_environment_variables()


def test_injection_renders_the_credential_inputs(objects):
    destination = by_name(objects["controller_credential_types"])["Destination vCenter (longdistance.vmotion)"]
    env, extra_vars = ctl.inject(destination, {"host": "vc2.example.com", "username": "u", "password": "p"})
    assert env == {"VMWARE_DEST_HOST": "vc2.example.com", "VMWARE_DEST_USER": "u", "VMWARE_DEST_PASSWORD": "p", "VMWARE_DEST_PORT": "443"}
    assert extra_vars == {}
