#!/usr/bin/env python3
"""Helpers for the GUI tests: read the app's --test-state JSON, make a tiny IDX dataset, check PNGs.

gui_driver.py STATE wait EXPR SECONDS   wait until EXPR (Python, `j` = the state) holds
gui_driver.py STATE get EXPR            print EXPR
gui_driver.py STATE sample VIEW         print "point x y" of an isolated point of a view
gui_driver.py STATE center HOOK         print "x y", the centre of a widget (comboN: view N's method menu)
gui_driver.py STATE watch INV UNTIL SECONDS [SEEN]  fail if INV ever breaks before UNTIL holds (or SEEN never held)
gui_driver.py STATE has HOOK            exit status 0 when the app reports that widget
gui_driver.py - make-idx DIR [N]        write 10 easily learnt classes as the four IDX files (N training images)
gui_driver.py - check-png FILE          fail unless FILE is a PNG that is not blank
"""
import json, os, random, struct, sys, time, zlib


def load(path):
    with open(path) as f:
        return json.load(f)


def wait(path, expr, timeout):
    end, last, err = time.time() + float(timeout), None, None
    while time.time() < end:
        try:
            j = load(path)
            last = j
            if eval(f"({expr})", {"j": j}):
                return
        except (OSError, ValueError, KeyError, IndexError, TypeError) as e:
            err = e
        time.sleep(0.1)
    brief = {k: last[k] for k in ("frames", "frame", "hovered", "tooltip", "selection", "highlight_class",
                                  "pinned_class", "message")} if last else None
    if brief and len(brief["selection"]) > 20:  # 70,000 points: the count, not the list
        brief["selection"] = "%d points" % len(brief["selection"])
    views = [{k: v[k] for k in ("method", "status", "layout_frame", "hovered_ring", "trace_lengths")}
             for v in last["views"]] if last else None
    sys.exit(f"timed out after {timeout}s waiting for: {expr}\n  state: {brief}\n  views: {views}\n  last error: {err}")


def watch(path, invariant, until, timeout, seen=None):
    """Polls the state until UNTIL holds; fails the moment INVARIANT does not, or at the end when
    SEEN (if given) never held: a property of every frame drawn meanwhile, not of one moment."""
    end, was_seen, last = time.time() + float(timeout), seen is None, None
    while time.time() < end:
        try:
            j = load(path)
        except (OSError, ValueError):
            time.sleep(0.05)
            continue
        last = j
        env = {"j": j}
        if not eval(f"({invariant})", env):
            views = [{k: v.get(k) for k in ("method", "status", "layout_frame", "badge")} for v in j["views"]]
            sys.exit(f"broken: {invariant}\n  frame {j['frame']} of {j['frames']}, views: {views}")
        was_seen = was_seen or bool(eval(f"({seen})", env))
        if eval(f"({until})", env):
            if not was_seen:
                sys.exit(f"never seen: {seen}")
            return
        time.sleep(0.05)
    views = [{k: v.get(k) for k in ("method", "status", "layout_frame", "badge")} for v in last["views"]] if last else None
    sys.exit(f"timed out after {timeout}s waiting for: {until}\n  views: {views}")


def make_idx(out, n_train=600):
    os.makedirs(out, exist_ok=True)
    rng = random.Random(7)

    def images(n):
        labels, pix = [], bytearray()
        for i in range(n):
            c = i % 10
            labels.append(c)
            for y in range(28):
                for x in range(28):
                    on = (4 + 4 * c <= y < 7 + 4 * c) if c < 5 else (4 + 4 * (c - 5) <= x < 7 + 4 * (c - 5))
                    pix.append(200 + rng.randrange(56) if on else rng.randrange(60))
        return labels, pix

    for prefix, n in (("train", n_train), ("t10k", 200)):
        labels, pix = images(n)
        with open(os.path.join(out, f"{prefix}-images-idx3-ubyte"), "wb") as f:
            f.write(struct.pack(">IIII", 0x803, n, 28, 28) + bytes(pix))
        with open(os.path.join(out, f"{prefix}-labels-idx1-ubyte"), "wb") as f:
            f.write(struct.pack(">II", 0x801, n) + bytes(labels))


def read_png(path):
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, w = 8, b"", 0
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and ctype in (2, 6), "unexpected PNG format"
            bpp = 4 if ctype == 6 else 3
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    raw, stride, rows, prev = zlib.decompress(idat), w * bpp, [], bytearray(w * bpp)
    for y in range(h):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if f == 1: line[i] = (line[i] + a) & 255
            elif f == 2: line[i] = (line[i] + b) & 255
            elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(line)
        prev = line
    return w, h, bpp, rows


def check_png(path):
    w, h, bpp, rows = read_png(path)
    colours, differ, first = set(), 0, bytes(rows[0][:3])
    for line in rows[::4]:
        for x in range(0, w * bpp, bpp * 4):
            px = bytes(line[x:x + 3])
            colours.add(px)
            differ += px != first
    samples = len(rows[::4]) * len(range(0, w * bpp, bpp * 4))
    print(f"{path}: {w}x{h}, {len(colours)} colours, {100 * differ / samples:.1f}% differ from the corner")
    if len(colours) < 50 or differ < 0.05 * samples:
        sys.exit(f"{path} looks blank")


if __name__ == "__main__":
    state, cmd = sys.argv[1], sys.argv[2]
    if cmd == "wait":
        wait(state, sys.argv[3], sys.argv[4])
    elif cmd == "get":
        j = load(state)
        print(eval(sys.argv[3], {}, {"j": j}))
    elif cmd == "sample":  # point x y of view N's first isolated sample point
        p = load(state)["views"][int(sys.argv[3])]["samples"][0]
        print(p["point"], int(round(p["x"])), int(round(p["y"])))
    elif cmd == "center":  # x y of the centre of a hook rectangle (or of view N's method menu: comboN)
        j = load(state)
        name = sys.argv[3]
        r = j["views"][int(name[5:])]["method_combo"] if name.startswith("combo") else j["hooks"][name]
        print(int((r[0] + r[2]) / 2), int((r[1] + r[3]) / 2))
    elif cmd == "has":  # exit status 0 when the app reports a hook of that name
        sys.exit(0 if sys.argv[3] in load(state)["hooks"] else 1)
    elif cmd == "left":  # x y a few pixels inside the left end of a hook rectangle
        r = load(state)["hooks"][sys.argv[3]]
        print(int(r[0]) + 4, int((r[1] + r[3]) / 2))
    elif cmd == "make-idx":
        make_idx(sys.argv[3], *(int(a) for a in sys.argv[4:5]))
    elif cmd == "watch":  # INVARIANT UNTIL SECONDS [SEEN]
        watch(state, sys.argv[3], sys.argv[4], sys.argv[5], *sys.argv[6:7])
    elif cmd == "check-png":
        check_png(sys.argv[3])
    else:
        sys.exit(f"unknown command {cmd}")
