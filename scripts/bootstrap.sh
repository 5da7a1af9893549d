#!/usr/bin/env bash
# Install everything `make test` and `make demo` need; idempotent and quick once done.
#   1. Debian packages: Go toolchain and govmomi source (vCenter simulator), shellcheck, python venv support.
#   2. .venv from requirements-test.txt, reinstalled only when the requirements change.
#   3. .venv/collections/ansible_collections/longdistance/vmotion -> the repository.
#   4. ansible-test's pip bootstrap seeded in ~/.ansible/test/cache (its usual download host is unreachable).
#   4b. .venv-2.20 (Python 3.12) and .venv-2.21 (Python 3.13) with those ansible-core releases, for the sanity and
#       unit tests on every ansible-core version meta/runtime.yml admits (scripts/compat.sh).
#   5. the collections taken from the `ansible` package on PyPI (Galaxy is unreachable) into .venv/collections:
#      ansible.netcommon (the httpapi connection of the BIG-IP hosts, galaxy.yml dependency) with the
#      ansible.utils it needs, and awx.awx (playbooks/controller_setup.yml; ansible-lint resolves its
#      module_defaults group).
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
[ -z "${LDV_VENV:-}" ] || die "bootstrap.sh installs .venv: unset LDV_VENV"

# Without the shellcheck package, ansible-test skips its shellcheck sanity test with only a warning.
APT_PACKAGES=(golang-go golang-github-vmware-govmomi-dev shellcheck)
ANSIBLE_TEST_CACHE="$HOME/.ansible/test/cache"
REQUIREMENTS_STAMP="$VENV/.requirements.sha256"
COLLECTIONS_SOURCE=ansible==12.3.0  # carries ansible.netcommon, ansible.utils and awx.awx 24.6.1
BUNDLED_COLLECTIONS=(ansible/netcommon ansible/utils awx/awx)
# ansible-core releases tested besides requirements-test.txt's, with the Python each runs on (scripts/compat.sh).
COMPAT_VERSIONS=("2.20.10:3.12" "2.21.5:3.13")

as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    else
        sudo "$@"
    fi
}

missing_debs() {
    local pkg
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || echo "$pkg"
    done
}

python_cmd() {
    if command -v python3.11 >/dev/null; then
        echo python3.11
    else
        echo python3
    fi
}

install_debs() {
    local python missing
    python="$(python_cmd)"
    # Debian's own python3.x needs python3.x-venv for `-m venv`; other builds ship ensurepip.
    local wanted=("${APT_PACKAGES[@]}")
    if ! "$python" -c 'import ensurepip' 2>/dev/null; then
        wanted+=("$("$python" -c 'import sys; print("python%d.%d-venv" % sys.version_info[:2])')")
    fi
    mapfile -t missing < <(missing_debs "${wanted[@]}")
    [ "${#missing[@]}" -eq 0 ] && return
    log "installing Debian packages: ${missing[*]}"
    as_root apt-get update -q
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
}

requirements_hash() {
    cat "$ROOT/requirements.txt" "$ROOT/requirements-test.txt" | sha256sum | cut -d' ' -f1
}

install_venv() {
    if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c '' 2>/dev/null; then
        log "creating $VENV"
        rm -rf "$VENV"
        "$(python_cmd)" -m venv "$VENV"
    fi
    local want
    want="$(requirements_hash)"
    if [ "$(cat "$REQUIREMENTS_STAMP" 2>/dev/null)" != "$want" ]; then
        log "installing requirements-test.txt into $VENV"
        "$VENV/bin/pip" install -q -r "$ROOT/requirements-test.txt"
        echo "$want" >"$REQUIREMENTS_STAMP"
    fi
}

link_collection() {
    local link="$COLLECTIONS_DIR/ansible_collections/longdistance/vmotion"
    [ "$(readlink "$link" 2>/dev/null)" = "../../../.." ] && return
    mkdir -p "$(dirname "$link")"
    ln -sfn ../../../.. "$link"
}

ansible_test_pip_version() {
    local venv="$1" source
    source="$("$venv/bin/python" -c 'import ansible_test, os; print(os.path.dirname(ansible_test.__file__))')"
    sed -n "s/^ *pip='\([0-9.]*\)',\$/\1/p" "$source/_internal/python_requirements.py"
}

