#!/usr/bin/python3
"""A small CNN on colour images, recorded with the epochscope package's Recorder: every layer over
fixed tracked images after each epoch (the thumbnails in colour), and the path of the parameters
after every optimizer step (Recorder(optimizer=...): no rec.step() call in the loop). Watch it:

    /usr/bin/python3 examples/color_cnn.py --epochs 6 --out color.epochscope
    epochscope --follow color.epochscope

By default it makes its own data: 32 x 32 pictures of ten classes, a shape (disc, square, triangle,
ring or striped square) in a colour (red, green or blue), so that neither the colour nor the shape
alone tells the class (a red disc and a red ring differ by shape, a red disc and a green disc by
colour), on noisy grey backgrounds, drawn with numpy from --seed. Or any RGB data:
`--data FILE.npz` with arrays x (N x H x W x 3 or N x 3 x H x W, uint8), y (N class indices) and
optionally classes (the class names); a seeded fifth of it is held out. Images over 64 pixels a
side are stored shrunk to 64 (the network sees them whole).

Needs Debian's python3-torch, python3-numpy and python3-msgpack (scripts/setup.sh installs them).
"""
import argparse
import os
import sys
import time
from collections import OrderedDict

import numpy as np
import torch
from torch import nn

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
import epochscope  # noqa: E402

SHAPES = ["disc", "square", "triangle", "ring", "stripes"]
COLOURS = {"red": (0.85, 0.15, 0.12), "green": (0.15, 0.70, 0.20), "blue": (0.15, 0.30, 0.90)}
# Each shape in two colours, each colour with three or four shapes.
CLASSES = [("red", "disc"), ("green", "disc"), ("green", "square"), ("blue", "square"), ("blue", "triangle"),
           ("red", "triangle"), ("red", "ring"), ("blue", "ring"), ("green", "stripes"), ("red", "stripes")]


def shapes(count, rng, size=32):
    """count x 5 masks (one per SHAPES entry) of randomly placed, sized and turned shapes."""
    yy, xx = (np.mgrid[0:size, 0:size] + 0.5).astype(np.float32)
    cy, cx = rng.uniform(0.3 * size, 0.7 * size, (2, count)).astype(np.float32)
    r = rng.uniform(0.19 * size, 0.31 * size, count).astype(np.float32)[:, None, None]
    turn = rng.uniform(0, 2 * np.pi, count).astype(np.float32)[:, None, None]
    dy, dx = yy[None] - cy[:, None, None], xx[None] - cx[:, None, None]
    u, v = dx * np.cos(turn) + dy * np.sin(turn), -dx * np.sin(turn) + dy * np.cos(turn)
    dist = np.hypot(dx, dy)
    square = np.maximum(np.abs(u), np.abs(v)) <= 0.8 * r
    # A triangle inscribed in the circle of radius r: inside all three edges' half-planes.
    triangle = np.ones_like(square)
    for k in range(3):
        a = turn + k * 2 * np.pi / 3
        triangle &= dx * np.cos(a) + dy * np.sin(a) <= 0.5 * r
    stripes = square & (np.sin(u * (2 * np.pi / 4.0)) > 0)
    return np.stack([dist <= 0.85 * r, square, triangle, (dist <= r) & (dist >= 0.55 * r), stripes], axis=1)


def synthetic(count, seed, size=32):
    """count uint8 images (N x size x size x 3) and labels, ten balanced classes."""
    rng = np.random.default_rng(seed)
    labels = rng.permutation(np.arange(count) % len(CLASSES))
    masks = shapes(count, rng, size)
    shape_of = np.array([SHAPES.index(s) for _, s in CLASSES])[labels]
    mask = masks[np.arange(count), shape_of][..., None]
    colour = np.array([COLOURS[c] for c, _ in CLASSES], np.float32)[labels]
    colour = np.clip(colour * rng.uniform(0.7, 1.1, (count, 1)) + rng.normal(0, 0.06, (count, 3)), 0, 1)
    grey = rng.uniform(0.25, 0.75, (count, 1)) + rng.normal(0, 0.05, (count, 3))  # nearly grey backgrounds
    ramp = np.linspace(-0.12, 0.12, size, dtype=np.float32)
    slope = rng.uniform(-1, 1, (count, 2)).astype(np.float32)
    background = (grey[:, None, None, :] + slope[:, 0, None, None, None] * ramp[:, None, None]
                  + slope[:, 1, None, None, None] * ramp[None, :, None])
    noise = rng.standard_normal((count, size, size, 3), dtype=np.float32) * 0.05
    image = np.where(mask, colour[:, None, None, :], background) + noise
    return np.clip(np.rint(image * 255), 0, 255).astype(np.uint8), labels.astype(np.int64)


def load_npz(path):
    """x as N x H x W x 3 uint8, y, and the class names (given or "0", "1", ...)."""
    with np.load(path, allow_pickle=False) as f:
        if "x" not in f or "y" not in f:
            sys.exit("color_cnn: %s needs arrays x and y" % path)
        x, y = f["x"], f["y"].astype(np.int64).reshape(-1)
        names = [str(c) for c in f["classes"]] if "classes" in f else [str(c) for c in range(int(y.max()) + 1)]
    if x.ndim == 4 and x.shape[1] == 3 and x.shape[3] != 3:
        x = x.transpose(0, 2, 3, 1)
    if x.ndim != 4 or x.shape[3] != 3 or x.dtype != np.uint8 or len(x) != len(y):
        sys.exit("color_cnn: x must be N x H x W x 3 or N x 3 x H x W uint8 with one label per image, not %s %s "
                 "for %d labels" % (x.dtype, x.shape, len(y)))
    if y.min() < 0 or y.max() >= len(names):
        sys.exit("color_cnn: labels must be 0 to %d (one per class name)" % (len(names) - 1))
    return np.ascontiguousarray(x), y, names


