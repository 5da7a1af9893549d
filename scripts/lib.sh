# shellcheck shell=bash
# Sourced by the other scripts: repository paths and the environment every tool needs.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# LDV_VENV: another virtual environment's tools first on PATH (scripts/compat.sh: .venv-2.20, .venv-2.21).
VENV="${LDV_VENV:-$ROOT/.venv}"
# A directory holding ansible_collections/longdistance/vmotion -> the repository (made by bootstrap.sh).
COLLECTIONS_DIR="$ROOT/.venv/collections"
export PATH="$VENV/bin:$PATH"
export ANSIBLE_COLLECTIONS_PATH="$COLLECTIONS_DIR"

log() {
    printf '%s: %s\n' "$(basename "$0")" "$*" >&2
}

die() {
    log "error: $*"
    exit 1
}
