#!/usr/bin/env bash
# GUI test: the real window under Xvfb, driven with xdotool as a user would. Trains a tiny synthetic
# dataset live, then hovers a point (tooltip, ring in every view), clicks it (selection, trace),
# moves the epoch slider and the arrow keys, switches a view's method, highlights and pins a legend
# class, clears the selection, saves a screenshot, and closes. Reopens the session it wrote, then
# hovers a point of a graph view (its edges emphasised), colours a view by neighbourhood change,
# picks a pixel on the pixel explorer's grid, turns a 3-D view and picks a point in it, applies a new t-SNE perplexity from the t-SNE panel and
# opens the parameter trajectory panel, turns its 3-D plot and overlays another run on it. Twice
# (live and at the end) it checks that drawing only what changed left the pixels a whole redraw
# draws. The app reports where things are on
# screen and what happened through --test-state (a JSON dump written every frame).
# Usage: gui_window_test.sh path/to/epochscope scratch-dir     (exit 77 = skipped)
set -euo pipefail
exe=$(readlink -f "$1")
tmp=$2
here=$(cd "$(dirname "$0")" && pwd)
state="$tmp/state.json"
SCREEN=1280x800x24
source "$here/lib_gui.sh"

python3 "$here/gui_driver.py" - make-idx "$tmp/data"
"$exe" --data-dir "$tmp/data" --epochs 4 --batch-size 128 --tracked 800 --out "$tmp/live.epochscope" \
  --test-state "$state" --screenshot-dir "$tmp/shots" --stats >"$tmp/stdout.txt" 2>"$tmp/stderr.txt" &
app=$!
trap 'kill $app 2>/dev/null || true' EXIT
wid=$(xdotool search --sync --name '^epochscope$' | head -1)
echo "window $wid"

# drag_right X Y [DY]: presses at (X, Y), drags 60 pixels right (and DY down) in six steps, lets go.
drag_right() {
  local d
  move "$1" "$2"
  xdotool mousedown 1; sleep 0.2
  for d in 10 20 30 40 50 60; do xdotool mousemove --window "$wid" --sync "$(($1 + d))" "$(($2 + d * ${3:-0} / 60))"; sleep 0.05; done
  xdotool mouseup 1; sleep 0.5
}
# check_redraw: F12 (up to three times, until one lands on a partial frame); the app then draws the
# frame whole as well and counts the pixels that differ from what the partial redraws left.
check_redraw() {
  local before attempt
  before=$(py get "j['redraws']['checks']")
  for attempt in 1 2 3; do
    key F12
    if py wait "j['redraws']['checks'] > $before" 4 >/dev/null 2>&1; then break; fi
  done
  py wait "j['redraws']['checks'] > $before and j['redraws']['check_pixels_differing'] == 0 and j['redraws']['partial'] > j['redraws']['full']" 5
}
# open_left_section HOOK: scrolls the left panel down (its last sections) and clicks a header.
open_left_section() {
  local hx hy
  move 100 300
  for _ in 1 2 3 4 5 6; do xdotool click 5; sleep 0.1; done
  sleep 0.5
  read -r hx hy < <(py center "$1")
  move "$hx" "$hy"
  click
}
# switch_method VIEW METHOD: through the view's method menu, as a user would.
switch_method() {
  local cx cy mx my
  read -r cx cy < <(py center "combo$1")
  move "$cx" "$cy"
  click
  py wait "'view$1_method_$2' in j['hooks']" 10
  read -r mx my < <(py center "view$1_method_$2")
  move "$mx" "$my"
  click
  py wait "j['views'][$1]['method'] == '$2'" 10
}

step "frames arrive and every view shows a layout"
py wait 'j["frames"] >= 3 and all(v["layout_frame"] >= 0 for v in j["views"])' 240
step "training finishes (5 frames) and the PCA view is final (so points stop moving)"
py wait 'j["frames"] == 5 and j["training"]["state"] == "finished" and j["views"][1]["final"] and len(j["views"][1]["samples"]) > 0' 240

step "hover a point: tooltip, and the same point ringed in every view"
read -r point x y < <(py sample 1)
move "$x" "$y"
py wait "j['hovered'] == $point and j['tooltip'] and j['tooltip_point'] == $point" 10
py wait "all(v['hovered_ring'] == $point for v in j['views'])" 10

step "click it: selected, with a trace in every view"
click
py wait "j['selection'] == [$point] and all(len(v['trace_lengths']) == 1 and v['trace_lengths'][0] >= 2 for v in j['views'])" 20

