#!/usr/bin/env bash
# The lab demo (`make demo`) against the embedded simulators:
#   1. start the simulators (tests/simulators/sims.py) unless they are running;
#   2. playbooks/site.yml -i inventories/lab: both sites set up as in F5's deployment guide;
#   3. playbooks/site.yml again: must report no change (idempotence);
#   4. playbooks/preflight.yml, playbooks/migrate.yml (a lab VM to the secondary data center),
#      playbooks/check_routing.yml;
#   5. stop the simulators it started (DEMO_KEEP_SIMS=1 leaves them running to explore).
# Extra arguments go to every ansible-playbook call (e.g. -v, -e name=value).
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

INVENTORY=inventories/lab
PLAYBOOKS=(site preflight migrate check_routing)

for playbook in "${PLAYBOOKS[@]}"; do
    [ -f "playbooks/$playbook.yml" ] || die "playbooks/$playbook.yml is missing"
done
[ -e "$INVENTORY" ] || die "$INVENTORY is missing"

cleanup() {
    if [ -n "${started_sims:-}" ] && [ -z "${DEMO_KEEP_SIMS:-}" ]; then python tests/simulators/sims.py stop; fi
}
trap cleanup EXIT
if ! python tests/simulators/sims.py status >/dev/null; then
    python tests/simulators/sims.py start
    started_sims=1
fi

play() {
    local playbook="$1"
    shift
    log "ansible-playbook playbooks/$playbook.yml -i $INVENTORY $*"
    ansible-playbook "playbooks/$playbook.yml" -i "$INVENTORY" "$@"
}

# Fails when any host in the PLAY RECAP of the output in $1 reports changed > 0.
assert_unchanged() {
    if grep -E '^[^ ].*: ok=[0-9]+ +changed=[1-9]' "$1"; then
        die "second run of playbooks/site.yml changed the hosts above: site set-up is not idempotent"
    fi
}

recap="$(mktemp)"
trap 'rm -f "$recap"; cleanup' EXIT
play site "$@"
play site "$@" | tee "$recap"
assert_unchanged "$recap"
play preflight "$@"
play migrate "$@"
play check_routing "$@"
log "demo finished: sites configured (second run unchanged), preflight passed, VM migrated, routing checked"
