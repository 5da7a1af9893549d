#!/usr/bin/env bash
# ansible-lint (production profile, offline; settings in .ansible-lint) over the collection.
# ansible-lint puts $ANSIBLE_HOME/collections ahead of ANSIBLE_COLLECTIONS_PATH; a fresh ANSIBLE_HOME
# keeps a stale installed copy of this collection (e.g. from a molecule prerun) from shadowing the repo.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
ANSIBLE_HOME="$(mktemp -d "${TMPDIR:-/tmp}/ldv-lint.XXXXXX")"
export ANSIBLE_HOME
trap 'rm -rf "$ANSIBLE_HOME"' EXIT
NO_COLOR=1 ansible-lint "$@"
