#!/usr/bin/env bash
# GUI test: any network, every layer (issue "any network, every layer"). A session written by the
# Python writer from an MLP-like model with its own layer names (fc1, fc2, logits, output):
#   - every method lays out fc2 from the command line; an unknown layer is refused listing the file's;
#   - a saved view setting that names a layer the file lacks falls back to its deepest non-output
#     layer and says so once;
#   - in the window, a view's layer menu offers fc1 and fc2 (with their kinds), selecting fc2 lays it
#     out and a point hovered there is reported; Page Down / Page Up and the arrow buttons step the
#     view through the layers in depth order, keeping its method;
#   - the depth strip shows the view's method on every layer, hover and selection linked;
#   - a session of a hundred classes: the legend scrolls, the confusion matrix fits its panel.
# Usage: gui_layers_test.sh path/to/epochscope scratch-dir     (exit 77 = skipped)
set -euo pipefail
exe=$(readlink -f "$1")
tmp=$2
here=$(cd "$(dirname "$0")" && pwd)
state="$tmp/state.json"
source "$here/lib_gui.sh"
session="$tmp/mlp.epochscope"

step "a session from a PyTorch-like MLP, written with python/epochscope_session.py"
/usr/bin/python3 - "$session" "$here/../python" <<'PY'
import sys
import numpy as np
sys.path.insert(0, sys.argv[2])
from epochscope_session import SessionWriter
rng = np.random.default_rng(3)
n = 600
labels = np.arange(n) % 10
images = rng.integers(0, 60, (n, 28, 28)).astype(np.uint8)
for i, c in enumerate(labels):
    images[i, 3 + 2 * c: 6 + 2 * c, 4:24] = 230  # a bar whose height is the class
centres = rng.normal(size=(10, 256)) * 4
with SessionWriter(sys.argv[1], labels=labels, splits=np.arange(n) % 5 == 0, images=images, dataset="fashion",
                   layers=[("fc1", 256, "dense"), ("fc2", 32), ("logits", 10), ("output", 10)]) as w:
    for e in range(4):
        fc1 = centres[labels] * (0.3 + 0.3 * e) + rng.normal(size=(n, 256))
        fc2 = np.maximum(fc1[:, :32] + rng.normal(size=(n, 32)), 0)
        logits = np.eye(10)[labels] * (1 + 2 * e) + rng.normal(size=(n, 10))
        p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
        w.append_frame(e, {"fc1": fc1, "fc2": fc2, "logits": logits, "output": p})
PY
"$exe" info "$session" | grep -q "fc2 (32)" || { "$exe" info "$session"; exit 1; }
"$exe" info "$session" | grep -q "fc1 (dense, 256 units)" || { "$exe" info "$session"; exit 1; }
/usr/bin/python3 - "$tmp/bad.epochscope" "$here/../python" <<'PY'
import sys
import numpy as np
sys.path.insert(0, sys.argv[2])
from epochscope_session import SessionWriter
args = dict(labels=np.zeros(4, int), splits=np.zeros(4), images=np.zeros((4, 2, 2), np.uint8))
for layers, why in (([("fc1", 8, "attention")], "kind must be one of"), ([("a", 2), ("a", 3)], "listed twice"),
                    ([("input", 2)], "not 'input'")):
    try:
        SessionWriter(sys.argv[1], layers=layers, **args)
        sys.exit("accepted %r" % layers)
    except ValueError as e:
        assert why in str(e), e
PY

step "every method lays out fc2 from the command line"
for m in star pca mds sammon graph tsne umap; do
  "$exe" project "$session" --method "$m" --layer fc2 --frames last --quiet --out "$tmp/$m.csv" \
    --tsne-iterations 250 --umap-epochs 100 --mds-iterations 100 2>"$tmp/$m.err" || { cat "$tmp/$m.err"; exit 1; }
  test "$(wc -l <"$tmp/$m.csv")" -eq 601 || { echo "$m: $(wc -l <"$tmp/$m.csv") lines"; exit 1; }
done
set +e
"$exe" project "$session" --method pca --layer conv2 --quiet 2>"$tmp/bad.err"
code=$?
set -e
test $code -eq 1 || { echo "exit $code"; exit 1; }
grep -q "no layer 'conv2' (it has: input, fc1, fc2, logits, output)" "$tmp/bad.err" || { cat "$tmp/bad.err"; exit 1; }

