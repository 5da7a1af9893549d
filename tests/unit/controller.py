"""What the controller tests share: extensions/controller/ rendered as controller_setup.yml renders it, the argument
specs of the awx.awx modules it calls, and AWX's own rules for surveys, credentials and credential injection.

Nothing here talks to a controller. The awx.awx collection is the one scripts/bootstrap.sh installs into
.venv/collections; the AWX rules (built-in credential types, survey answers, injection) are taken from AWX's source
and named where they are used.
"""
from __future__ import annotations

import glob
import os
import re
import sys

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CONFIG_DIR = os.path.join(REPO, "extensions", "controller")
SETUP_PLAYBOOK = os.path.join(REPO, "playbooks", "controller_setup.yml")
AWX_COLLECTIONS = os.path.join(REPO, ".venv", "collections")
# Stand-ins for the secrets the person applying the configuration gives (never stored in the repository).
SECRETS = {
    "longdistance_controller_bigip_user": "admin",
    "longdistance_controller_bigip_password": "bigip-secret",
    "longdistance_controller_vcenter_user": "administrator@vsphere.local",
    "longdistance_controller_source_vcenter_password": "source-secret",
    "longdistance_controller_destination_vcenter_password": "destination-secret",
}

# AWX's managed credential types used here (awx/main/models/credential/__init__.py): their input fields, and what a
# job gets from them (awx/main/tasks/jobs.py build_args/build_passwords, awx/main/models/credential/injectors.py).
BUILTIN_CREDENTIAL_TYPES = {
    "Machine": {
        "fields": ["username", "password", "ssh_key_data", "ssh_public_key_data", "ssh_key_unlock", "become_method",
                   "become_username", "become_password"],
        "required": [],
    },
    "VMware vCenter": {"fields": ["host", "username", "password"], "required": ["host", "username", "password"]},
}
# AWX survey question types (awx/api/views/__init__.py JobTemplateSurveySpec) and the Python type of the answer a
# launch passes on as an extra variable.
SURVEY_TYPES = {"text": str, "textarea": str, "password": str, "multiplechoice": str, "multiselect": list, "integer": int,
                "float": float}


def _ansible_paths():
    if AWX_COLLECTIONS not in sys.path:
        sys.path.append(AWX_COLLECTIONS)


def load_yaml(path: str, trusted: bool = True):
    """A YAML file as Ansible loads it (templates trusted, as in vars files and playbooks; !unsafe kept literal)."""
    from ansible.parsing.dataloader import DataLoader

    return DataLoader().load_from_file(path, trusted_as_template=trusted)


def config_files() -> list[str]:
    return sorted(glob.glob(os.path.join(CONFIG_DIR, "*.yml")))


def config_vars(extra: dict | None = None) -> dict:
    """Every variable of extensions/controller/*.yml (what include_vars loads) plus the secrets."""
    variables: dict = {}
    for path in config_files():
        variables.update(load_yaml(path) or {})
    variables.update(SECRETS)
    variables.update(extra or {})
    return variables


def render(value, variables: dict):
    """Templates ``value`` the way a task argument is templated (omitted values dropped)."""
    from ansible.parsing.dataloader import DataLoader
    from ansible.template import Templar

    return Templar(loader=DataLoader(), variables=variables).template(value)


def plain(value):
    """Tagged Ansible values -> plain Python (str, int, dict, list)."""
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    if isinstance(value, bool) or value is None:
        return value
    for kind in (int, float, str):
        if isinstance(value, kind):
            return kind(value)
    return value


def setup_tasks() -> list[dict]:
    """The tasks of controller_setup.yml that call awx.awx modules: module name, args, loop variable name."""
    play = load_yaml(SETUP_PLAYBOOK)[0]
    tasks = []
    for task in play["tasks"]:
        module = next((key for key in task if key.startswith("awx.awx.")), None)
        if module:
            loop = re.fullmatch(r"\{\{\s*(\w+)\s*\}\}", str(task["loop"]).strip())
            tasks.append({"name": task["name"], "module": module.split(".")[-1], "args": task[module], "loop_var": loop.group(1)})
    return tasks


def rendered_calls() -> list[tuple[str, dict, dict]]:
    """(module, object as written, module arguments as controller_setup.yml passes them) for every object."""
    variables = config_vars()
    calls = []
    for task in setup_tasks():
        for item in render(variables[task["loop_var"]], variables):
            args = render(task["args"], dict(variables, item=item))
            calls.append((task["module"], plain(item), plain(args)))
    return calls


class _Captured(Exception):
    def __init__(self, argument_spec, kwargs):
        super().__init__("argument spec captured")
        self.argument_spec = argument_spec
        self.kwargs = kwargs


