#!/usr/bin/env bash
# GUI test: two runs side by side (issue "any network, every layer"). A cnn and an mlp trained on
# the same tracked points:
#   - `--session A --compare B`: a view switched to run B shows B's layers (falling back to its own
#     when the view's layer is A's only); hover and selection in a view of A ring and trace the same
#     point in the view of B; the loss chart shows both runs; A's Filters panel draws its 32 filters;
#   - a run whose points differ is refused with a one-line reason, in the window and on stderr;
#   - a compared run that is still being written is followed: its frames arrive in the window;
#   - "Open session..." lists a folder's sessions and opens one (remembered as recent); a session
#     dropped on a view is compared in that view, a file that is no session gets a one-line message.
#     (Drops come through the app's drop handler from a file beside the state dump: xdotool cannot
#     drive X's drag-and-drop protocol.)
# Usage: gui_compare_test.sh path/to/epochscope scratch-dir     (exit 77 = skipped)
set -euo pipefail
exe=$(readlink -f "$1")
tmp=$2
here=$(cd "$(dirname "$0")" && pwd)
state="$tmp/state.json"
SCREEN=1440x900x24
source "$here/lib_gui.sh"

python3 "$here/gui_driver.py" - make-idx "$tmp/data"
common=(--data-dir "$tmp/data" --epochs 2 --batch-size 128 --tracked 400 --seed 4 --quiet)
"$exe" train "${common[@]}" --out "$tmp/a.epochscope" >"$tmp/train.txt" 2>&1 || { cat "$tmp/train.txt"; exit 1; }
"$exe" train "${common[@]}" --model mlp --out "$tmp/b.epochscope" >"$tmp/train.txt" 2>&1 || { cat "$tmp/train.txt"; exit 1; }
"$exe" train --data-dir "$tmp/data" --epochs 1 --tracked 300 --quiet --out "$tmp/c.epochscope" >/dev/null 2>&1
mkdir -p "$XDG_CONFIG_HOME/epochscope"
cat > "$XDG_CONFIG_HOME/epochscope/gui.json" <<'JSON'
{"view_count": 2, "views": [{"method": "umap", "layer": "hidden"}, {"method": "pca", "layer": "hidden"}]}
JSON

step "A compared with B: a view of B, hover and selection linked by point"
launch --session "$tmp/a.epochscope" --compare "$tmp/b.epochscope"
py wait 'j["compare"] == "b.epochscope" and j["compare_frames"] == 3' 20
toggle 1 run  # the "run B" chip, or its checkbox in a narrow view's menu
# B (an mlp) has no "hidden": the view shows B's deepest layer but the output.
py wait 'j["views"][1]["run"] == 1 and j["views"][1]["layer"] == "logits" and j["views"][1]["final"] and
         "run B (b.epochscope)" in j["views"][1]["status"] and "run A (a.epochscope)" in j["views"][0]["status"]' 60
py wait 'j["views"][0]["final"]' 60
read -r p x y < <(py sample 0)
move "$x" "$y"
py wait "j['hovered'] == $p and j['views'][1]['hovered_ring'] == $p" 10
click
py wait "j['selection'] == [$p] and len(j['views'][1]['trace_lengths']) == 1 and j['views'][1]['trace_lengths'][0] == 3" 10
step "A's frames hold the cnn's first-layer filters: the Filters panel (left panel, scrolled down) draws all 32"
read -r lx ly < <(py get '" ".join(str(int(v)) for v in ((j["hooks"]["neurons_header"][0] + j["hooks"]["neurons_header"][2]) / 2, j["hooks"]["neurons_header"][1] - 200))')
move "$lx" "$ly"
for _ in 1 2 3 4 5 6 7 8 9 10; do xdotool click 5; sleep 0.05; done
click_hook filters_header
py wait 'j["filters_drawn"] == 32 and j["filters_frame"] == j["frame"]' 10
close

step "a run over other points is refused with a one-line reason"
launch --session "$tmp/a.epochscope" --compare "$tmp/c.epochscope"
py wait '"cannot compare with" in j["message"] and "one run tracks 400 points, the other 300" in j["message"] and
         j["compare"] == ""' 20
close
test "$(grep -c "cannot compare with" "$tmp/out.txt")" -eq 1 || { cat "$tmp/out.txt"; exit 1; }

step "a compared run still being written is followed"
"$exe" train --data-dir "$tmp/data" --epochs 4 --batch-size 128 --tracked 400 --seed 4 --model mlp --quiet \
  --out "$tmp/live.epochscope" >/dev/null 2>&1 &
trainer=$!
for _ in $(seq 1 100); do [[ -s "$tmp/live.epochscope" ]] && break; sleep 0.1; done
launch --session "$tmp/a.epochscope" --compare "$tmp/live.epochscope"
py wait 'j["compare"] == "live.epochscope" and j["compare_frames"] == 5' 120
wait "$trainer"
close

step "Open session... : the in-app browser lists the folder's sessions; one opened, then remembered"
launch --session "$tmp/a.epochscope"
click_hook open_session
py wait '"open_entry_b.epochscope" in j["hooks"] and "open_entry_train.txt" not in j["hooks"]' 10
click_hook open_entry_b.epochscope
click_hook open_ok
py wait '"b.epochscope" in j["source"] and "open_dialog" not in j["hooks"]' 20
grep -q "$tmp/b.epochscope" "$XDG_CONFIG_HOME/epochscope/recent.json" || { cat "$XDG_CONFIG_HOME/epochscope/recent.json"; exit 1; }

step "drops: a session on a view compares in that view; a file that is no session says so and keeps the view"
read -r cx cy < <(py get '" ".join(str(int((v["canvas"][0] + v["canvas"][2]) / 2)) + " " + str(int((v["canvas"][1] + v["canvas"][3]) / 2)) for v in j["views"][1:2])')
echo "$cx $cy $tmp/a.epochscope" >"$state.drop"
py wait 'j["compare"] == "a.epochscope" and j["views"][1]["run"] == 1 and "b.epochscope" in j["source"]' 20
echo "5 5 $tmp/train.txt" >"$state.drop"
py wait '"not an epochscope session file" in j["message"] and "b.epochscope" in j["source"] and j["compare"] == "a.epochscope"' 20

step "one wide view: the method menu, the layer menu (wide enough for its name), the arrows and chips in one row"
click_hook views_1
py wait 'j["view_count"] == 1 and "view0_run" in j["hooks"] and "view0_depth" in j["hooks"] and
         j["hooks"]["view0_layer"][2] - j["hooks"]["view0_layer"][0] > 60 and
         j["hooks"]["view0_layer"][1] == j["hooks"]["view0_layer_up"][1]' 10
close
echo "gui_compare_test: ok"