step "the selection saved under a name goes into the live run's file"
move 1100 400  # the right panel, scrolled to its last sections
for _ in 1 2 3 4 5 6 7 8; do xdotool click 5; sleep 0.1; done
sleep 0.5
click_hook selection_header
py wait "'selection_name' in j['hooks']" 10
for _ in 1 2 3 4 5 6 7 8; do xdotool click 5; sleep 0.1; done
sleep 0.5
click_hook selection_name
xdotool type --delay 60 "one"
sleep 0.4
click_hook selection_save
py wait "j['saved_selections'].get('one') == [$point]" 10
click_hook selection_header  # closed again
move 1100 400
for _ in 1 2 3 4 5 6 7 8; do xdotool click 4; sleep 0.1; done

step "the epoch slider: click its left end -> frame 0, no longer following"
read -r sx sy < <(py left epoch_slider)
move "$sx" "$sy"
click
py wait "j['frame'] == 0 and not j['follow_latest']" 10
step "Right arrow steps one frame"
move 640 5
key Right
py wait "j['frame'] == 1" 10

step "switch view 3 to PCA through its method menu"
switch_method 3 pca
py wait "j['views'][3]['layout_frame'] >= 0" 120

step "hover legend class 3: highlighted; click pins it"
read -r lx ly < <(py center legend_3)
move "$lx" "$ly"
py wait "j['highlight_class'] == 3" 10
click
py wait "j['pinned_class'] == 3" 10
move 640 5
py wait "j['highlight_class'] == 3 and j['hovered'] == -1" 10

step "Esc clears the selection (and the pin)"
key Escape
py wait "j['selection'] == [] and j['pinned_class'] == -1" 10

step "F12 saves a screenshot that is not blank"
key F12
py wait "j['last_screenshot'] != ''" 10
shot=$(py get 'j["last_screenshot"]')
py check-png "$shot"
cp "$shot" "$tmp/screenshot.png"

step "only what changed is drawn again, and the pixels equal a whole redraw's"
check_redraw

step "the t-SNE view has every frame final (so its layouts are saved)"
py wait 'j["views"][2]["method"] == "tsne" and j["views"][2]["status"].startswith("t-SNE: 5/5 frames")' 240

step "close: exit code 0, frame-time statistics printed"
kill -TERM $app
wait $app
trap - EXIT
grep -q "frame times: frames" "$tmp/stdout.txt"
cat "$tmp/stdout.txt"
test -s "$tmp/live.epochscope"
test -f "$XDG_CONFIG_HOME/epochscope/gui.json"

step "the session holds the frames, the end record and every view's final layouts"
"$exe" info --json "$tmp/live.epochscope" > "$tmp/info.json"
python3 - "$tmp/info.json" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
assert len(j["frames"]) == 5 and j["finished"] and j["end_reason"] == "finished", j
assert j["selections"] == {"one": 1}, j["selections"]
chains = j["layouts"]
print("saved layouts:", chains)
assert any(k.startswith(("tsne/", "umap/")) and v == 5 for k, v in chains.items()), chains
# Every method's final layouts, each frame once (PCA, refitted after every epoch, is written at the end).
assert chains.get("pca/output/2d") == 5 and all(v <= 5 for v in chains.values()), chains
PY

step "reopening the session shows the saved layouts at once (nothing recomputed)"
"$exe" --session "$tmp/live.epochscope" --test-state "$state.2" >"$tmp/reopen.txt" 2>&1 &
app=$!
trap 'kill $app 2>/dev/null || true' EXIT
python3 "$here/gui_driver.py" "$state.2" wait 'j["frames"] == 5 and "saved layouts" in j["source"]' 60
python3 "$here/gui_driver.py" "$state.2" wait 'any(v["method"] in ("tsne", "umap") and v["final"] and v["layout_frame"] == 4 for v in j["views"])' 10
wid=$(xdotool search --sync --name '^epochscope$' | head -1)
state="$state.2"  # py and move now drive the reopened window

step "hovering draws no point layer again; a new frame does"
py wait "all(v['final'] for v in j['views'])" 60
sleep 1
before=$(py get "j['views'][2]['layer_redraws']")
read -r point x y < <(py sample 2)
move "$x" "$y"
py wait "j['views'][2]['hovered_ring'] == $point" 10
move $((x + 40)) $((y + 20))
py wait "j['views'][2]['layer_redraws'] == $before" 5
key Left
py wait "j['frame'] == 3 and j['views'][2]['layer_redraws'] > $before" 20
key Right
py wait "j['frame'] == 4" 10

step "graph view: hovering a point emphasises its kNN edges and neighbours"
switch_method 0 graph
py wait "j['views'][0]['method'] == 'graph' and j['views'][0]['final'] and len(j['views'][0]['samples']) > 0" 120
read -r point x y < <(py sample 0)
move "$x" "$y"
py wait "j['views'][0]['hovered_ring'] == $point and j['views'][0]['hovered_edges'] > 0" 10

