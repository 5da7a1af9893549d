"""Offline stand-in for ansible-test's pip bootstrap script (``get-pip-<version>.py``).

ansible-test creates each sanity/units virtual environment without pip, then runs
``~/.ansible/test/cache/get_pip_<version>.py`` (normally downloaded from a non-PyPI host) inside it.
``scripts/bootstrap.sh`` copies this file there under that name (one per pip version the installed
ansible-test releases use: 24.2 for ansible-core 2.19, 25.2 for 2.20 and 2.21) next to
``pip-<version>-py3-none-any.whl`` fetched from PyPI; this script runs pip straight from that wheel and installs pip from the same wheel
file (no index lookup for pip itself). The arguments are the ones get-pip accepts: pip options
and requirements, plus ``--no-setuptools`` / ``--no-wheel``, which only tell get-pip not to add
those packages.
"""
import os
import sys

GET_PIP_ONLY_FLAGS = ("--no-setuptools", "--no-wheel")


def pip_wheel(cache_dir: str, version: str) -> str:
    wheel = os.path.join(cache_dir, f"pip-{version}-py3-none-any.whl")
    if not os.path.isfile(wheel):
        sys.exit(f"get_pip stand-in: {wheel} is missing; run scripts/bootstrap.sh")
    return wheel


def main() -> None:
    cache_dir = os.path.dirname(os.path.abspath(__file__))
    version = os.path.splitext(os.path.basename(__file__))[0].removeprefix("get_pip_").replace("_", ".")
    wheel = pip_wheel(cache_dir, version)
    sys.path.insert(0, wheel)
    from pip._internal.cli.main import main as pip_main  # pylint: disable=import-outside-toplevel

    args = [wheel if arg == f"pip=={version}" else arg for arg in sys.argv[1:] if arg not in GET_PIP_ONLY_FLAGS]
    sys.exit(pip_main(["install", "--upgrade", "--force-reinstall", *args]))


if __name__ == "__main__":
    main()
