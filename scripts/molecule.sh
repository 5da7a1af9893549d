#!/usr/bin/env bash
# molecule test --all from the collection root. The scenarios start and stop the lab simulators
# themselves (tests/simulators/sims.py, in LDV_SIMS_DIR). Each run gets its own ANSIBLE_HOME (molecule
# state, no stale collection copy) and its own LDV_SIMS_DIR, so a lab started with `make sims` in
# .sims is left alone; whatever a failed scenario left running is stopped on exit.
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

work="$(mktemp -d "${TMPDIR:-/tmp}/ldv-molecule.XXXXXX")"
export ANSIBLE_HOME="$work/ansible" LDV_SIMS_DIR="$work/sims" NO_COLOR=1
cleanup() {
    python tests/simulators/sims.py stop --dir "$LDV_SIMS_DIR" >/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
molecule test --all "$@"
