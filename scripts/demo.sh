#!/usr/bin/env bash
# The lab demo (`make demo`) against the embedded simulators (docs/lab.md):
#   1. start the simulators (tests/simulators/sims.py, .sims/) unless they are running;
#   2. playbooks/site.yml -i inventories/lab: both sites set up as F5's deployment guide describes;
#   3. playbooks/site.yml again: must change nothing;
#   4. playbooks/migrate.yml (preflight checks, then DEMO_VMS, default web-01,web-02, from the primary
#      to the secondary data center with GTM following), then again: must move and change nothing;
#   5. playbooks/check_routing.yml: iSession routing enabled on every remote endpoint;
#   6. stop the simulators it started (DEMO_KEEP_SIMS=1 leaves them running to explore).
# Extra arguments go to every ansible-playbook call (e.g. -v).
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

INVENTORY=inventories/lab
DEMO_VMS="${DEMO_VMS:-web-01,web-02}"

for playbook in site migrate check_routing; do
    [ -f "playbooks/$playbook.yml" ] || die "playbooks/$playbook.yml is missing"
done
[ -e "$INVENTORY" ] || die "$INVENTORY is missing"

output="$(mktemp)"
cleanup() {
    rm -f "$output"
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
    ansible-playbook "playbooks/$playbook.yml" -i "$INVENTORY" "$@" | tee "$output"
}

# Fails when a host in the PLAY RECAP of the last play() reports changed > 0.
assert_unchanged() {
    if grep -E '^[^ ].*: ok=[0-9]+ +changed=[1-9]' "$output"; then
        die "the second run of $1 changed the hosts above: it is not idempotent"
    fi
}

migration=(-e "vms=$DEMO_VMS" -e from_site=primary -e to_site=secondary)
play site "$@"
play site "$@"
assert_unchanged playbooks/site.yml
play migrate "${migration[@]}" "$@"
play migrate "${migration[@]}" "$@"
assert_unchanged playbooks/migrate.yml
play check_routing "$@"
log "done: both sites configured (second run unchanged), $DEMO_VMS migrated to the secondary site" \
    "(second run unchanged), iSession routing checked"
