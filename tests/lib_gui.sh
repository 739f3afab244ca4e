# Sourced by the GUI tests (tests/gui_*.sh) after they set `exe`, `tmp`, `here` and `state`: moving
# and clicking with xdotool, reading the app's --test-state JSON, a view's header toggles,
# launching and closing the window. A test may define its own version of any of them after.
# Re-executes the sourcing script under Xvfb first (screen SCREEN, default 1280x720x24); exits 77
# (skipped) when xvfb-run, xdotool or python3 is missing.
if [[ "${GUI_TEST_INNER:-}" != 1 ]]; then
  for tool in xvfb-run xdotool python3; do
    command -v "$tool" >/dev/null || { echo "skipped: $tool is not installed"; exit 77; }
  done
  rm -rf "$tmp" && mkdir -p "$tmp"
  GUI_TEST_INNER=1 exec xvfb-run -a -s "-screen 0 ${SCREEN:-1280x720x24}" bash "$0" "$exe" "$tmp"
fi

export XDG_CONFIG_HOME="$tmp/config" EPOCHSCOPE_DATA_HOME="$tmp/data-home"
py() { python3 "$here/gui_driver.py" "$state" "$@"; }
step() { echo "-- $*"; }
move() { xdotool mousemove --window "$wid" --sync "$1" "$2"; sleep 0.3; xdotool mousemove --window "$wid" --sync "$(($1 + 1))" "$2"; sleep 0.4; }
click() { xdotool mousedown 1; sleep 0.3; xdotool mouseup 1; sleep 0.5; }
key() { xdotool keydown "$1"; sleep 0.15; xdotool keyup "$1"; sleep 0.4; }
click_hook() {
  local hx hy hx2 hy2
  read -r hx hy < <(py center "$1")
  move "$hx" "$hy"
  # Moving there may change what is hovered and so the panel's layout: aim again where it settled.
  read -r hx2 hy2 < <(py center "$1")
  if [[ "$hx2 $hy2" != "$hx $hy" ]]; then move "$hx2" "$hy2"; fi
  click
}
# toggle VIEW WHAT: clicks a view's header control "viewVIEW_WHAT" ("change", "3d", "depth", "run");
# a narrow view keeps them in its one menu, which is opened first and closed after.
toggle() {
  local cx cy opened=0
  read -r cx cy < <(py center "combo$1")
  if ! py has "view$1_$2"; then
    move "$cx" "$cy"
    click
    py wait "'view$1_$2' in j['hooks']" 10
    opened=1
  fi
  click_hook "view$1_$2"
  if [[ $opened == 1 ]]; then move "$cx" "$cy"; click; fi
}
# launch ARGS...: the window with ARGS, once it shows a frame.
launch() {
  "$exe" "$@" --test-state "$state" >"$tmp/out.txt" 2>&1 &
  app=$!
  trap 'kill $app 2>/dev/null || true' EXIT
  wid=$(xdotool search --sync --name '^epochscope$' | head -1)
  py wait 'j["frames"] > 0' 60
}
close() {
  kill -TERM "$app"
  wait "$app"
  trap - EXIT
}
