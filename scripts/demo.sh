#!/usr/bin/env bash
# The lab demo (`make demo`, which first runs scripts/bootstrap.sh and builds the vCenter simulator):
#   1. start a fresh set of simulators in a private state directory (a running `make sims` set is left alone);
#   2. playbooks/site.yml -i inventories/lab: both sites set up as in F5's deployment guide;
#   3. playbooks/site.yml again: the recap must show no change (idempotence), else the demo fails;
#   4. playbooks/migrate.yml (its preflight checks first): web-01..web-04 move to the secondary data center,
#      two at a time, GTM cutting over once half of them are there and sending all traffic there at the end;
#      then web-05 moves onto the stretched datastore stretched-ds1 (docs/lab.md): storage first (Storage vMotion
#      inside the primary vCenter), then memory (vMotion to the secondary vCenter), as in the guide's Appendix B;
#   5. a simulated reboot of the secondary BIG-IP (after it discovered a third endpoint): playbooks/check_routing.yml
#      must detect the disabled iSession routing (non-zero exit), -e fix=true re-enables it, a last check is clean;
#   6. print where the migration report is; the simulators stop on exit (DEMO_KEEP_SIMS=1 leaves them running).
# Extra arguments go to every ansible-playbook call (e.g. -v). DEMO_TIME_SCALE (default 400) divides the
# simulated WAN transfer times.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

INVENTORY=inventories/lab
PLAYBOOKS=(site preflight migrate check_routing)  # migrate.yml imports preflight.yml
DEMO_VMS='["web-01", "web-02", "web-03", "web-04"]'
REPORT_DIR="$ROOT/reports"

for playbook in "${PLAYBOOKS[@]}"; do
    [ -f "playbooks/$playbook.yml" ] || die "playbooks/$playbook.yml is missing"
done
[ -e "$INVENTORY" ] || die "$INVENTORY is missing"

LDV_SIMS_DIR="$(mktemp -d "${TMPDIR:-/tmp}/ldv-demo.XXXXXX")"
export LDV_SIMS_DIR ANSIBLE_FORCE_COLOR="${ANSIBLE_FORCE_COLOR:-true}"
output="$(mktemp)"
cleanup() {
    if [ -n "${DEMO_KEEP_SIMS:-}" ]; then
        log "simulators left running: python tests/simulators/sims.py status --dir $LDV_SIMS_DIR (stop with: stop --dir ...)"
    else
        python tests/simulators/sims.py stop --dir "$LDV_SIMS_DIR" >/dev/null || true
        rm -rf "$LDV_SIMS_DIR"
    fi
    rm -f "$output"
}
trap cleanup EXIT
step() {
    printf '\n==== %s\n' "$*" >&2
}

step "1. starting fresh lab simulators ($LDV_SIMS_DIR)"
python tests/simulators/sims.py start --dir "$LDV_SIMS_DIR" --time-scale "${DEMO_TIME_SCALE:-400}"

# Runs a playbook with its output on the terminal and in $output; returns the playbook's exit code.
play() {
    local playbook="$1"
    shift
    log "ansible-playbook playbooks/$playbook.yml -i $INVENTORY $*"
    ansible-playbook "playbooks/$playbook.yml" -i "$INVENTORY" "$@" 2>&1 | tee "$output"
    return "${PIPESTATUS[0]}"
}

# Fails when any host in the PLAY RECAP of the last output reports changed > 0.
assert_unchanged() {
    local what="$1" recap
    recap="$(sed -e 's/\x1b\[[0-9;]*m//g' "$output" | sed -n '/^PLAY RECAP/,$p')"
    [ -n "$recap" ] || die "$what: no PLAY RECAP in the output"
    if grep -E ': ok=[0-9]+ +changed=[1-9]' <<<"$recap"; then
        die "$what changed the hosts above: it is not idempotent"
    fi
    log "$what: no change on any host"
}

# POST to a simulated BIG-IP's admin API (test hooks of tests/simulators/bigip).
bigip_admin() {
    local site="$1" route="$2" body="$3"
    python - "$LDV_SIMS_DIR/endpoints.json" "$site" "$route" "$body" <<'EOF'
import json
import sys

import requests

endpoints_path, site, route, body = sys.argv[1:]
with open(endpoints_path, encoding="utf-8") as handle:
    endpoints = json.load(handle)
device = endpoints["bigip"][site]
response = requests.post(f"{device['admin_url']}/{route}", json=json.loads(body), auth=(device["user"], device["password"]),
                         verify=endpoints["ca_cert"], timeout=30)
response.raise_for_status()
print(f"bigip-{site} {route}: {response.text.strip()}")
EOF
}

step "2. site set-up"
play site "$@"

step "3. site set-up again: must change nothing"
play site "$@"
assert_unchanged "second run of playbooks/site.yml"

step "4. preflight and group migration (GTM cut-over at 50 %)"
play migrate -e "{\"vms\": $DEMO_VMS, \"from_site\": \"primary\", \"to_site\": \"secondary\"}" \
    -e concurrency=2 -e threshold=50 -e poll_interval=2 -e "report_dir=$REPORT_DIR" "$@"
report="$(find "$REPORT_DIR" -name 'migration-*.md' -newer "$LDV_SIMS_DIR/endpoints.json" -printf '%T@ %p\n' | sort -n | tail -1 | cut -d' ' -f2-)"
[ -n "$report" ] || die "migrate.yml wrote no report in $REPORT_DIR"

step "4b. storage first, then memory across vCenters: web-05 over the stretched datastore"
play migrate -e vm=web-05 -e from_site=primary -e to_site=secondary -e migrate_target_datastore=stretched-ds1 \
    -e poll_interval=2 -e "report_dir=$REPORT_DIR" "$@"
stretched_report="$(find "$REPORT_DIR" -name 'migration-*.json' -newer "$report" -printf '%T@ %p\n' | sort -n | tail -1 | cut -d' ' -f2-)"
[ -n "$stretched_report" ] || die "migrate.yml wrote no report for web-05 in $REPORT_DIR"
python - "$stretched_report" <<'EOF'
import json
import sys

with open(sys.argv[1], encoding="utf-8") as handle:
    vm = {entry["name"]: entry for entry in json.load(handle)["vms"]}["web-05"]
phases = [(step["phase"], step["state"]) for step in vm["timeline"]]
where = (vm["placement"]["datacenter"], vm["placement"]["datastores"])
if vm["status"] != "done" or vm["strategy"] != "storage_first" or phases != [("storage", "success"), ("compute", "success")] \
        or where != ("Secondary", ["stretched-ds1"]):
    sys.exit(f"web-05 did not move storage first, then memory: status {vm['status']}, strategy {vm['strategy']} ({vm['reason']}), "
             f"phases {phases}, now in {where}")
print(f"web-05: storage then compute across vCenters, now in {where[0]} on {where[1][0]}")
EOF

step "5. a reboot of the secondary BIG-IP disables iSession routing on a discovered endpoint"
bigip_admin secondary discover '{"address": "10.133.59.236"}'
bigip_admin secondary reboot '{}'
if play check_routing "$@"; then
    die "check_routing.yml passed after the reboot: it did not detect the disabled iSession routing"
fi
log "check_routing.yml detected the drift (non-zero exit, as expected)"
play check_routing -e fix=true "$@"
play check_routing "$@"

step "6. done"
log "sites configured (second run unchanged), preflight passed, web-01..web-04 migrated with GTM following,"
log "web-05 migrated storage first, then memory, over the stretched datastore stretched-ds1 ($stretched_report),"
log "iSession routing drift detected and fixed"
log "migration report: $report (JSON next to it)"
