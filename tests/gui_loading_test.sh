#!/usr/bin/env bash
# GUI test: the window's thread never waits on disk. A session whose frames the store has let go of
# (--memory 0.05: 50 KB of activations in memory) is opened with every read back from the session
# file taking 2 seconds (--test-read-delay 3). Jumping to frame 0, the star view and the pixel
# explorer on the hidden layer say they are loading it ("loading frame 0 from the session...") while
# the window goes on drawing: the cursor moving over another view hovers its points, and no frame
# takes over 100 ms. Once read, both views show frame 0. (Where the store still holds frame 0 from
# a recent read, the test steps on to the next frame it does not hold.)
# Usage: gui_loading_test.sh path/to/epochscope scratch-dir     (exit 77 = skipped)
set -euo pipefail
exe=$(readlink -f "$1")
tmp=$2
here=$(cd "$(dirname "$0")" && pwd)
state="$tmp/state.json"
SCREEN=1280x800x24
source "$here/lib_gui.sh"

python3 "$here/gui_driver.py" - make-idx "$tmp/data"
"$exe" train --data-dir "$tmp/data" --epochs 5 --batch-size 128 --tracked 800 --quiet --out "$tmp/s.epochscope"
# Views: star coordinates and the pixel explorer on the hidden layer (evicted and read back), PCA
# and UMAP of the softmax outputs (always in memory).
mkdir -p "$tmp/config/epochscope"
cat >"$tmp/config/epochscope/gui.json" <<'JSON'
{"window_width": 1200, "window_height": 760, "view_count": 4,
 "views": [{"method": "star", "layer": "hidden"}, {"method": "pixels", "layer": "hidden", "axis_x": 0, "axis_y": 1},
           {"method": "pca", "layer": "output"}, {"method": "umap", "layer": "output"}]}
JSON

"$exe" --session "$tmp/s.epochscope" --memory 0.05 --test-read-delay 3 --test-state "$state" --stats \
  >"$tmp/stdout.txt" 2>"$tmp/stderr.txt" &
app=$!
trap 'kill $app 2>/dev/null || true' EXIT
wid=$(xdotool search --sync --name '^epochscope$' | head -1)
move() { xdotool mousemove --window "$wid" --sync "$1" "$2"; sleep 0.15; }

step "the newest frame shows in every view; the star chain's recall figures done (18 s of reads)"
py wait "j['frames'] == 6 and all(v['layout_frame'] == 5 for v in j['views'][:3]) and j['views'][0]['chain_final'] == 6" 60

step "jump to frame 0 (or, where the store still holds a frame it read lately, the next one not held):"
step "the star view and the pixel explorer say they are loading it"
before=$(py get "j['frame_ms']['over_100']")
read -r sx sy < <(py left epoch_slider)
move "$sx" "$sy"
xdotool mousedown 1; sleep 0.2; xdotool mouseup 1
loading="j['views'][0]['loading'] and 'loading frame %d from the session' in j['views'][0]['status'] and j['views'][1]['loading']"
found=-1
for f in 0 1 2 3 4; do
  py wait "j['frame'] == $f" 2
  if py wait "$(printf "$loading" "$f")" 0.6 >/dev/null 2>&1; then found=$f; break; fi
  move 640 5
  xdotool keydown Right; sleep 0.15; xdotool keyup Right
done
echo "loading frame $found"
[[ $found -ge 0 ]] || { echo "FAIL: no view said it was loading a frame"; exit 1; }

step "meanwhile the window draws: hovering the PCA view rings its points"
hovers=0
for k in 0 1 2 3 4 5; do
  read -r _ x y < <(py get "' '.join(str(v) for v in [j['views'][2]['samples'][$k]['point'], int(j['views'][2]['samples'][$k]['x']), int(j['views'][2]['samples'][$k]['y'])])")
  move $((x + 1)) "$y"
  if py wait "j['hovered'] >= 0 and j['views'][2]['hovered_ring'] == j['hovered'] and j['views'][0]['loading']" 0.3 >/dev/null 2>&1; then
    hovers=$((hovers + 1))
  fi
done
echo "hovered while loading: $hovers of 6 points"
[[ $hovers -ge 1 ]] || { echo "FAIL: no point was hovered while the frame was loading"; exit 1; }

step "once read, both views show frame 0; no frame took over 100 ms"
py wait "j['views'][0]['layout_frame'] == $found and not j['views'][0]['loading'] and j['views'][1]['layout_frame'] == $found and not j['views'][1]['loading']" 20
after=$(py get "j['frame_ms']['over_100']")
echo "frames over 100 ms: $before before the jump, $after after"
[[ "$after" == "$before" ]] || { echo "FAIL: $((after - before)) frames over 100 ms while a frame was read back"; exit 1; }

kill "$app"; wait "$app" || true
trap - EXIT
echo "gui_loading_test: passed"
