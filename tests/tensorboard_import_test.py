#!/usr/bin/env python3
"""`epochscope import-tensorboard` on log directories laid out exactly as PyTorch's
SummaryWriter.add_embedding() lays them out (torch/utils/tensorboard/_embedding.py: make_tsv,
make_sprite, make_mat, get_embedding_info, write_pbtxt; built here without TensorBoard installed):
3 steps with a sprite and a metadata header, 3 steps without either, a step over other points
(refused), and a log with two tags (--tag chooses).
Usage: tensorboard_import_test.py path/to/epochscope"""
import json
import math
import os
import struct
import subprocess
import sys
import tempfile
import zlib

import numpy as np

EXE = sys.argv[1]


def png(path, grey):
    """A greyscale 8-bit PNG (what PIL writes for the sprite, minus the colour channels)."""
    h, w = grey.shape
    raw = b"".join(b"\x00" + grey[y].astype(np.uint8).tobytes() for y in range(h))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def add_embedding(logdir, config, mat, step, tag="default", metadata=None, header=None, images=None):
    sub = "%s/%s" % (str(step).zfill(5), tag)
    os.makedirs(os.path.join(logdir, sub), exist_ok=True)
    with open(os.path.join(logdir, sub, "tensors.tsv"), "w") as f:
        f.write("".join("\t".join(str(float(v)) for v in row) + "\n" for row in mat))
    entry = ['embeddings {', '  tensor_name: "%s:%s"' % (tag, str(step).zfill(5)),
             '  tensor_path: "%s/tensors.tsv"' % sub]
    if metadata is not None:
        lines = [str(m) for m in metadata] if not header else ["\t".join(header)] + ["\t".join(map(str, m)) for m in metadata]
        with open(os.path.join(logdir, sub, "metadata.tsv"), "w") as f:
            f.write("\n".join(lines) + "\n")
        entry.append('  metadata_path: "%s/metadata.tsv"' % sub)
    if images is not None:  # N x H x W in 0..1, a grid of ceil(sqrt(N)) columns, square canvas
        n, h, w = images.shape
        cols = int(math.ceil(n ** 0.5))
        rows = int(math.ceil(n / cols))
        canvas = np.zeros((cols * w, cols * w))
        for i in range(n):
            canvas[(i // cols) * h:(i // cols + 1) * h, (i % cols) * w:(i % cols + 1) * w] = images[i]
        png(os.path.join(logdir, sub, "sprite.png"), (canvas[:max(rows * h, cols * w)] * 255).clip(0, 255))
        entry += ['  sprite {', '    image_path: "%s/sprite.png"' % sub, '    single_image_dim: %d' % w,
                  '    single_image_dim: %d' % h, '  }']
    config.append("\n".join(entry + ["}"]))
    with open(os.path.join(logdir, "projector_config.pbtxt"), "w") as f:
        f.write("\n".join(config) + "\n")


def run(*args):
    return subprocess.run([EXE] + list(args), capture_output=True, text=True)


def info(path):
    r = run("info", path, "--json")
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def main():
    tmp = tempfile.mkdtemp(prefix="tb-")
    rng = np.random.default_rng(0)
    n = 30
    labels = np.arange(n) % 3
    images = rng.random((n, 6, 5))
    centres = rng.normal(size=(3, 8)) * 4

    # Three steps, a metadata header (two columns) and a sprite.
    log = os.path.join(tmp, "runs")
    config = []
    for step in (0, 10, 20):
        mat = centres[labels] * step / 20 + rng.normal(size=(n, 8))
        meta = [("class%d" % l, "x%d" % i) for i, l in enumerate(labels)]
        add_embedding(log, config, mat, step, metadata=meta, header=["kind", "id"], images=images)
    out = os.path.join(tmp, "runs.epochscope")
    r = run("import-tensorboard", log, "--label-column", "kind", "--out", out)
    assert r.returncode == 0, r.stderr
    j = info(out)
    assert [f["epoch"] for f in j["frames"]] == [0, 10, 20], j["frames"]
    assert j["layers"] == {"embedding": 8} and j["points"] == n, j
    assert j["classes"] == ["class0", "class1", "class2"], j["classes"]
    assert j["image_shape"] == [6, 5], j["image_shape"]
    # Each point's thumbnail is its cell of the sprite.
    csv = os.path.join(tmp, "input.csv")
    r = run("export", out, "--layer", "input", "--frame", "0", "--out", csv)
    assert r.returncode == 0, r.stderr
    rows = open(csv).read().splitlines()[1:]
    for i in (0, 7, n - 1):
        pixels = np.array([float(v) for v in rows[i].split(",")[3:]])
        assert np.abs(pixels - images[i].reshape(-1)).max() <= 1 / 255 + 1e-6, i
    r = run("project", out, "--method", "pca", "--layer", "embedding", "--frames", "all", "--quiet",
            "--out", os.path.join(tmp, "pca.csv"))
    assert r.returncode == 0, r.stderr
    r = run("import-tensorboard", log, "--label-column", "colour", "--out", os.path.join(tmp, "x.epochscope"))
    assert r.returncode == 1 and "no column 'colour' (it has: kind, id)" in r.stderr, r.stderr

    # Without a sprite, one label a line (no header); numeric labels sort as numbers.
    plain = os.path.join(tmp, "plain")
    config = []
    for step in (0, 1, 2):
        add_embedding(plain, config, rng.normal(size=(n, 4)), step, metadata=[int(l) * 5 for l in labels])
    r = run("import-tensorboard", plain, "--out", os.path.join(tmp, "plain.epochscope"))
    assert r.returncode == 0, r.stderr
    j = info(os.path.join(tmp, "plain.epochscope"))
    assert j["classes"] == ["0", "5", "10"] and len(j["frames"]) == 3, j
    # No sprite: no images (format 1.4), so no input layer; no predictions: metrics unknown, not 100%.
    assert j["image_channels"] == 0 and j["image_shape"] == [0, 0], j
    assert all(f["heldout_accuracy"] is None and f["train_loss"] is None for f in j["frames"]), j["frames"]

    # A step over other points is refused in one line, naming both.
    bad = os.path.join(tmp, "bad")
    config = []
    add_embedding(bad, config, rng.normal(size=(n, 4)), 0)
    add_embedding(bad, config, rng.normal(size=(n - 5, 4)), 1)
    r = run("import-tensorboard", bad, "--out", os.path.join(tmp, "bad.epochscope"))
    assert r.returncode == 1 and r.stderr.count("\n") == 1, r.stderr
    assert "step 1 holds 25 points of 4 values, step 0 holds 30 of 4" in r.stderr, r.stderr

    # Two tags: the importer asks which; --tag chooses.
    two = os.path.join(tmp, "two")
    config = []
    for step in (0, 1):
        add_embedding(two, config, rng.normal(size=(n, 4)), step, tag="features")
        add_embedding(two, config, rng.normal(size=(n, 3)), step, tag="logits")
    r = run("import-tensorboard", two, "--out", os.path.join(tmp, "two.epochscope"))
    assert r.returncode == 1 and "choose one with --tag (features, logits)" in r.stderr, r.stderr
    r = run("import-tensorboard", two, "--tag", "logits", "--out", os.path.join(tmp, "two.epochscope"))
    assert r.returncode == 0, r.stderr
    assert info(os.path.join(tmp, "two.epochscope"))["layers"] == {"embedding": 3}
    r = run("import-tensorboard", tmp, "--out", os.path.join(tmp, "none.epochscope"))
    assert r.returncode == 1 and "no projector_config.pbtxt" in r.stderr, r.stderr
    print("tensorboard_import_test: ok")


if __name__ == "__main__":
    main()