step "a saved view on a layer this file lacks shows its deepest non-output layer, said once"
mkdir -p "$XDG_CONFIG_HOME/epochscope"
cat > "$XDG_CONFIG_HOME/epochscope/gui.json" <<'JSON'
{"view_count": 2, "views": [{"method": "pca", "layer": "conv2"}, {"method": "umap", "layer": "output"}]}
JSON
launch --session "$session"
py wait 'j["views"][0]["layer"] == "logits" and j["views"][1]["layer"] == "output"' 10
test "$(grep -c "layer 'conv2' shows 'logits'" "$tmp/out.txt")" -eq 1 || { cat "$tmp/out.txt"; exit 1; }

step "the layer menu offers the file's layers; fc2 chosen, laid out, a point hovered"
click_hook view0_layer
py wait '"view0_layer_fc2" in j["hooks"] and "view0_layer_fc1" in j["hooks"]' 10
click_hook view0_layer_fc2
py wait 'j["views"][0]["layer"] == "fc2" and j["views"][0]["method"] == "pca" and j["views"][0]["final"]' 60
read -r p x y < <(py sample 0)
move "$x" "$y"
py wait "j['hovered'] == $p and j['views'][1]['hovered_ring'] == $p" 10

step "Page Down / Page Up over the view and the arrows step through the layers, keeping the method"
key Next
py wait 'j["views"][0]["layer"] == "logits" and j["views"][0]["method"] == "pca"' 10
key Prior
key Prior
py wait 'j["views"][0]["layer"] == "fc1"' 10
click_hook view0_layer_up
py wait 'j["views"][0]["layer"] == "input"' 10
click_hook view0_layer_up  # the first layer stays
sleep 0.5
py wait 'j["views"][0]["layer"] == "input"' 5
click_hook view0_layer_down
py wait 'j["views"][0]["layer"] == "fc1" and j["views"][0]["final"]' 60

step "the depth strip: one panel per layer, hover and selection linked with the other view"
click_hook view0_layer
py wait '"view0_depth" in j["hooks"]' 10
click_hook view0_depth
click_hook view0_layer  # close the menu
py wait '[p["layer"] for p in j["views"][0]["strip"]] == ["input", "fc1", "fc2", "logits", "output"] and
         all(p["layout_frame"] == 3 for p in j["views"][0]["strip"])' 120
read -r p x y < <(py sample 1)
move "$x" "$y"
py wait "j['hovered'] == $p and all(s['hovered_ring'] == $p for s in j['views'][0]['strip'])" 10
click
py wait "j['selection'] == [$p] and all(len(s['trace_lengths']) == 1 for s in j['views'][0]['strip'])" 10
close
python3 -c "import json, sys; v = json.load(open(sys.argv[1]))['views'][0]; assert v.get('depth_strip') is True, v" \
  "$XDG_CONFIG_HOME/epochscope/gui.json"  # the strip is remembered

step "a hundred classes: the legend scrolls in its own box, the confusion matrix fits the panel"
/usr/bin/python3 - "$tmp/c100.epochscope" "$here/../python" <<'PY'
import sys
import numpy as np
sys.path.insert(0, sys.argv[2])
from epochscope import SessionWriter
rng = np.random.default_rng(1)
n, k = 1000, 100
labels = np.arange(n) % k
with SessionWriter(sys.argv[1], labels=labels, splits=np.arange(n) % 5 == 0, classes=["c%d" % c for c in range(k)],
                   images=rng.integers(0, 255, (n, 8, 8), dtype=np.uint8), layers=[("hidden", 8), ("output", k)]) as w:
    for e in range(2):
        z = np.eye(k)[labels] * (3 * e + 1) + rng.normal(size=(n, k))
        w.append_frame(e, {"hidden": rng.normal(size=(n, 8)), "output": np.exp(z) / np.exp(z).sum(1, keepdims=True)})
PY
echo '{"view_count": 1, "views": [{"method": "pca", "layer": "hidden"}]}' >"$XDG_CONFIG_HOME/epochscope/gui.json"
launch --session "$tmp/c100.epochscope"
py wait '"legend_list" in j["hooks"] and "legend_99" in j["hooks"] and "confusion" in j["hooks"] and
         j["hooks"]["confusion"][2] <= j["hooks"]["legend_list"][0] and
         j["hooks"]["legend_list"][3] - j["hooks"]["legend_list"][1] < 20 * 30' 20
close
echo "gui_layers_test: ok"
