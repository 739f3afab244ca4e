#!/usr/bin/env bash
# GUI test: the trajectory as a view (issue "The training trajectory as a first-class view"). Trains
# a sweep of two runs headlessly (train --sweep momentum=0.5,0.9 --optimizer sgd --out DIR/) and opens
# the directory: the first run is shown, the second overlaid in one basis. A view is switched to the
# trajectory through its method menu: the path of both runs, the variance bars, the step of the frame
# on the epoch bar ringed and following the bar; hovering a step names it and clicking it moves the
# epoch bar to its frame; the small multiples and the colour by epoch; the view is saved in gui.json.
# The landscape under the path, computed in the background at a small grid: contours, the frames'
# path and the overlaid run's frames on this run's plane, hover on a frame and on the grid. While
# training in the window: a coarse first picture, the frames since drawn over it, the plane renewed,
# and the full grid once training ends. `render --method trajectory --pairs` and `--landscape` write
# PNGs; the trajectory's bad flags are one-line errors.
# Usage: gui_trajectory_test.sh path/to/epochscope scratch-dir     (exit 77 = skipped)
set -euo pipefail
exe=$(readlink -f "$1")
tmp=$2
here=$(cd "$(dirname "$0")" && pwd)
state="$tmp/state.json"
SCREEN=1440x900x24
source "$here/lib_gui.sh"

python3 "$here/gui_driver.py" - make-idx "$tmp/data"
"$exe" train --data-dir "$tmp/data" --epochs 3 --batch-size 32 --threads 1 --tracked 200 --optimizer sgd \
  --sweep momentum=0.5,0.9 --quiet --out "$tmp/sweep/"
mkdir -p "$XDG_CONFIG_HOME/epochscope"
echo '{"view_count": 2, "views": [{"method": "pca", "layer": "output"}, {"method": "pca", "layer": "output"}]}' \
  >"$XDG_CONFIG_HOME/epochscope/gui.json"

step "a sweep's directory opens its first run"
launch --session "$tmp/sweep/" --landscape-grid 7 --landscape-sample 100
py wait 'j["frames"] == 4 and j["trajectory"]["snapshots"] > 10' 60

step "a view switched to the trajectory draws both runs' paths in one basis, with the variance bars"
read -r cx cy < <(py center combo1)
move "$cx" "$cy"
click
py wait "'view1_method_trajectory' in j['hooks']" 10
click_hook view1_method_trajectory
T='j["views"][1]["trajectory"]'
py wait "j['views'][1]['method'] == 'trajectory' and $T['runs'] == 2 and $T['drawn'] > 2 * $T['snapshots'] - 1 and $T['bars'] >= 4" 20
py wait "'2 runs in one basis' in j['views'][1]['status'] and j['views'][1]['final'] and $T['message'] == ''" 5
step "the step of the frame on the epoch bar is ringed and follows the bar"
last=$(py get "$T['marked_step']")
test "$last" -gt 0
move 300 300  # over the first view, so the arrow keys go to the epoch bar
key Left
py wait "j['frame'] == 2 and 0 < $T['marked_step'] < $last" 10

step "hovering a step names its run, step, epoch and loss; a click shows its frame"
read -r lx ly < <(py get '" ".join(str(int(round(v))) for v in '"$T"'["last_at"])')
move "$lx" "$ly"
py wait "$T['hovered'] >= 0 and 'step' in $T['hover'] and 'batch loss' in $T['hover']" 10
click
py wait "j['frame'] == 3 and $T['marked_step'] == $last" 10

step "small multiples: the pairs (1,2), (1,3), (2,3), (3,4); then the colour by epoch"
click_hook view1_pc_pairs
py wait "$T['pairs'] and len($T['plots']) == 4 and 'view1_trajectory_plot3' in j['hooks']" 10
click_hook view1_colour_epoch
py wait "$T['colour'] == 'epoch'" 10
key F12
py wait "j['last_screenshot'] != ''" 20
py check-png "$(py get 'j["last_screenshot"]')"

step "the landscape under the path: computed in the background, contours, the frames' path; hover names a frame"
click_hook view1_landscape
py wait "$T['landscape'] and $T['total'] == 1 + 4 + 4 + 49 and $T['evaluated'] == $T['total'] and $T['contours'] > 0" 120
py wait "$T['runs'] == 2" 5  # the overlaid run's frames projected onto this run's plane
py wait "$T['path_frames'] == 4 and $T['marked_step'] == 3 and j['views'][1]['final'] and 'Landscape: 7 x 7 grid' in j['views'][1]['status']" 10
read -r lx ly < <(py get '" ".join(str(int(round(v))) for v in '"$T"'["last_at"])')
move "$lx" "$ly"
py wait "$T['hovered'] == 3 and $T['hover'].startswith('frame 3 (epoch 3): loss')" 10
move "$((lx - 40))" "$((ly + 25))"
py wait "$T['hovered'] == -1 and 'loss' in $T['hover'] and 'a = ' in $T['hover']" 10
close
python3 - "$XDG_CONFIG_HOME/epochscope/gui.json" <<'PY'
import json, sys
v = json.load(open(sys.argv[1]))["views"][1]
assert v["method"] == "trajectory" and v["pc_pairs"] and v["trajectory_colour"] == "epoch" and v["landscape"], v
PY

step "while training, the landscape follows the newest plane coarse to fine; newer frames go on over the last picture"
launch --data-dir "$tmp/data" --epochs 30 --batch-size 32 --threads 1 --tracked 200 --landscape-grid 7 --landscape-sample 100
R='j["training"]["state"] == "running"'
py wait "$R and $T['landscape'] and $T['stride'] > 1 and $T['path_frames'] > $T['plane_frames'] > 0" 60
first_plane=$(py get "$T['plane_frames']")
py wait "$R and $T['stride'] > 0 and $T['plane_frames'] > $first_plane" 60
py wait "$T['plane_frames'] == j['frames'] == 31 and $T['stride'] == 1 and $T['evaluated'] == $T['total']" 120
close

step "render --method trajectory --pairs writes the picture; its bad flags are one-line errors"
first=$(ls "$tmp/sweep/"*.epochscope | head -1)
"$exe" render "$first" --method trajectory --pairs --size 700x500 --png "$tmp/trajectory.png" >/dev/null 2>&1
py check-png "$tmp/trajectory.png"
"$exe" render "$first" --method trajectory --landscape --grid 5 --sample 50 --size 600x500 --png "$tmp/landscape.png" >/dev/null 2>&1
py check-png "$tmp/landscape.png"
if "$exe" render "$first" --method trajectory --dims 3 --png "$tmp/bad.png" 2>"$tmp/err.txt"; then exit 1; fi
grep -q "the trajectory view is 2-D" "$tmp/err.txt"
mkdir -p "$tmp/empty"
if "$exe" --session "$tmp/empty" 2>"$tmp/err.txt"; then exit 1; fi
grep -q "holds no session files" "$tmp/err.txt"
test "$(wc -l <"$tmp/err.txt")" -eq 1
echo "gui_trajectory_test: passed"