def make_model(classes):
    """Named modules name the layers in the window: conv1, conv2, conv3, hidden, then logits, output."""
    return nn.Sequential(OrderedDict(
        conv1=nn.Conv2d(3, 16, 3, padding=1), relu1=nn.ReLU(), pool1=nn.MaxPool2d(2),
        conv2=nn.Conv2d(16, 32, 3, padding=1), relu2=nn.ReLU(), pool2=nn.MaxPool2d(2),
        conv3=nn.Conv2d(32, 32, 3, padding=1), relu3=nn.ReLU(), pool3=nn.AdaptiveAvgPool2d(4),
        flatten=nn.Flatten(), hidden=nn.Linear(32 * 4 * 4, 64), relu4=nn.ReLU(), head=nn.Linear(64, classes)))


def to_tensor(images):
    """N x H x W x 3 uint8 -> N x 3 x H x W floats, roughly zero mean and unit spread."""
    return (torch.from_numpy(images).permute(0, 3, 1, 2).float() / 255.0 - 0.5) / 0.25


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", required=True, help="session file to write")
    ap.add_argument("--data", help="an .npz file with x (N x H x W x 3 or N x 3 x H x W uint8), y, optional classes")
    ap.add_argument("--count", type=int, default=4000, help="synthetic images to make (a quarter held out)")
    ap.add_argument("--epochs", type=int, default=6)
    ap.add_argument("--tracked", type=int, default=1000, help="images recorded every epoch")
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    if a.epochs < 0 or a.tracked < 1 or a.count < 10 or a.batch_size < 1:
        ap.error("--epochs must be >= 0, --tracked and --batch-size >= 1, --count >= 10")
    torch.manual_seed(a.seed)
    rng = np.random.default_rng(a.seed)
    if a.data:
        images, labels, names = load_npz(a.data)
        heldout = np.zeros(len(labels), bool)
        heldout[rng.permutation(len(labels))[:len(labels) // 5]] = True
        dataset = os.path.splitext(os.path.basename(a.data))[0]
    else:
        images, labels = synthetic(a.count, a.seed)
        names = ["%s %s" % c for c in CLASSES]
        heldout = np.arange(a.count) >= a.count - a.count // 4
        dataset = "shapes"
    train = np.flatnonzero(~heldout)
    # The tracked points: a seeded sample in the split's proportion, training points first.
    want = min(a.tracked, len(labels))
    held = np.flatnonzero(heldout)
    from_held = min(len(held), int(round(want * len(held) / len(labels))))
    pick = np.concatenate([np.sort(rng.choice(train, want - from_held, replace=False)),
                           np.sort(rng.choice(held, from_held, replace=False))])

    model = make_model(len(names))
    opt = torch.optim.Adam(model.parameters(), lr=a.lr)
    x, y = to_tensor(images[train]), torch.from_numpy(labels[train])
    meta = {"tool": "examples/color_cnn.py (PyTorch %s)" % torch.__version__, "data": a.data or "synthetic shapes",
            "epochs": a.epochs, "batch_size": a.batch_size, "learning_rate": a.lr, "optimizer": "adam", "seed": a.seed}
    print("color_cnn: %d training and %d held-out %d x %d colour images, %d classes, tracking %d; session: %s"
          % (len(train), len(held), images.shape[1], images.shape[2], len(names), len(pick), a.out), file=sys.stderr)
    # images: the tracked pictures as they are (uint8, channels last), so the thumbnails keep their
    # colours; the default would be the normalised inputs mapped back to 0..1.
    with epochscope.Recorder(a.out, model, inputs=to_tensor(images[pick]), labels=labels[pick],
                             heldout=heldout[pick], images=images[pick], class_names=names, dataset=dataset,
                             source_index=pick, meta=meta, optimizer=opt) as rec:
        captures = []
        t0 = time.perf_counter()
        rec.capture(0)
        captures.append(time.perf_counter() - t0)
        for epoch in range(1, a.epochs + 1):
            model.train()
            t0 = time.perf_counter()
            order = torch.randperm(len(y))
            for i in range(0, len(y), a.batch_size):
                idx = order[i:i + a.batch_size]
                opt.zero_grad()
                nn.functional.cross_entropy(model(x[idx]), y[idx]).backward()
                opt.step()  # the recorder records the step (optimizer=opt)
            seconds = time.perf_counter() - t0
            t0 = time.perf_counter()
            m = rec.capture(epoch, epoch_seconds=seconds)
            captures.append(time.perf_counter() - t0)
            print("epoch %d: train %.2f s, capture %.3f s | held-out loss %.3f, accuracy %.1f%%"
                  % (epoch, seconds, captures[-1], m["heldout_loss"], 100 * m["heldout_accuracy"]), file=sys.stderr)
    print("color_cnn: %d frames, %.3f seconds per capture (%d points)"
          % (len(captures), sum(captures) / len(captures), len(pick)), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
