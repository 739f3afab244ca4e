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