step "view 1 coloured by neighbourhood change, with its mean shown"
toggle 1 change
py wait "j['views'][1]['color_change'] and j['views'][1]['mean_change'] >= 0 and 'changed' in j['views'][1]['status']" 20

step "view 3 becomes the pixel explorer; clicking the middle of its x grid picks pixel (14, 14)"
switch_method 3 pixels
py wait "j['views'][3]['method'] == 'pixels' and j['views'][3]['layer'] == 'input' and j['views'][3]['layout_frame'] >= 0 and 'view3_xgrid' in j['hooks']" 20
py wait "j['views'][3]['axis_x'] != 406" 5
click_hook view3_xgrid
py wait "j['views'][3]['axis_x'] == 406 and 'row 14, col 14' in j['views'][3]['status'] and j['selection'] == []" 10

step "view 1 in 3-D: it turns when dragged; hover rings the same point in every view; a click selects it and traces it"
toggle 1 3d
py wait "j['views'][1]['dims'] == 3 and j['views'][1]['final'] and j['views'][1]['layout_frame'] == 4 and len(j['views'][1]['samples']) > 0" 120
yaw=$(py get "j['views'][1]['yaw']")
pitch=$(py get "j['views'][1]['pitch']")
read -r vx vy < <(py get "' '.join(str(int(v)) for v in ((j['views'][1]['canvas'][0] + j['views'][1]['canvas'][2]) / 2, (j['views'][1]['canvas'][1] + j['views'][1]['canvas'][3]) / 2))")
drag_right "$vx" "$vy" 20
py wait "abs(j['views'][1]['yaw'] - ($yaw)) > 0.3 and abs(j['views'][1]['pitch'] - ($pitch)) > 0.05 and j['selection'] == []" 10
py wait "len(j['views'][1]['samples']) > 0" 10
read -r point x y < <(py sample 1)
move "$x" "$y"
py wait "j['views'][1]['hovered_ring'] == $point and j['views'][0]['hovered_ring'] == $point and j['hovered'] == $point" 10
click
py wait "j['selection'] == [$point] and j['views'][1]['trace_lengths'] == [5] and j['views'][0]['trace_lengths'] == [5]" 10
key Escape
py wait "j['selection'] == []" 10

step "t-SNE panel: the smallest perplexity, applied, recomputes the t-SNE view"
open_left_section tsne_header
py wait "'tsne_perplexity' in j['hooks'] and 'tsne_apply' in j['hooks']" 10
for _ in 1 2 3 4 5 6; do xdotool click 5; sleep 0.1; done  # the opened panel into view
sleep 0.5
read -r px py_ < <(py left tsne_perplexity)
move "$px" "$py_"
click
py wait "j['tsne_perplexity_edit'] < 10 and j['tsne_perplexity'] == 30" 10
click_hook tsne_apply
py wait "j['tsne_perplexity'] < 10" 10
py wait 'j["views"][2]["method"] == "tsne" and j["views"][2]["status"].startswith("t-SNE: 5/5 frames") and "KL" in j["views"][2]["status"]' 240

step "the parameter trajectory panel plots every snapshot the session holds"
open_left_section trajectory_header
py wait "j['trajectory']['snapshots'] > 10 and j['trajectory']['drawn'] == j['trajectory']['snapshots'] and j['trajectory']['marked'] >= 0" 10

step "its 3-D plot (height = -held-out loss) turns when dragged"
click_hook trajectory_3d
py wait "j['trajectory']['three_d']" 10
yaw=$(py get "j['trajectory']['yaw']")
read -r px py_ < <(py center trajectory_plot)
drag_right "$px" "$py_"
py wait "abs(j['trajectory']['yaw'] - $yaw) > 0.2" 10

step "another run overlaid in the same basis is drawn in the 3-D plot too"
cp "$tmp/live.epochscope" "$tmp/other-run.epochscope"
move 100 300
for _ in 1 2 3 4 5 6; do xdotool click 5; sleep 0.1; done  # the path field into view
sleep 0.5
click_hook trajectory_overlay_path
xdotool type --delay 20 "$tmp/other-run.epochscope"
sleep 0.3
click_hook trajectory_overlay
py wait "j['trajectory']['three_d'] and j['trajectory']['runs'] == 2" 10 || { py get "j['trajectory'], j['hooks']['trajectory_overlay_path']"; exit 1; }

step "after all that (3-D views, graph edges, panels), the window drawn in parts equals it drawn whole"
check_redraw
py wait "j['redraws']['unchanged'] > 0" 5  # frames with nothing new were not drawn at all
kill -TERM $app
wait $app
trap - EXIT
echo "gui_window_test: all passed"
