#!/usr/bin/env bash
# molecule test --all from the collection root, against the simulators (started here when not running).
# Each run gets its own ANSIBLE_HOME, so no collection copy or scenario state leaks between runs.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

shopt -s nullglob
scenarios=(extensions/molecule/*/molecule.yml)
if [ "${#scenarios[@]}" -eq 0 ]; then
    log "no molecule scenario under extensions/molecule yet: nothing to run"
    exit 0
fi

ANSIBLE_HOME="$(mktemp -d "${TMPDIR:-/tmp}/ldv-molecule.XXXXXX")"
export ANSIBLE_HOME NO_COLOR=1
cleanup() {
    if [ -n "${started_sims:-}" ]; then python tests/simulators/sims.py stop; fi
    rm -rf "$ANSIBLE_HOME"
}
trap cleanup EXIT
if ! python tests/simulators/sims.py status >/dev/null; then
    python tests/simulators/sims.py start
    started_sims=1
fi
molecule test --all "$@"
