#!/usr/bin/env bash
# GUI test: colour and text points (issue "your own PyTorch model"). Two small sessions from the
# Python package's writer (tests/make_point_kinds.py): 16 x 16 RGB thumbnails with a caption each,
# and the same points with texts only.
#   - hovering a point of the colour run shows its colour image, classes and caption in the tooltip;
#     "Point images" draws every point as its photo;
#   - the texts-only run has no input layer and no images: hovering shows the point's text, the
#     images box is off;
#   - the Neurons panel shows the layer's units; clicking one colours the views by it and lists its
#     top-activating points; the legend's button brings the class colours back;
#   - `render` draws both (the texts-only one as discs, with a warning for --images).
# Usage: gui_points_test.sh path/to/epochscope scratch-dir     (exit 77 = skipped)
set -euo pipefail
exe=$(readlink -f "$1")
tmp=$2
here=$(cd "$(dirname "$0")" && pwd)
state="$tmp/state.json"
SCREEN=1280x1300x24  # tall: the Neurons panel below the charts without scrolling
source "$here/lib_gui.sh"
/usr/bin/python3 -c "import numpy, msgpack" 2>/dev/null || { echo "skipped: python3-numpy or python3-msgpack missing"; exit 77; }

/usr/bin/python3 "$here/make_point_kinds.py" "$tmp"
mkdir -p "$XDG_CONFIG_HOME/epochscope"
cat > "$XDG_CONFIG_HOME/epochscope/gui.json" <<'JSON'
{"view_count": 1, "views": [{"method": "pca", "layer": "hidden"}]}
JSON

# hover_point VIEW: moves over an isolated point of the view; prints its index.
hover_point() {
  local p x y
  read -r p x y < <(py sample "$1")
  move "$x" "$y"
  echo "$p"
}

step "a colour run: the tooltip shows the point's colour image, its classes and its caption"
launch --session "$tmp/rgb.epochscope"
py wait 'j["views"][0]["final"] and j["views"][0]["layer"] == "hidden"' 30
p=$(hover_point 0)
py wait "j['tooltip'] and j['tooltip_point'] == $p and j['tooltip_image'] == 'rgb' and
         'point #$p' in j['tooltip_text'] and 'true: ' in j['tooltip_text'] and
         'number $p \u2013 caf\u00e9' in j['tooltip_text']" 10

step "hovering the readouts computes the layout's trustworthiness, continuity and distance rho (as project --json)"
read -r rx ry < <(py center view0_readouts)
move "$rx" "$ry"
py wait 'j["views"][0]["trustworthiness"] > 0 and j["views"][0]["distance_rho"] > -2' 20
"$exe" project "$tmp/rgb.epochscope" --method pca --layer hidden --frames last --json --quiet >"$tmp/pca.json"
py get "(abs(j['views'][0]['trustworthiness'] - $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[0]["trustworthiness_at_10"])' "$tmp/pca.json")) < 1e-6 and
        abs(j['views'][0]['continuity'] - $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[0]["continuity_at_10"])' "$tmp/pca.json")) < 1e-6)" | grep -q True

