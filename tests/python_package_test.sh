#!/usr/bin/env bash
# The Python package as a user installs it: `pip install --no-build-isolation ./python` into a fresh
# virtual environment made with --system-site-packages (Debian's python3-torch, numpy and msgpack;
# Debian's setuptools builds it, no package index needed), then the recorder's tests run there
# against the installed package (tests/python_recorder_test.py). Skipped (77) without python3-torch.
# Usage: python_package_test.sh path/to/epochscope scratch-dir
set -euo pipefail
exe=$(readlink -f "$1")
tmp=$2
root=$(cd "$(dirname "$0")/.." && pwd)
/usr/bin/python3 -c "import torch" 2>/dev/null || { echo "skipped: python3-torch is not installed"; exit 77; }
rm -rf "$tmp" && mkdir -p "$tmp"
cp -r "$root/python" "$tmp/src"  # pip's build writes beside the sources: not into the checkout
/usr/bin/python3 -m venv --system-site-packages "$tmp/venv"
"$tmp/venv/bin/pip" install --quiet --no-build-isolation --no-index "$tmp/src"
cd "$tmp"
EPOCHSCOPE_INSTALLED=1 "$tmp/venv/bin/python" "$root/tests/python_recorder_test.py" "$exe"
# The example that trains an MLP on Debian's Fashion-MNIST files with the recorder, briefly.
if [[ -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ]]; then
  "$tmp/venv/bin/python" "$root/examples/fashion_mlp.py" --epochs 1 --limit 1000 --tracked 300 --out "$tmp/fashion.epochscope"
  "$exe" info --json "$tmp/fashion.epochscope" | "$tmp/venv/bin/python" -c '
import json, sys
j = json.load(sys.stdin)
assert list(j["layers"]) == ["fc1", "fc2", "logits", "output"], j["layers"]
assert len(j["frames"]) == 2 and j["finished"] and j["trajectory_snapshots"] == 5, j
print("fashion_mlp: layers", list(j["layers"]), "frames", len(j["frames"]))'
fi
