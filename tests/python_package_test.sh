#!/usr/bin/env bash
# The Python package as a user installs it: `pip install --no-build-isolation ./python` into a fresh
# virtual environment made with --system-site-packages (Debian's python3-torch, numpy, msgpack and
# pytest; Debian's setuptools builds it, no package index needed), then the recorder's tests run
# there with pytest against the installed package (tests/python_recorder_test.py, with the program
# in EPOCHSCOPE_EXE), and the examples that use the recorder run briefly and open in the program.
# Skipped (77) without python3-torch or python3-pytest.
# Usage: python_package_test.sh path/to/epochscope scratch-dir
set -euo pipefail
exe=$(readlink -f "$1")
tmp=$2
root=$(cd "$(dirname "$0")/.." && pwd)
/usr/bin/python3 -c "import torch" 2>/dev/null || { echo "skipped: python3-torch is not installed"; exit 77; }
rm -rf "$tmp" && mkdir -p "$tmp"
cp -r "$root/python" "$tmp/src"  # pip's build writes beside the sources: not into the checkout
/usr/bin/python3 -m venv --system-site-packages "$tmp/venv"
"$tmp/venv/bin/python" -c "import pytest" 2>/dev/null || { echo "skipped: python3-pytest is not installed"; exit 77; }
"$tmp/venv/bin/pip" install --quiet --no-build-isolation --no-index "$tmp/src"
cd "$tmp"
export EPOCHSCOPE_EXE="$exe"
EPOCHSCOPE_INSTALLED=1 "$tmp/venv/bin/python" -m pytest -q -p no:cacheprovider "$root/tests/python_recorder_test.py"
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
# The colour CNN on its synthetic shapes, briefly: 600 images (450 training: 8 steps of 64, the
# optimizer hook records each), 200 tracked, colour thumbnails.
"$tmp/venv/bin/python" "$root/examples/color_cnn.py" --epochs 1 --count 600 --tracked 200 --out "$tmp/color.epochscope"
"$exe" info --json "$tmp/color.epochscope" | "$tmp/venv/bin/python" -c '
import json, sys
j = json.load(sys.stdin)
assert list(j["layers"]) == ["conv1", "conv2", "conv3", "hidden", "logits", "output"], j["layers"]
assert len(j["frames"]) == 2 and j["finished"] and j["trajectory_snapshots"] == 1 + 8, j
assert j.get("image_channels", 3) == 3, j["image_channels"]
print("color_cnn: layers", list(j["layers"]), "frames", len(j["frames"]), "image_channels", j.get("image_channels"))'
