#!/usr/bin/env bash
# Sanity, unit and integration tests (tests/unit, tests/integration; not the fault matrix nor the simulators' own
# tests, which do not depend on the ansible-core release) on the other ansible-core releases meta/runtime.yml admits
# (the full suite runs on requirements-test.txt's release): .venv-2.20 (Python 3.12) and .venv-2.21 (Python 3.13),
# made by bootstrap.sh. The two versions run side by side (one per core), each sanity then the tests; logs in $COMPAT_LOGS (default a temp dir),
# printed for a version that fails. Arguments: versions to run (default: both), e.g. scripts/compat.sh 2.21
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

versions=("$@")
[ "${#versions[@]}" -gt 0 ] || versions=(2.20 2.21)
logs="${COMPAT_LOGS:-$(mktemp -d "${TMPDIR:-/tmp}/ldv-compat.XXXXXX")}"
mkdir -p "$logs"

run_version() {
    local version="$1" venv="$ROOT/.venv-$1" python
    [ -x "$venv/bin/python" ] || die "$venv is missing: run scripts/bootstrap.sh"
    python="$("$venv/bin/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
    # The venv's ansible-test, ansible-playbook and python first; pytest's tests find the repository's awx.awx copy.
    LDV_VENV="$venv" LDV_SANITY_PYTHON="$python" scripts/sanity.sh &&
        PATH="$venv/bin:$PATH" "$venv/bin/pytest" tests/unit tests/integration -q -p no:cacheprovider
}

declare -A pids
for version in "${versions[@]}"; do
    log "ansible-core $version: sanity, unit and integration tests (log: $logs/$version.log)"
    run_version "$version" >"$logs/$version.log" 2>&1 &
    pids[$version]=$!
done

failed=()
for version in "${versions[@]}"; do
    if wait "${pids[$version]}"; then
        log "ansible-core $version: passed ($(tail -1 "$logs/$version.log"))"
    else
        failed+=("$version")
        log "ansible-core $version: FAILED; last lines of $logs/$version.log:"
        tail -60 "$logs/$version.log" >&2
    fi
done
[ "${#failed[@]}" -eq 0 ] || die "failed on ansible-core ${failed[*]}"
