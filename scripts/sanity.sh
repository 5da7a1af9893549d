#!/usr/bin/env bash
# ansible-test sanity over the working tree (tracked + untracked, not ignored), without Docker.
# ansible-test only runs inside .../ansible_collections/<namespace>/<name>/, so the tree is copied
# to such a directory under a temporary root first. Extra arguments go to ansible-test.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

work="$(mktemp -d "${TMPDIR:-/tmp}/ldv-sanity.XXXXXX")"
trap 'rm -rf "$work"' EXIT
dest="$work/ansible_collections/longdistance/vmotion"
mkdir -p "$dest"

cd "$ROOT"
# git lists deleted-but-tracked files too; copy only what exists.
git ls-files -z -co --exclude-standard |
    while IFS= read -r -d '' path; do
        if [ -e "$path" ] || [ -L "$path" ]; then printf '%s\0' "$path"; fi
    done |
    tar --null -T - -cf - | tar -xf - -C "$dest"

cd "$dest"
# LDV_SANITY_PYTHON: scripts/compat.sh runs it with another venv's ansible-test and Python.
ansible-test sanity --python "${LDV_SANITY_PYTHON:-3.11}" --color no "$@"
