"""Writes two small sessions for the GUI test of colour and text points, with the Python package's
writer (numpy and msgpack only; no training): `rgb.epochscope`, 300 points with 16 x 16 colour
thumbnails (each class its own hue and stripe direction) and a caption each, and `texts.epochscope`,
the same points with a sentence each and no images. Activations: class clusters that tighten over
three frames. Usage: make_point_kinds.py OUT-DIR"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
from epochscope.session import SessionWriter  # noqa: E402

N, SIDE, CLASSES = 300, 16, 10
NAMES = ["red", "orange", "yellow", "lime", "green", "teal", "sky", "blue", "violet", "pink"]


def images(labels, rng):
    yy, xx = np.mgrid[0:SIDE, 0:SIDE] / (SIDE - 1.0)
    out = np.zeros((len(labels), SIDE, SIDE, 3))
    for i, c in enumerate(labels):
        hue = c / CLASSES * 2 * np.pi
        colour = 0.5 + 0.5 * np.cos(hue + np.array([0.0, 2.1, 4.2]))
        stripes = 0.5 + 0.5 * np.sin(10 * (np.cos(hue) * xx + np.sin(hue) * yy) + rng.uniform(0, 6))
        out[i] = colour * (0.35 + 0.65 * stripes)[..., None]
    return (out * 255).astype(np.uint8)


def main(out_dir):
    rng = np.random.default_rng(7)
    labels = np.arange(N) % CLASSES
    heldout = (np.arange(N) % 5 == 0)
    centres = rng.normal(0, 4, (CLASSES, 8))
    texts = ["a %s swatch, number %d \u2013 caf\u00e9 \u2713" % (NAMES[c], i) for i, c in enumerate(labels)]
    layers = [("hidden", 8, "dense"), ("logits", CLASSES, "logits"), ("output", CLASSES, "output")]
    for name, imgs in (("rgb", images(labels, rng)), ("texts", None)):
        with SessionWriter(os.path.join(out_dir, name + ".epochscope"), labels, heldout, imgs, layers,
                           classes=NAMES, dataset="swatches", texts=texts) as w:
            for epoch in range(3):
                spread = 3.0 / (epoch + 1)
                hidden = centres[labels] + rng.normal(0, spread, (N, 8))
                logits = hidden @ rng.normal(0, 0.3, (8, CLASSES)) + 4 * epoch * np.eye(CLASSES)[labels]
                p = np.exp(logits - logits.max(1, keepdims=True))
                p /= p.sum(1, keepdims=True)
                w.append_frame(epoch, {"hidden": hidden, "logits": logits, "output": p})


if __name__ == "__main__":
    main(sys.argv[1])
