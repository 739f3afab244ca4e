"""Writes a session of 70,000 synthetic points for the GUI test of density drawing, with the Python
package's writer (numpy and msgpack only; no training): `crowd.epochscope`, ten classes as Gaussian
clusters in an 8-unit hidden layer that tighten over two frames, each point an 8 x 8 grey thumbnail
of its class's stripes, every seventh point held out. Usage: make_crowd.py OUT-DIR [N]"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
from epochscope.session import SessionWriter  # noqa: E402

CLASSES, SIDE, DIMS = 10, 8, 8


def main(out_dir, n):
    rng = np.random.default_rng(11)
    labels = rng.integers(0, CLASSES, n)
    heldout = np.arange(n) % 7 == 0
    yy, xx = np.mgrid[0:SIDE, 0:SIDE]
    stripes = np.stack([(((xx * np.cos(c) + yy * np.sin(c)) // 2) % 2) * 255 for c in range(CLASSES)])
    images = stripes[labels].astype(np.uint8)
    centres = rng.normal(0, 5, (CLASSES, DIMS))
    layers = [("hidden", DIMS, "dense"), ("logits", CLASSES, "logits"), ("output", CLASSES, "output")]
    with SessionWriter(os.path.join(out_dir, "crowd.epochscope"), labels, heldout, images, layers,
                       dataset="crowd") as w:
        for epoch in range(2):
            hidden = centres[labels] + rng.normal(0, 2.5 / (epoch + 1), (n, DIMS))
            logits = -((hidden[:, None, :] - centres[None]) ** 2).sum(2) / 10
            p = np.exp(logits - logits.max(1, keepdims=True))
            p /= p.sum(1, keepdims=True)
            w.append_frame(epoch, {"hidden": hidden, "logits": logits, "output": p})


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 70000)