step "Ctrl + drag: a lasso selects the points inside it (by their screen positions), Shift adds, Alt takes away"
read -r cx cy w h < <(py get '" ".join(str(int(v)) for v in ((j["views"][0]["canvas"][0] + j["views"][0]["canvas"][2]) / 2, (j["views"][0]["canvas"][1] + j["views"][0]["canvas"][3]) / 2, j["views"][0]["canvas"][2] - j["views"][0]["canvas"][0], j["views"][0]["canvas"][3] - j["views"][0]["canvas"][1]))')
lasso() {  # lasso MODIFIER x1 y1 x2 y2 ...: Ctrl (+ MODIFIER) held, the button down along the corners
  local mod=$1; shift
  xdotool keydown ctrl; [[ $mod != none ]] && xdotool keydown "$mod"
  xdotool mousemove --window "$wid" --sync "$1" "$2"; sleep 0.3; xdotool mousedown 1; sleep 0.3
  shift 2
  while (($# >= 2)); do xdotool mousemove --window "$wid" --sync "$1" "$2"; sleep 0.35; shift 2; done
  xdotool mouseup 1; sleep 0.4
  [[ $mod != none ]] && xdotool keyup "$mod"; xdotool keyup ctrl; sleep 0.5
}
# inside X1 Y1 X2 Y2 X3 Y3: the selection must be the points inside that triangle (points within 2 px
# of an edge may go either way), and at least one.
inside() {
  python3 - "$state" "$@" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
v = [float(a) for a in sys.argv[2:]]
tri = [(v[0], v[1]), (v[2], v[3]), (v[4], v[5])]
def side(p, a, b):
    return (b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0])
def margin(p):  # signed distance to the nearest edge, positive inside
    out = []
    for a, b in zip(tri, tri[1:] + tri[:1]):
        length = ((b[0] - a[0]) ** 2 + (b[1] - a[1]) ** 2) ** 0.5
        out.append(side(p, a, b) / length)
    s = 1 if sum(out) > 0 else -1
    return min(s * d for d in out)
screen = j["views"][0]["screen"]
sel = set(j["selection"])
wrong = [i for i in range(len(screen) // 2)
         if abs(margin((screen[2 * i], screen[2 * i + 1]))) > 2 and
         ((margin((screen[2 * i], screen[2 * i + 1])) > 0) != (i in sel))]
assert sel and not wrong, ("lasso", len(sel), wrong[:10])
print("lasso: %d points selected, all inside" % len(sel))
PY
}
x1=$((cx - w / 4)); y1=$((cy - h / 4)); x2=$((cx + w / 4)); y2=$((cy - h / 4)); x3=$cx; y3=$((cy + h / 4))
lasso none $x1 $y1 $x2 $y2 $x3 $y3 $x1 $y1
py wait 'j["views"][0]["lasso_count"] > 0 and len(j["selection"]) == j["views"][0]["lasso_count"]' 10
inside $x1 $y1 $x2 $y2 $x3 $y3
n1=$(py get 'len(j["selection"])')
lasso alt $x1 $y1 $x2 $y2 $x3 $y3 $x1 $y1   # Alt: the same triangle taken away
py wait 'j["selection"] == []' 10
lasso shift $x1 $y1 $x2 $y2 $x3 $y3 $x1 $y1
py wait "len(j['selection']) == $n1" 10

step "the Selection panel lists the lassoed points; a row click inspects that point; Save CSV writes the table"
click_hook selection_header
py wait 'sorted(j["selection_rows"]) == sorted(j["selection"]) and j["selection_rows"] == sorted(j["selection_rows"])' 10
click_hook selection_row_2
py wait 'j["selection"][j["inspected"]] == j["selection_rows"][2]' 10
click_hook selection_csv
for _ in $(seq 1 50); do ls "$EPOCHSCOPE_DATA_HOME"/exports/rgb-selection-1.csv >/dev/null 2>&1 && break; sleep 0.2; done
csv="$EPOCHSCOPE_DATA_HOME/exports/rgb-selection-1.csv"
head -1 "$csv" | grep -q '^index,true,predicted,confidence,first_correct_epoch,view1_pca_hidden_x,view1_pca_hidden_y$' || { head -2 "$csv"; exit 1; }
test "$(wc -l <"$csv")" -eq $((n1 + 1)) || { wc -l "$csv"; exit 1; }

step "the selection saved under a name is in the session file, and back when it is opened again"
click_hook selection_name
xdotool type --delay 60 "triangle"
sleep 0.4
click_hook selection_save
py wait "len(j['saved_selections'].get('triangle', [])) == $n1" 10
close
"$exe" info --json "$tmp/rgb.epochscope" | python3 -c "import json, sys; j = json.load(sys.stdin); assert j['selections'] == {'triangle': $n1}, j['selections']"
launch --session "$tmp/rgb.epochscope"
py wait 'j["views"][0]["final"]' 30
click_hook selection_header
py wait "len(j['saved_selections'].get('triangle', [])) == $n1 and j['selection'] == []" 10
click_hook saved_selection_triangle
py wait "len(j['selection']) == $n1" 10
click_hook selection_header  # closed again
key Escape

step "Neighbours in the layer: a hovered point's 10 nearest in the hidden layer (as numpy finds them), ringed in the view"
click_hook neighbours_header
p=$(hover_point 0)
py wait "j['neighbours_of'] == $p and len(j['neighbours']) == 10 and j['views'][0]['neighbour_rings'] == 10" 10
py get 'j["neighbours"]' >"$tmp/neighbours.txt"
PYTHONPATH="$here/../python" /usr/bin/python3 - "$tmp/rgb.epochscope" "$p" "$tmp/neighbours.txt" <<'PY'
import ast, sys
import numpy as np
from epochscope.session import decode_matrix, read_records
frames = [r for r in read_records(sys.argv[1]) if r.get("type") == "frame"]
hidden = decode_matrix(frames[-1]["layers"]["hidden"]).astype(np.float64)
p = int(sys.argv[2])
d = np.linalg.norm(hidden - hidden[p], axis=1)
d[p] = np.inf
want = [int(i) for i in np.argsort(d, kind="stable")[:10]]
got = ast.literal_eval(open(sys.argv[3]).read())
assert got == want, (got, want)
print("neighbours of", p, "in the layer:", got)
PY
click_hook neighbours_header  # closed again

step "Filter: the true class 'lime' keeps its 30 points; the rest greyed; 'Select them' selects them"
key Escape
click_hook filter_header
click_hook filter_true
py wait '"filter_true_3" in j["hooks"]' 10
click_hook filter_true_3
py wait 'j["filter_kept"] == 30' 10
click_hook filter_grey
py wait 'j["filter_grey"]' 10
click_hook filter_select
py wait 'len(j["selection"]) == 30 and all(p % 10 == 3 for p in j["selection"])' 10
key Escape

step "Neurons: the hidden layer's 8 units; a click on a column colours the views by that unit"
click_hook neurons_header
py wait 'len(j["neurons_columns"]) == 8 and "neurons_matrix" in j["hooks"]' 10
read -r u mx my < <(py get '" ".join(str(int(v)) for v in (j["neurons_columns"][0], j["hooks"]["neurons_matrix"][0] + 2, (j["hooks"]["neurons_matrix"][1] + j["hooks"]["neurons_matrix"][3]) / 2))')
move "$mx" "$my"
click
py wait "j['unit'] == $u and j['unit_layer'] == 'hidden' and 'neurons_top_15' in j['hooks'] and 'unit_clear' in j['hooks']" 10
click_hook unit_clear
py wait 'j["unit"] == -1' 10
close

step "a texts-only run: no input layer, no images; the tooltip shows the point's text"
launch --session "$tmp/texts.epochscope"
py wait 'j["views"][0]["final"]' 30
p=$(hover_point 0)
py wait "j['tooltip'] and j['tooltip_point'] == $p and j['tooltip_image'] == 'none' and
         'number $p \u2013' in j['tooltip_text'] and 'predicted: ' in j['tooltip_text']" 10
close

step "render draws both kinds; --images on a run without images says so and draws discs"
"$exe" render "$tmp/rgb.epochscope" --layer hidden --images --point-size 7 --size 600x450 --png "$tmp/rgb.png"
py check-png "$tmp/rgb.png"
"$exe" render "$tmp/texts.epochscope" --layer hidden --images --size 600x450 --png "$tmp/texts.png" 2>"$tmp/err.txt"
grep -q "the session has no images; drawing discs" "$tmp/err.txt" || { cat "$tmp/err.txt"; exit 1; }
py check-png "$tmp/texts.png"
"$exe" render "$tmp/texts.epochscope" --layer input --png "$tmp/x.png" 2>"$tmp/err.txt" && exit 1
grep -q "no layer 'input'" "$tmp/err.txt" || { cat "$tmp/err.txt"; exit 1; }
echo "gui_points_test: passed"
