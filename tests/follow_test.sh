#!/usr/bin/env bash
# Follow test: a run that happens elsewhere. examples/train_pytorch.py (PyTorch in Python, Debian's
# /usr/bin/python3) trains 2 epochs on a few hundred synthetic digits and appends frames while
# `epochscope info --follow --json` (started before the file exists) prints them: frame 0 and both
# epochs must arrive in order and the follower must end by itself at the writer's end record. Then
# `epochscope info` reads the finished file, and the stopping rules are checked: --frames, --timeout
# on a writer that died (no end record), --timeout on a file that never appears, SIGTERM. With
# xvfb-run, `epochscope --follow` (the window) must show all 3 frames of a second run as it is written.
# Usage: follow_test.sh path/to/epochscope scratch-dir     (exit 77 = skipped)
set -euo pipefail
exe=$(readlink -f "$1")
tmp=$2
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
py=/usr/bin/python3
if ! "$py" -c 'import torch, msgpack, numpy' 2>/dev/null; then
  echo "skipped: $py lacks torch, msgpack or numpy (Debian's python3-torch, python3-msgpack, python3-numpy)"
  exit 77
fi
step() { echo "-- $*"; }
fail() { echo "FAIL: $*" >&2; exit 1; }
train=("$py" "$root/examples/train_pytorch.py" --data-dir "$tmp/data" --epochs 2 --limit 400 --batch-size 64
       --threads 1 --device cpu --tracked 300)

if [[ "${FOLLOW_GUI_INNER:-}" == 1 ]]; then  # the window part, run under xvfb-run (below)
  gui="$tmp/gui.epochscope"
  export XDG_CONFIG_HOME="$tmp/config" EPOCHSCOPE_DATA_HOME="$tmp/data-home"
  "$exe" --follow "$gui" --test-state "$tmp/state.json" --exit-after 240 >"$tmp/gui.out" 2>"$tmp/gui.err" &
  app=$!
  trap 'kill $app 2>/dev/null || true' EXIT
  python3 "$here/gui_driver.py" "$tmp/state.json" wait 'j["message"].startswith("Waiting for")' 60
  "${train[@]}" --out "$gui" 2>"$tmp/train2.err" || { cat "$tmp/train2.err"; fail "second training run failed"; }
  python3 "$here/gui_driver.py" "$tmp/state.json" wait \
    'j["frames"] == 3 and j["training"]["state"] == "finished" and all(v["layout_frame"] >= 0 for v in j["views"])' 120
  kill -TERM $app
  wait $app || fail "the window exited $?"
  trap - EXIT
  cat "$tmp/gui.err"
  exit 0
fi
rm -rf "$tmp" && mkdir -p "$tmp"
# Counts the JSON lines of FILE and checks their indexes and epochs are 0, 1, ... in order.
check_frames() {
  "$py" - "$1" "$2" <<'EOF'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
want = int(sys.argv[2])
assert len(lines) == want, f"{len(lines)} frames, want {want}: {lines}"
for i, f in enumerate(lines):
    assert f["index"] == i and f["epoch"] == i, f
    for key in ("train_loss", "train_accuracy", "heldout_loss", "heldout_accuracy", "wall_seconds", "epoch_seconds"):
        assert key in f, key
print(f"{want} frames in order")
EOF
}

python3 "$here/gui_driver.py" - make-idx "$tmp/data"

step "info --follow waits for the file, prints each frame as PyTorch writes it, ends at the writer's end"
session="$tmp/run.epochscope"
start=$(date +%s.%N)
"$exe" info --follow "$session" --json --timeout 120 >"$tmp/follow.jsonl" 2>"$tmp/follow.err" &
follower=$!
trap 'kill $follower 2>/dev/null || true' EXIT
sleep 0.5
"${train[@]}" --out "$session" 2>"$tmp/train.err" &
trainer=$!
early=0  # frames printed while the writer was still training
while kill -0 $trainer 2>/dev/null; do
  early=$(wc -l <"$tmp/follow.jsonl")
  ((early >= 1)) && break
  sleep 0.05
done
wait $trainer || { cat "$tmp/train.err"; fail "train_pytorch.py failed"; }
trained=$(date +%s.%N)
((early >= 1)) || fail "no frame was printed while the run was going on"
wait $follower || { cat "$tmp/follow.err"; fail "info --follow exited $?"; }
trap - EXIT
ended=$(date +%s.%N)
cat "$tmp/follow.err"
check_frames "$tmp/follow.jsonl" 3
grep -q "waiting for" "$tmp/follow.err" || fail "no waiting note"
grep -q "the writer finished (finished) after 3 frames" "$tmp/follow.err" || fail "no end note"
awk -v a="$start" -v b="$trained" -v c="$ended" \
  'BEGIN { printf "training took %.1f s; the follower ended %.2f s after the writer\n", b - a, c - b }' 

