#!/usr/bin/env bash
# Build tests/simulators/vcenter/vcsim-ld from the Debian packages golang-go and
# golang-github-vmware-govmomi-dev (GOPATH mode, never downloads modules).
# Skips the build when the binary is newer than every .go source (and this script).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
bin="$here/vcsim-ld"

if ! command -v go >/dev/null 2>&1; then
    echo "build.sh: 'go' not found; install the Debian packages golang-go and golang-github-vmware-govmomi-dev" >&2
    exit 2
fi
gopath=/usr/share/gocode
if [ ! -d "$gopath/src/github.com/vmware/govmomi/simulator" ]; then
    echo "build.sh: govmomi sources missing under $gopath; install golang-github-vmware-govmomi-dev" >&2
    exit 2
fi

if [ -x "$bin" ] && [ -z "$(find "$here" -maxdepth 1 \( -name '*.go' -o -name build.sh \) -newer "$bin" -print -quit)" ]; then
    exit 0
fi

if [ -d "$repo/.venv" ]; then
    cache="$repo/.venv/cache/go-build"
else
    cache="${XDG_CACHE_HOME:-$HOME/.cache}/go-build"
fi
mkdir -p "$cache"
cd "$here"
GO111MODULE=off GOPATH="$gopath" GOCACHE="$cache" go build -o "$bin.tmp" . 2>&1 || { rm -f "$bin.tmp"; exit 1; }
mv "$bin.tmp" "$bin"
echo "build.sh: built $bin"
