#!/usr/bin/env bash
# Builds one pinned tool from hack/tools/go.mod into the given path, unless
# that path already exists. The control plane takes minutes to build cold;
# the output is keyed by version, so it is built once per machine.
set -euo pipefail
pkg=$1 out=$2
ldflags=${3:-}
if [[ -x $out ]]; then exit 0; fi
root=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$(dirname "$out")"
start=$(date +%s)
echo ">> building $(basename "$out") from $pkg (first time on this machine; this can take several minutes)" >&2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$root/hack/tools" && go build -trimpath -ldflags "$ldflags" -o "$tmp/tool" "$pkg")
mv "$tmp/tool" "$out"
echo ">> built $out in $(( $(date +%s) - start ))s" >&2