# ansible-test runs ~/.ansible/test/cache/get_pip_<version>.py: scripts/get_pip.py stands in for it, with the pip wheel.
seed_ansible_test() {
    local venv="$1" version
    version="$(ansible_test_pip_version "$venv")"
    [ -n "$version" ] || die "cannot tell which pip ansible-test in $venv bootstraps"
    local wheel="$ANSIBLE_TEST_CACHE/pip-$version-py3-none-any.whl"
    local script="$ANSIBLE_TEST_CACHE/get_pip_${version//./_}.py"
    if [ ! -f "$wheel" ]; then
        log "downloading pip $version for ansible-test into $ANSIBLE_TEST_CACHE"
        "$VENV/bin/pip" download -q "pip==$version" --no-deps -d "$ANSIBLE_TEST_CACHE"
    fi
    cmp -s "$ROOT/scripts/get_pip.py" "$script" || cp "$ROOT/scripts/get_pip.py" "$script"
}

# A python3.X that runs: on PATH (not a pyenv shim that refuses), else pyenv's or the system's.
find_python() {
    local minor="$1" candidate
    for candidate in "$(command -v "python$minor" 2>/dev/null)" "${PYENV_ROOT:-$HOME/.pyenv}"/versions/"$minor".*/bin/"python$minor" \
        /usr/local/bin/"python$minor" /usr/bin/"python$minor"; do
        if [ -n "$candidate" ] && [ -x "$candidate" ] && "$candidate" -c 'import venv' 2>/dev/null; then
            echo "$candidate"
            return
        fi
    done
    return 1
}

# requirements-test.txt without the tools only the main venv runs (lint, molecule) and with another ansible-core.
compat_requirements() {
    local core="$1"
    grep -v -E '^(ansible-core|molecule|ansible-lint)==' "$ROOT/requirements-test.txt" | sed "s|^-r requirements.txt|-r $ROOT/requirements.txt|"
    echo "ansible-core==$core"
}

install_compat_venvs() {
    local entry core minor venv python want
    for entry in "${COMPAT_VERSIONS[@]}"; do
        core="${entry%%:*}"
        minor="${entry##*:}"
        venv="$ROOT/.venv-${core%.*}"
        want="$( (compat_requirements "$core"; cat "$ROOT/requirements.txt") | sha256sum | cut -d' ' -f1)"
        if [ "$(cat "$venv/.requirements.sha256" 2>/dev/null)" != "$want" ] || ! "$venv/bin/python" -c '' 2>/dev/null; then
            python="$(find_python "$minor")" || die "Python $minor is needed for ansible-core $core (scripts/compat.sh) and was not found"
            log "creating $venv (Python $minor, ansible-core $core)"
            rm -rf "$venv"
            "$python" -m venv "$venv"
            "$venv/bin/pip" install -q -r <(compat_requirements "$core")
            echo "$want" >"$venv/.requirements.sha256"
        fi
        seed_ansible_test "$venv"
    done
}

install_bundled_collections() {
    local stamp="$COLLECTIONS_DIR/.bundled-from"
    local want="$COLLECTIONS_SOURCE ${BUNDLED_COLLECTIONS[*]}"
    [ "$(cat "$stamp" 2>/dev/null)" = "$want" ] && return
    log "installing ${BUNDLED_COLLECTIONS[*]} from $COLLECTIONS_SOURCE into $COLLECTIONS_DIR"
    local download name
    download="$(mktemp -d)"
    "$VENV/bin/pip" download -q "$COLLECTIONS_SOURCE" --no-deps --only-binary :all: -d "$download"
    for name in "${BUNDLED_COLLECTIONS[@]}"; do
        rm -rf "${COLLECTIONS_DIR:?}/ansible_collections/$name"
    done
    "$VENV/bin/python" - "$download"/*.whl "$COLLECTIONS_DIR" "${BUNDLED_COLLECTIONS[@]}" <<'EOF'
import sys
import zipfile

wheel, destination, *names = sys.argv[1:]
with zipfile.ZipFile(wheel) as archive:
    for name in names:
        members = [member for member in archive.namelist() if member.startswith(f"ansible_collections/{name}/")]
        if not members:
            sys.exit(f"{wheel} has no ansible_collections/{name}")
        archive.extractall(destination, members)
EOF
    rm -rf "$download"
    rm -f "$COLLECTIONS_DIR/.awx.awx-from"
    echo "$want" >"$stamp"
}

install_debs
install_venv
link_collection
seed_ansible_test "$VENV"
install_compat_venvs
install_bundled_collections
