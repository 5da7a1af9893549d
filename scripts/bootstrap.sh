#!/usr/bin/env bash
# Install everything `make test` and `make demo` need; idempotent and quick once done.
#   1. Debian packages: Go toolchain and govmomi source (vCenter simulator), shellcheck, python venv support.
#   2. .venv from requirements-test.txt, reinstalled only when the requirements change.
#   3. .venv/collections/ansible_collections/longdistance/vmotion -> the repository.
#   4. ansible-test's pip bootstrap seeded in ~/.ansible/test/cache (its usual download host is unreachable).
#   5. the collections taken from the `ansible` package on PyPI (Galaxy is unreachable) into .venv/collections:
#      ansible.netcommon (the httpapi connection of the BIG-IP hosts, galaxy.yml dependency) with the
#      ansible.utils it needs, and awx.awx (playbooks/controller_setup.yml; ansible-lint resolves its
#      module_defaults group).
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# Without the shellcheck package, ansible-test skips its shellcheck sanity test with only a warning.
APT_PACKAGES=(golang-go golang-github-vmware-govmomi-dev shellcheck)
PIP_BOOTSTRAP_VERSION=24.2
ANSIBLE_TEST_CACHE="$HOME/.ansible/test/cache"
REQUIREMENTS_STAMP="$VENV/.requirements.sha256"
COLLECTIONS_SOURCE=ansible==12.3.0  # carries ansible.netcommon, ansible.utils and awx.awx 24.6.1
BUNDLED_COLLECTIONS=(ansible/netcommon ansible/utils awx/awx)

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
    local source
    source="$("$VENV/bin/python" -c 'import ansible_test, os; print(os.path.dirname(ansible_test.__file__))')"
    sed -n "s/^ *pip='\([0-9.]*\)',\$/\1/p" "$source/_internal/python_requirements.py"
}

seed_ansible_test() {
    local version
    version="$(ansible_test_pip_version)"
    [ "$version" = "$PIP_BOOTSTRAP_VERSION" ] ||
        die "ansible-test bootstraps pip '${version}', scripts/get_pip_${PIP_BOOTSTRAP_VERSION//./_}.py stands in for pip $PIP_BOOTSTRAP_VERSION"
    local wheel="$ANSIBLE_TEST_CACHE/pip-$PIP_BOOTSTRAP_VERSION-py3-none-any.whl"
    local script="get_pip_${PIP_BOOTSTRAP_VERSION//./_}.py"
    if [ ! -f "$wheel" ]; then
        log "downloading pip $PIP_BOOTSTRAP_VERSION for ansible-test into $ANSIBLE_TEST_CACHE"
        "$VENV/bin/pip" download -q "pip==$PIP_BOOTSTRAP_VERSION" --no-deps -d "$ANSIBLE_TEST_CACHE"
    fi
    cmp -s "$ROOT/scripts/$script" "$ANSIBLE_TEST_CACHE/$script" || cp "$ROOT/scripts/$script" "$ANSIBLE_TEST_CACHE/$script"
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
seed_ansible_test
install_bundled_collections
