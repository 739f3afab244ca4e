#!/usr/bin/env python3
"""The Python package's recorder (python/epochscope) on three models with nested modules: the layers
"auto" finds (names, widths, kinds, depth order), the frames it writes, the hooks it leaves (none),
that recording never changes training, and its refusals. Then the session opens in epochscope
(`info --json`) when the program's path is given. Runs with Debian's python3-torch (skipped, exit 77,
without it)."""
import json
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
INSTALLED = os.environ.get("EPOCHSCOPE_INSTALLED") == "1"  # python_package_test.sh: the pip-installed package
if not INSTALLED:
    sys.path.insert(0, os.path.join(HERE, "..", "python"))
EXE = None

try:
    import numpy as np
    import torch
    from torch import nn
except ImportError:
    print("skipped: python3-torch is not installed")
    sys.exit(77)

import epochscope  # noqa: E402
from epochscope import read_records  # noqa: E402


class Mlp(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(16, 12)
        self.fc2 = nn.Linear(12, 8)
        self.head = nn.Linear(8, 3)
        self.drop = nn.Dropout(0.5)

    def forward(self, x):
        return self.head(self.drop(torch.relu(self.fc2(torch.relu(self.fc1(x.flatten(1)))))))


def cnn():
    return nn.Sequential(
        nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2)),
        nn.Sequential(nn.Conv2d(4, 6, 3, padding=1), nn.BatchNorm2d(6), nn.ReLU(), nn.MaxPool2d(2)),
        nn.Flatten(), nn.Linear(6 * 2 * 2, 10), nn.ReLU(), nn.Dropout(0.3), nn.Linear(10, 3))


class Block(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3, padding=1)

    def forward(self, x):
        return torch.relu(x + self.conv(x))


class ResNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(1, 5, 3, padding=1)
        self.blocks = nn.Sequential(Block(5), Block(5))
        self.fc = nn.Linear(5, 3)

    def forward(self, x):
        return self.fc(self.blocks(torch.relu(self.stem(x))).mean(dim=(2, 3)))


def data(n=40, shape=(1, 8, 8), seed=0):
    g = torch.Generator().manual_seed(seed)
    x = torch.rand((n,) + shape, generator=g)
    y = torch.arange(n) % 3
    return x, y, (torch.arange(n) % 5 == 0)


def train_epoch(model, x, y, seed=1):
    torch.manual_seed(seed)
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    model.train()
    for i in range(0, len(x), 10):
        opt.zero_grad()
        loss = nn.functional.cross_entropy(model(x[i:i + 10]), y[i:i + 10])
        loss.backward()
        opt.step()


class RecorderTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="recorder-")

    def path(self, name):
        return os.path.join(self.dir, name)

    def record(self, model, name, shape=(1, 8, 8), **kw):
        x, y, held = data(shape=shape)
        with epochscope.Recorder(self.path(name), model, inputs=x, labels=y, heldout=held, batch_size=16, **kw) as rec:
            rec.capture(0)
            train_epoch(model, x, y)
            rec.capture(1)
        return rec, list(read_records(self.path(name)))

    def test_auto_layers_of_three_models(self):
        cases = [
            (Mlp(), (16,), [("fc1", 12, "dense"), ("fc2", 8, "dense")]),
            (cnn(), (1, 8, 8), [("0.0", 4, "conv"), ("1.0", 6, "conv"), ("1.1", 6, "conv"), ("3", 10, "dense")]),
            (ResNet(), (1, 8, 8), [("stem", 5, "conv"), ("blocks.0.conv", 5, "conv"), ("blocks.1.conv", 5, "conv")]),
        ]
        for model, shape, expected in cases:
            with self.subTest(model=type(model).__name__):
                name = type(model).__name__ + ".epochscope"
                rec, records = self.record(model, name, shape=shape)
                want = expected + [("logits", 3, "logits"), ("output", 3, "output")]
                self.assertEqual(rec.layer_info, want)
                header = records[0]
                self.assertEqual(header["layers"], [[n, w] for n, w, _ in want])
                self.assertEqual(header["layer_kinds"], [k for _, _, k in want])
                frames = [r for r in records if r["type"] == "frame"]
                self.assertEqual([f["epoch"] for f in frames], [0, 1])
                self.assertEqual(records[-1]["type"], "end")
                for m in model.modules():  # every hook removed
                    self.assertEqual(len(m._forward_hooks), 0)
                if EXE:
                    info = json.loads(subprocess.run([EXE, "info", self.path(name), "--json"], check=True,
                                                     capture_output=True, text=True).stdout)
                    self.assertEqual(list(info["layers"]), [n for n, _, _ in want])
                    self.assertEqual(len(info["frames"]), 2)

    def test_recording_does_not_change_training(self):
        def run(record):
            torch.manual_seed(5)
            model = cnn()
            x, y, held = data()
            rec = epochscope.Recorder(self.path("r%d" % record), model, inputs=x, labels=y, heldout=held) if record else None
            if rec:
                rec.capture(0)
            model.train()
            train_epoch(model, x, y, seed=3)
            if rec:
                rec.capture(1)
                self.assertTrue(model.training)  # the mode is put back
                rec.close()
            return [p.detach().clone() for p in model.parameters()] + [b.clone() for b in model.buffers()]
        for a, b in zip(run(False), run(True)):
            self.assertTrue(torch.equal(a, b))

    def test_named_layers_and_refusals(self):
        x, y, held = data()
        model = cnn()
        rec = epochscope.Recorder(self.path("named"), model, inputs=x, labels=y, layers=["1", "6"])
        self.assertEqual([n for n, _, _ in rec.layer_info], ["1", "6", "logits", "output"])
        rec.close()
        bad = [
            (dict(labels=y[:5]), "labels has 5 entries for 40 inputs"),
            (dict(heldout=held[:3]), "heldout has 3 entries"),
            (dict(layers=["features.9"]), "not a module of the model"),
            (dict(layers="every"), "must be 'auto' or a list"),
            (dict(texts=["a"] * 3), "texts has 3 entries"),
        ]
        for kw, why in bad:
            with self.subTest(why=why):
                args = dict(inputs=x, labels=y, heldout=held)
                args.update(kw)
                target = self.path("bad.epochscope")
                with self.assertRaisesRegex(ValueError, why):
                    epochscope.Recorder(target, cnn(), **args)
                self.assertFalse(os.path.exists(target))  # nothing written

    def test_diverged_activations_are_named(self):
        x, y, held = data()
        model = cnn()
        with epochscope.Recorder(self.path("nan"), model, inputs=x, labels=y) as rec:
            with torch.no_grad():
                model[3].weight.fill_(float("nan"))
            with self.assertRaisesRegex(ValueError, "layer '3' holds NaN"):
                rec.capture(1)

    def test_parameter_trajectory(self):
        torch.manual_seed(2)
        model = cnn()
        x, y, held = data()
        opt = torch.optim.SGD(model.parameters(), lr=0.1)
        with epochscope.Recorder(self.path("path"), model, inputs=x, labels=y, heldout=held) as rec:
            rec.capture(0)
            for epoch in (1, 2):
                for i in range(0, 40, 10):
                    opt.zero_grad()
                    loss = nn.functional.cross_entropy(model(x[i:i + 10]), y[i:i + 10])
                    loss.backward()
                    opt.step()
                    rec.step(loss.item())
                rec.capture(epoch)
        records = list(read_records(self.path("path")))
        kinds = [r["type"] for r in records]
        self.assertEqual(kinds, ["header", "frame", "trajectory", "frame", "trajectory", "frame", "trajectory", "end"])
        paths = [r for r in records if r["type"] == "trajectory"]
        steps = np.concatenate([np.frombuffer(r["steps"], "<i4") for r in paths])
        epochs = np.concatenate([np.frombuffer(r["epochs"], "<i4") for r in paths])
        self.assertEqual(steps.tolist(), list(range(9)))
        self.assertEqual(epochs.tolist(), [0] + [1] * 4 + [2] * 4)
        self.assertEqual(paths[0]["dims"], 256)
        # The same sketch as `epochscope train` keeps: checked on values the C++ computes exactly
        # (store_test: ParameterSketch.SameNumbersAsPython).
        theta = (np.arange(1000) % 7 - 3).astype(np.float32)
        sketch = epochscope.session.ParameterSketch(1000)(theta)
        self.assertEqual(sketch[:8].tolist(), [-3.5, 2.5, 0, 2, -7, 3, 7, -3])
        self.assertEqual(float((sketch.astype(np.float64) ** 2).sum()), 4290.5)
        if EXE:
            out = self.path("path.csv")
            subprocess.run([EXE, "trajectory", self.path("path"), "--out", out], check=True, capture_output=True)
            with open(out) as f:
                self.assertEqual(len(f.read().splitlines()), 1 + 9)

    def test_signals_and_the_old_import(self):
        if INSTALLED:  # the package that pip installed, not the checkout's
            self.assertTrue(epochscope.__file__.startswith(sys.prefix), epochscope.__file__)
        import epochscope_session
        self.assertIs(epochscope_session.SessionWriter, epochscope.SessionWriter)
        x, y, held = data(shape=(16,))
        with epochscope.Recorder(self.path("sig"), Mlp(), inputs=x, labels=y) as rec:
            rec.capture(0)
        header = next(iter(read_records(self.path("sig"))))
        self.assertTrue(header["signal"])
        self.assertEqual((header["image_height"], header["image_width"]), (1, 16))


if __name__ == "__main__":
    if len(sys.argv) > 1 and not sys.argv[1].startswith("-"):
        EXE = sys.argv.pop(1)
    unittest.main(verbosity=1)
