#!/usr/bin/env bash
# GUI test: 70,000 points drawn as density (issue "70,000 points, live"). A synthetic session from
# the Python package's writer (tests/make_crowd.py: ten Gaussian clusters, two frames), one PCA view.
#   - the view switches to density by itself (its sprites would cover each pixel several times) and
#     says so; hovering still finds the point under the cursor and rings it;
#   - a lasso selects thousands of points, drawn as sprites over the density;
#   - "drawing: points" in the settings draws sprites again; `render --density on` writes a PNG.
# Usage: gui_crowd_test.sh path/to/epochscope scratch-dir     (exit 77 = skipped)
set -euo pipefail
exe=$(readlink -f "$1")
tmp=$2
here=$(cd "$(dirname "$0")" && pwd)
state="$tmp/state.json"
source "$here/lib_gui.sh"
/usr/bin/python3 -c "import numpy, msgpack" 2>/dev/null || { echo "skipped: python3-numpy or python3-msgpack missing"; exit 77; }

/usr/bin/python3 "$here/make_crowd.py" "$tmp"
mkdir -p "$XDG_CONFIG_HOME/epochscope"
echo '{"view_count": 1, "views": [{"method": "pca", "layer": "hidden"}]}' >"$XDG_CONFIG_HOME/epochscope/gui.json"

step "70,000 points: the PCA view draws density by itself, and says so"
launch --session "$tmp/crowd.epochscope"
py wait 'j["points"] == 70000 and j["views"][0]["final"] and j["views"][0]["layout_frame"] == 1' 60
py wait 'j["density_mode"] == "auto" and j["views"][0]["density"] and j["views"][0]["coverage"] > 2' 10

step "hovering in density mode finds the point under the cursor and rings it"
read -r cx cy w h < <(py get '" ".join(str(int(v)) for v in ((j["views"][0]["canvas"][0] + j["views"][0]["canvas"][2]) / 2, (j["views"][0]["canvas"][1] + j["views"][0]["canvas"][3]) / 2, j["views"][0]["canvas"][2] - j["views"][0]["canvas"][0], j["views"][0]["canvas"][3] - j["views"][0]["canvas"][1]))')
found=0
for dx in 0 -40 40 -80 80; do  # the first spot with a point under the cursor
  move $((cx + dx)) "$cy"
  if py wait 'j["hovered"] >= 0 and j["tooltip"] and j["views"][0]["hovered_ring"] == j["hovered"]' 3 2>/dev/null; then
    found=1
    break
  fi
done
test $found = 1 || { echo "no point found under the cursor"; exit 1; }

step "a lasso selects thousands of points; they are drawn as sprites over the density"
xdotool keydown ctrl
xdotool mousemove --window "$wid" --sync $((cx - w / 4)) $((cy - h / 4)); sleep 0.3; xdotool mousedown 1; sleep 0.3
for corner in "$((cx + w / 4)) $((cy - h / 4))" "$((cx + w / 4)) $((cy + h / 4))" "$((cx - w / 4)) $((cy + h / 4))" "$((cx - w / 4)) $((cy - h / 4))"; do
  xdotool mousemove --window "$wid" --sync $corner; sleep 0.35
done
xdotool mouseup 1; sleep 0.4; xdotool keyup ctrl; sleep 0.5
py wait 'j["views"][0]["lasso_count"] > 1000 and len(j["selection"]) == j["views"][0]["lasso_count"]' 30
py wait 'j["views"][0]["density"]' 10
key F12
py wait "j['last_screenshot'] != ''" 20
py check-png "$(py get 'j["last_screenshot"]')"
close

step "drawing: points (the setting) draws sprites again"
echo '{"view_count": 1, "views": [{"method": "pca", "layer": "hidden"}], "density": "off"}' >"$XDG_CONFIG_HOME/epochscope/gui.json"
launch --session "$tmp/crowd.epochscope"
py wait 'j["views"][0]["final"] and j["views"][0]["layout_frame"] == 1 and j["density_mode"] == "off"' 60
py wait 'not j["views"][0]["density"] and j["views"][0]["coverage"] > 2' 10
close

step "render --density on writes the density picture"
"$exe" render "$tmp/crowd.epochscope" --method pca --layer hidden --density on --size 500x400 --png "$tmp/crowd.png" >/dev/null
py check-png "$tmp/crowd.png"
echo "gui_crowd_test: passed"