step "info reads the finished file"
"$exe" info "$session" --json >"$tmp/info.json"
"$py" - "$tmp/info.json" <<'EOF'
import json, sys
j = json.load(open(sys.argv[1]))
assert j["format_version"] == "1.4", j["format_version"]
assert len(j["frames"]) == 3 and j["dropped_bytes"] == 0 and j["finished"] is True, j
assert j["points"] == 300 and j["heldout_points"] == 60, j  # 400 + 100 images: 240 + 60 tracked
# Every layer the Recorder found, in depth order (the order the modules ran), with its kind.
assert list(j["layers"].items()) == [("conv1", 32), ("conv2", 64), ("hidden", 64), ("logits", 10), ("output", 10)], j["layers"]
assert j["layer_kinds"] == {"conv1": "conv", "conv2": "conv", "hidden": "dense", "logits": "logits", "output": "output"}, j["layer_kinds"]
assert j["trajectory_snapshots"] > 3, j["trajectory_snapshots"]  # rec.step() after every optimiser step
assert j["meta"]["device"] == "cpu", j["meta"]
print("info: 3 frames, finished, layers", j["layers"])
EOF
"$exe" info "$session" | grep -q "held-out acc" || fail "human info"
"$exe" export "$session" --layer hidden --frame last --out "$tmp/hidden.csv" 2>/dev/null
test "$(wc -l <"$tmp/hidden.csv")" -eq 301 || fail "export rows"

step "--frames stops after N frames; a finished file is printed at once"
"$exe" info --follow "$session" --frames 2 >"$tmp/two.txt"
test "$(wc -l <"$tmp/two.txt")" -eq 2 || fail "--frames 2 printed $(wc -l <"$tmp/two.txt") lines"
grep -q "^epoch   1/2: train loss" "$tmp/two.txt" || fail "frame line: $(cat "$tmp/two.txt")"
"$exe" info --follow "$session" --json >"$tmp/again.jsonl" 2>/dev/null
check_frames "$tmp/again.jsonl" 3

step "a writer that died (no end record): --timeout stops with the frames seen"
"$py" - "$tmp/dead.epochscope" "$root/python" <<'EOF'
import os, sys
import numpy as np
sys.path.insert(0, sys.argv[2])
from epochscope_session import SessionWriter
rng = np.random.default_rng(1)
n = 50
w = SessionWriter(sys.argv[1], labels=np.arange(n) % 10, splits=np.arange(n) % 5 == 0,
                  images=rng.integers(0, 256, (n, 28, 28), dtype=np.uint8), layers=[("output", 10), ("logits", 10)])
for e in range(2):
    z = rng.normal(size=(n, 10)).astype(np.float32)
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    w.append_frame(e, {"output": p, "logits": z})
w._file.write(b"\x92\xce\x00")  # a record cut short by the crash
w._file.flush()
os._exit(0)  # no end record
EOF
"$exe" info --follow "$tmp/dead.epochscope" --json --timeout 1 >"$tmp/dead.jsonl" 2>"$tmp/dead.err" || fail "exit $?"
check_frames "$tmp/dead.jsonl" 2
grep -q "no new frame for 1 s" "$tmp/dead.err" || fail "$(cat "$tmp/dead.err")"
if grep -qi "damage" "$tmp/dead.err"; then fail "a partial record was called damage"; fi

step "--timeout on a file that never appears: exit 1, one line"
set +e
"$exe" info --follow "$tmp/never.epochscope" --timeout 0.5 >/dev/null 2>"$tmp/never.err"
code=$?
set -e
test $code -eq 1 || fail "exit $code"
grep -q "no frame arrived" "$tmp/never.err" || fail "$(cat "$tmp/never.err")"

step "SIGTERM ends a follow cleanly (exit 0)"
"$exe" info --follow "$tmp/dead.epochscope" >/dev/null 2>"$tmp/term.err" &
pid=$!
for _ in $(seq 100); do grep -q "^epochscope: following" "$tmp/term.err" && break; sleep 0.1; done  # started
kill -TERM $pid
wait $pid || fail "exit $? after SIGTERM"
grep -q "stopped by signal 15 after 2 frames" "$tmp/term.err" || fail "$(cat "$tmp/term.err")"

step "epochscope --follow: the window shows the frames of a run written elsewhere"
if ! command -v xvfb-run >/dev/null; then
  echo "skipped (no xvfb-run)"
else
  FOLLOW_GUI_INNER=1 xvfb-run -a -s "-screen 0 1280x800x24" bash "$0" "$exe" "$tmp"
  echo "the window showed all 3 frames and their layouts"
fi
echo "follow_test: all passed"
