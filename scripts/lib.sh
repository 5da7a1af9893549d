# shellcheck shell=bash
# Sourced by the other scripts: repository paths and the environment every tool needs.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
# A directory holding ansible_collections/longdistance/vmotion -> the repository (made by bootstrap.sh).
COLLECTIONS_DIR="$VENV/collections"
export PATH="$VENV/bin:$PATH"
export ANSIBLE_COLLECTIONS_PATH="$COLLECTIONS_DIR"

log() {
    printf '%s: %s\n' "$(basename "$0")" "$*" >&2
}

die() {
    log "error: $*"
    exit 1
}
