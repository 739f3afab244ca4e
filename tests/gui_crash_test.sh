#!/usr/bin/env bash
# Crash safety of the window: it trains a tiny synthetic dataset live while its views project, and
# is killed with SIGKILL at 20 moments (a fixed pseudo-random sequence); afterwards the session file
# opens and holds at least every frame the window had reported saved (--test-state
# training.saved_frames, read just before the kill), and no frame is corrupt. Then SIGTERM mid-run:
# the window closes within 2 s and the session holds every saved frame, its layouts and the end.
# Usage: gui_crash_test.sh path/to/epochscope scratch-dir     (exit 77 = skipped)
set -euo pipefail
exe=$(readlink -f "$1")
tmp=$2
here=$(cd "$(dirname "$0")" && pwd)
if [[ "${GUI_TEST_INNER:-}" != 1 ]]; then
  for tool in xvfb-run python3; do
    command -v "$tool" >/dev/null || { echo "skipped: $tool is not installed"; exit 77; }
  done
  rm -rf "$tmp" && mkdir -p "$tmp"
  GUI_TEST_INNER=1 exec xvfb-run -a -s "-screen 0 1280x800x24" bash "$0" "$exe" "$tmp"
fi
export XDG_CONFIG_HOME="$tmp/config" EPOCHSCOPE_DATA_HOME="$tmp/data-home"
python3 "$here/gui_driver.py" - make-idx "$tmp/data"
gui=("$exe" --data-dir "$tmp/data" --epochs 40 --batch-size 64 --tracked 400)
saved() { python3 -c 'import json, sys
try: print(json.load(open(sys.argv[1]))["training"]["saved_frames"])
except Exception: print(0)' "$1"; }
held() { "$exe" info --json "$1" | python3 -c 'import json, sys; print(len(json.load(sys.stdin)["frames"]))'; }

RANDOM=4711
total=0
for i in $(seq 1 20); do
  delay=$(python3 -c "print(round(0.5 + $RANDOM / 32767 * 7.0, 2))")
  "${gui[@]}" --out "$tmp/kill$i.epochscope" --test-state "$tmp/state$i.json" >"$tmp/kill$i.log" 2>&1 &
  pid=$!
  sleep "$delay"
  before=$(saved "$tmp/state$i.json")
  kill -KILL $pid 2>/dev/null || true
  wait $pid 2>/dev/null || true
  if [[ ! -s "$tmp/kill$i.epochscope" ]]; then
    [[ $before == 0 ]] || { echo "kill $i: $before frames reported saved but no file"; exit 1; }
    echo "kill $i after ${delay}s: before the session file existed"
    continue
  fi
  n=$(held "$tmp/kill$i.epochscope") || { echo "kill $i: the session does not open"; exit 1; }
  echo "kill $i after ${delay}s: $before frames reported saved, $n in the file"
  (( n >= before )) || { echo "kill $i lost frames"; exit 1; }
  total=$((total + n))
done
echo "GUI kills survived: 20/20, frames recovered: $total"

"${gui[@]}" --out "$tmp/term.epochscope" --test-state "$tmp/term.json" >"$tmp/term.log" 2>&1 &
pid=$!
python3 "$here/gui_driver.py" "$tmp/term.json" wait 'j["training"]["saved_frames"] >= 4' 120
before=$(saved "$tmp/term.json")
start=$(date +%s.%N)
kill -TERM $pid
status=0
wait $pid || status=$?
took=$(python3 -c "print(round($(date +%s.%N) - $start, 2))")
n=$(held "$tmp/term.epochscope")
echo "SIGTERM: exit $status after ${took}s; $before frames reported saved, $n in the file"
[[ $status == 0 ]]
python3 -c "import sys; sys.exit(0 if $took <= 2.0 else 1)" || { echo "too slow to close"; exit 1; }
(( n >= before ))
"$exe" info --json "$tmp/term.epochscope" | python3 -c '
import json, sys
j = json.load(sys.stdin)
assert j["dropped_bytes"] == 0 and j["finished"] and j["end_reason"] == "stopped", j  # clean, with its end record
'
echo "gui_crash_test: all passed"