def awx_argument_spec(module: str) -> tuple[dict, dict]:
    """(full argument spec, AnsibleModule keyword arguments) of awx.awx.<module>, taken from the module's own main()."""
    _ansible_paths()
    import importlib

    api = importlib.import_module("ansible_collections.awx.awx.plugins.module_utils.controller_api")
    code = importlib.import_module(f"ansible_collections.awx.awx.plugins.modules.{module}")
    original = api.ControllerAPIModule.__init__

    def capture(self, argument_spec, direct_params=None, error_callback=None, warn_callback=None, **kwargs):
        raise _Captured(argument_spec, kwargs)

    api.ControllerAPIModule.__init__ = capture
    try:
        code.main()
    except _Captured as captured:
        spec = dict(api.ControllerModule.AUTH_ARGSPEC)
        spec.update(captured.argument_spec)
        return spec, captured.kwargs
    finally:
        api.ControllerAPIModule.__init__ = original
    raise AssertionError(f"awx.awx.{module} did not build its module object")


def validate_arguments(module: str, params: dict) -> list[str]:
    """AnsibleModule's own checks (names, aliases, types, choices, required, mutually exclusive) of ``params``."""
    from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

    spec, kwargs = awx_argument_spec(module)
    rules = ("mutually_exclusive", "required_together", "required_one_of", "required_if", "required_by")
    validator = ArgumentSpecValidator(spec, **{key: kwargs[key] for key in rules if key in kwargs})
    return [str(error) for error in validator.validate(params).errors]


def survey_errors(survey: dict) -> list[str]:
    """AWX's survey spec checks (awx/api/views/__init__.py JobTemplateSurveySpec._validate_spec_data)."""
    errors = []
    for key in ("name", "description", "spec"):
        if key not in survey:
            errors.append(f"survey has no '{key}'")
    if not isinstance(survey.get("spec"), list) or not survey.get("spec"):
        return errors + ["'spec' must be a non-empty list"]
    seen = set()
    for index, question in enumerate(survey["spec"]):
        where = f"question {index + 1} ({question.get('variable')})"
        for key in ("question_name", "variable", "type", "required"):
            if key not in question:
                errors.append(f"{where}: '{key}' missing")
        if question.get("variable") in seen:
            errors.append(f"{where}: variable used twice")
        seen.add(question.get("variable"))
        kind = question.get("type")
        if kind not in SURVEY_TYPES:
            errors.append(f"{where}: type {kind!r} is not one of {sorted(SURVEY_TYPES)}")
            continue
        if not isinstance(question.get("required"), bool):
            errors.append(f"{where}: 'required' must be a boolean")
        choices = question.get("choices")
        if kind in ("multiplechoice", "multiselect"):
            choice_list = choices.split("\n") if isinstance(choices, str) else choices
            if not isinstance(choice_list, list) or not choice_list or not all(isinstance(c, str) for c in choice_list):
                errors.append(f"{where}: 'choices' must be a list of strings")
                continue
            default = question.get("default")
            if default not in (None, ""):
                defaults = default.split("\n") if kind == "multiselect" else [default]
                if not all(value in choice_list for value in defaults):
                    errors.append(f"{where}: default {default!r} is not among the choices {choice_list}")
        if kind in ("integer", "float"):
            for key in ("min", "max", "default"):
                if key in question and not isinstance(question[key], (int, float) if kind == "float" else int):
                    errors.append(f"{where}: '{key}' must be a number")
            if "default" in question and not question.get("min", float("-inf")) <= question["default"] <= question.get("max", float("inf")):
                errors.append(f"{where}: default {question['default']} outside min/max")
        if kind in ("text", "textarea", "password") and "default" in question and not isinstance(question["default"], str):
            errors.append(f"{where}: default must be a string")
    return errors


def survey_answers(survey: dict, answers: dict) -> dict:
    """The extra variables a launch with these survey answers passes to the job: AWX keeps an integer an int, a float a
    float, text a string and a multiple select a list; an unanswered optional question with a default gets the default
    (awx/main/models/mixins.py SurveyJobTemplateMixin._update_unified_job_kwargs)."""
    extra_vars = {}
    for question in survey["spec"]:
        name = question["variable"]
        if name in answers:
            value = answers[name]
        elif question.get("default") not in (None, ""):
            value = question["default"]
            if question["type"] == "multiselect":
                value = value.split("\n")
        else:
            continue
        expected = SURVEY_TYPES[question["type"]]
        assert isinstance(value, expected) and not isinstance(value, bool), f"survey answer {name}={value!r} is not a {expected.__name__}"
        extra_vars[name] = value
    return extra_vars


def inject(credential_type: dict, inputs: dict) -> tuple[dict, dict]:
    """(env, extra_vars) a custom credential type injects for a credential with these inputs (AWX renders each
    injector template with the credential's inputs, missing ones as empty strings)."""
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    environment = ImmutableSandboxedEnvironment()
    fields = {field["id"]: inputs.get(field["id"], field.get("default", "")) for field in credential_type["inputs"]["fields"]}
    injectors = credential_type.get("injectors", {})
    env = {name: environment.from_string(str(template)).render(**fields) for name, template in injectors.get("env", {}).items()}
    extra_vars = {name: environment.from_string(str(template)).render(**fields) for name, template in injectors.get("extra_vars", {}).items()}
    return env, extra_vars
