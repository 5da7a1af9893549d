#!/usr/bin/env bash
# Build context of the execution environment (extensions/ee/execution-environment.yml, ansible-builder v3):
# the collection tarball from this repository next to a copy of the definition, then `ansible-builder create`.
# Writes into ${1:-build/ee}: collection/, execution-environment.yml, requirements.yml, context/ (Containerfile).
# Building the image needs podman or docker:  podman build -t <image of options.tags> build/ee/context
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
out="${1:-build/ee}"
rm -rf "$out"
mkdir -p "$out/collection"
cp extensions/ee/execution-environment.yml extensions/ee/requirements.yml "$out/"
ansible-galaxy collection build . --output-path "$out/collection" >/dev/null
ansible-builder create -f "$out/execution-environment.yml" -c "$out/context" --output-filename Containerfile -v 1
log "build context in $out/context; build the image with: podman build -t $(sed -n 's/^    - \(.*:.*\)$/\1/p' extensions/ee/execution-environment.yml | tail -1) $out/context"
