#!/usr/bin/python3
"""An MLP on Fashion-MNIST (Debian's dataset-fashion-mnist files), recorded with the epochscope
package's Recorder: every layer over 10,000 fixed images after each epoch, and the path of the
parameters after every step. Watch it as it trains:

    /usr/bin/python3 examples/fashion_mlp.py --epochs 20 --out fashion.epochscope
    epochscope --follow fashion.epochscope

Needs Debian's python3-torch and python3-numpy (scripts/setup.sh installs them).
"""
import argparse
import gzip
import os
import sys
from collections import OrderedDict

import numpy as np
import torch
from torch import nn

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
import epochscope  # noqa: E402

CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]


def read_idx(directory, name):
    with gzip.open(os.path.join(directory, name + ".gz"), "rb") as f:
        data = f.read()
    dims = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(data[3])]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * data[3]).reshape(dims).copy()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data-dir", default="/usr/share/datasets/fashion-mnist")
    ap.add_argument("--out", required=True, help="session file to write")
    ap.add_argument("--epochs", type=int, default=20)
    ap.add_argument("--tracked", type=int, default=10000, help="held-out images recorded every epoch")
    ap.add_argument("--limit", type=int, default=0, help="train on the first N images only (quick runs)")
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    torch.manual_seed(a.seed)
    x = torch.from_numpy(read_idx(a.data_dir, "train-images-idx3-ubyte")).float().div(255).flatten(1)
    y = torch.from_numpy(read_idx(a.data_dir, "train-labels-idx1-ubyte").astype(np.int64))
    test = read_idx(a.data_dir, "t10k-images-idx3-ubyte")[:a.tracked]
    if a.limit:
        x, y = x[:a.limit], y[:a.limit]
    # Named modules name the layers in the window: fc1, fc2, then logits and output.
    model = nn.Sequential(OrderedDict(fc1=nn.Linear(784, 256), relu1=nn.ReLU(), fc2=nn.Linear(256, 32), relu2=nn.ReLU(),
                                      head=nn.Linear(32, 10)))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    tracked = torch.from_numpy(test).float().div(255).flatten(1)
    labels = read_idx(a.data_dir, "t10k-labels-idx1-ubyte")[:a.tracked]
    with epochscope.Recorder(a.out, model, inputs=tracked, labels=labels, heldout=np.ones(len(labels), bool),
                             images=test, class_names=CLASSES, dataset="fashion",
                             meta={"tool": "examples/fashion_mlp.py"}) as rec:
        rec.capture(0)
        for epoch in range(1, a.epochs + 1):
            order = torch.randperm(len(x))
            for i in range(0, len(x), 256):
                idx = order[i:i + 256]
                opt.zero_grad()
                loss = nn.functional.cross_entropy(model(x[idx]), y[idx])
                loss.backward()
                opt.step()
                rec.step(loss.item())
            m = rec.capture(epoch)
            print("epoch %d: held-out accuracy %.1f%%" % (epoch, 100 * m["heldout_accuracy"]), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
