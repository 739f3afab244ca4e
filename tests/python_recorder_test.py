#!/usr/bin/env python3
"""The Python package's recorder (python/epochscope) on models with nested modules: the layers
"auto" finds (names, widths, kinds, depth order), the frames it writes, the hooks it leaves (none),
that recording never changes training, and its refusals; colour thumbnails (format 1.4: interleaved
RGB, large images shrunk by area averaging), text-only points, and the optimizer hook. Sessions are
read back with the package's read_records, and open in epochscope (`info --json`) when the
program's path is in EPOCHSCOPE_EXE.

    EPOCHSCOPE_EXE=build/epochscope /usr/bin/python3 -m pytest -q tests/python_recorder_test.py
    /usr/bin/python3 tests/python_recorder_test.py build/epochscope      # the same, as a script

Needs Debian's python3-torch and python3-pytest (skipped, exit 77 as a script, without them)."""
import json
import os
import subprocess
import sys
import warnings
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
INSTALLED = os.environ.get("EPOCHSCOPE_INSTALLED") == "1"  # python_package_test.sh: the pip-installed package
if not INSTALLED:
    sys.path.insert(0, os.path.join(HERE, "..", "python"))

if __name__ == "__main__":
    try:
        import pytest
        import torch  # noqa: F401
    except ImportError as e:
        print("skipped: %s" % e)
        sys.exit(77)
    if len(sys.argv) > 1 and not sys.argv[1].startswith("-"):
        os.environ["EPOCHSCOPE_EXE"] = os.path.abspath(sys.argv.pop(1))
    sys.exit(pytest.main([os.path.abspath(__file__), "-q", "-p", "no:cacheprovider"] + sys.argv[1:]))

import pytest  # noqa: E402

np = pytest.importorskip("numpy")
torch = pytest.importorskip("torch")
from torch import nn  # noqa: E402

import epochscope  # noqa: E402
from epochscope import decode_images, decode_texts, read_records  # noqa: E402
from epochscope.images import colour_size  # noqa: E402

EXE = os.environ.get("EPOCHSCOPE_EXE") or None


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


def colour_cnn():
    """Any size of RGB input: adaptive pooling before the head."""
    return nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), nn.ReLU(), nn.MaxPool2d(4), nn.Conv2d(4, 6, 3, padding=1),
                         nn.ReLU(), nn.AdaptiveAvgPool2d(2), nn.Flatten(), nn.Linear(24, 3))


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


def record(path, model, shape=(1, 8, 8), **kw):
    x, y, held = data(shape=shape)
    with epochscope.Recorder(str(path), model, inputs=x, labels=y, heldout=held, batch_size=16, **kw) as rec:
        rec.capture(0)
        train_epoch(model, x, y)
        rec.capture(1)
    return rec, list(read_records(str(path)))


def info(path):
    """`epochscope info --json` of the file, or None without the program."""
    if not EXE:
        return None
    r = subprocess.run([EXE, "info", str(path), "--json"], capture_output=True, text=True)
    assert r.returncode == 0, "epochscope info %s: %s" % (path, r.stderr.strip())
    return json.loads(r.stdout)


def trajectory(path):
    paths = [r for r in read_records(str(path)) if r["type"] == "trajectory"]
    return tuple(np.concatenate([np.frombuffer(r[key], t) for r in paths]) if paths else np.zeros(0)
                 for key, t in (("steps", "<i4"), ("epochs", "<i4"), ("losses", "<f4")))


# ---- layers, frames, refusals ---------------------------------------------------------------------
@pytest.mark.parametrize("model, shape, expected", [
    (Mlp(), (16,), [("fc1", 12, "dense"), ("fc2", 8, "dense")]),
    (cnn(), (1, 8, 8), [("0.0", 4, "conv"), ("1.0", 6, "conv"), ("1.1", 6, "conv"), ("3", 10, "dense")]),
    (ResNet(), (1, 8, 8), [("stem", 5, "conv"), ("blocks.0.conv", 5, "conv"), ("blocks.1.conv", 5, "conv")]),
], ids=["Mlp", "cnn", "ResNet"])
def test_auto_layers_of_three_models(tmp_path, model, shape, expected):
    path = tmp_path / "auto.epochscope"
    rec, records = record(path, model, shape=shape)
    want = expected + [("logits", 3, "logits"), ("output", 3, "output")]
    assert rec.layer_info == want
    header = records[0]
    assert header["version"] == [1, 4]
    assert header["layers"] == [[n, w] for n, w, _ in want]
    assert header["layer_kinds"] == [k for _, _, k in want]
    assert [f["epoch"] for f in records if f["type"] == "frame"] == [0, 1]
    assert records[-1]["type"] == "end"
    for m in model.modules():  # every hook removed
        assert len(m._forward_hooks) == 0
    j = info(path)
    if j:
        assert list(j["layers"]) == [n for n, _, _ in want]
        assert len(j["frames"]) == 2


def test_recording_does_not_change_training(tmp_path):
    def run(record):
        torch.manual_seed(5)
        model = cnn()
        x, y, held = data()
        path = str(tmp_path / ("r%d" % record))
        rec = epochscope.Recorder(path, model, inputs=x, labels=y, heldout=held) if record else None
        if rec:
            rec.capture(0)
        model.train()
        train_epoch(model, x, y, seed=3)
        if rec:
            rec.capture(1)
            assert model.training  # the mode is put back
            rec.close()
        return [p.detach().clone() for p in model.parameters()] + [b.clone() for b in model.buffers()]
    for a, b in zip(run(False), run(True)):
        assert torch.equal(a, b)


def test_named_layers(tmp_path):
    x, y, _ = data()
    rec = epochscope.Recorder(str(tmp_path / "named"), cnn(), inputs=x, labels=y, layers=["1", "6"])
    assert [n for n, _, _ in rec.layer_info] == ["1", "6", "logits", "output"]
    rec.close()


@pytest.mark.parametrize("kw, why", [
    (dict(labels=torch.arange(5) % 3), "labels has 5 entries for 40 inputs"),
    (dict(heldout=torch.zeros(3, dtype=torch.bool)), "heldout has 3 entries"),
    (dict(layers=["features.9"]), "not a module of the model"),
    (dict(layers="every"), "must be 'auto' or a list"),
    (dict(texts=["a"] * 3), "texts has 3 entries for 40 inputs"),
    (dict(texts=["a"] * 39 + ["é" * 500 + "a"]), "text of point 39 is 1001 bytes of UTF-8, over the limit of 1000"),
    (dict(texts=["a"] * 7 + ["a\0b"] + ["a"] * 32), "text of point 7 holds a NUL"),
    (dict(texts=["a"] * 2 + [b"bytes"] + ["a"] * 37), "text of point 2 is a bytes, not a str"),
    (dict(texts="forty characters, not forty strings....."), "not a single str"),
    (dict(images=False), "images=False .* needs texts"),
    (dict(images=np.zeros((40, 2, 8, 8))), r"images must be N x H x W .*not \(40, 2, 8, 8\)"),
    (dict(images=np.full((40, 3, 8, 8), np.nan)), "images must be finite"),
    (dict(images=np.zeros((40, 1100, 8), np.uint8)), "grey images must be 1 to 1024 pixels"),
], ids=lambda v: v if isinstance(v, str) else None)
def test_refusals_write_nothing(tmp_path, kw, why):
    x, y, held = data()
    args = dict(inputs=x, labels=y, heldout=held)
    args.update(kw)
    target = tmp_path / "bad.epochscope"
    with pytest.raises(ValueError, match=why):
        epochscope.Recorder(str(target), cnn(), **args)
    assert not target.exists()  # nothing written


@pytest.mark.parametrize("texts, why", [
    (["x"] * 4, "texts has 4 entries for 5 points"),
    (["x"] * 4 + ["y" * 1001], "text of point 4 is 1001 bytes"),
    (["x", "\ud800"] + ["x"] * 3, "text of point 1 is not valid Unicode"),
])
def test_writer_refuses_bad_texts_before_writing(tmp_path, texts, why):
    target = tmp_path / "bad.epochscope"
    with pytest.raises(ValueError, match=why):
        epochscope.SessionWriter(str(target), labels=[0, 1, 0, 1, 0], splits=[0] * 5, images=None,
                                 layers=[("logits", 2)], texts=texts)
    assert not target.exists()


def test_diverged_activations_are_named(tmp_path):
    x, y, _ = data()
    model = cnn()
    with epochscope.Recorder(str(tmp_path / "nan"), model, inputs=x, labels=y) as rec:
        with torch.no_grad():
            model[3].weight.fill_(float("nan"))
        with pytest.raises(ValueError, match="layer '3' holds NaN"):
            rec.capture(1)


def test_parameter_trajectory(tmp_path):
    torch.manual_seed(2)
    model = cnn()
    x, y, held = data()
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    path = tmp_path / "path"
    with epochscope.Recorder(str(path), model, inputs=x, labels=y, heldout=held) as rec:
        rec.capture(0)
        for epoch in (1, 2):
            for i in range(0, 40, 10):
                opt.zero_grad()
                loss = nn.functional.cross_entropy(model(x[i:i + 10]), y[i:i + 10])
                loss.backward()
                opt.step()
                rec.step(loss.item())
            rec.capture(epoch)
    records = list(read_records(str(path)))
    assert [r["type"] for r in records] == ["header", "frame", "trajectory", "frame", "trajectory", "frame",
                                            "trajectory", "end"]
    steps, epochs, _ = trajectory(path)
    assert steps.tolist() == list(range(9))
    assert epochs.tolist() == [0] + [1] * 4 + [2] * 4
    assert records[2]["dims"] == 256
    # The same sketch as `epochscope train` keeps: checked on values the C++ computes exactly
    # (store_test: ParameterSketch.SameNumbersAsPython).
    theta = (np.arange(1000) % 7 - 3).astype(np.float32)
    sketch = epochscope.session.ParameterSketch(1000)(theta)
    assert sketch[:8].tolist() == [-3.5, 2.5, 0, 2, -7, 3, 7, -3]
    assert float((sketch.astype(np.float64) ** 2).sum()) == 4290.5
    if EXE:
        out = tmp_path / "path.csv"
        subprocess.run([EXE, "trajectory", str(path), "--out", str(out)], check=True, capture_output=True)
        assert len(out.read_text().splitlines()) == 1 + 9


def test_signals_and_the_old_import(tmp_path):
    if INSTALLED:  # the package that pip installed, not the checkout's
        assert epochscope.__file__.startswith(sys.prefix), epochscope.__file__
    import epochscope_session
    assert epochscope_session.SessionWriter is epochscope.SessionWriter
    x, y, _ = data(shape=(16,))
    with epochscope.Recorder(str(tmp_path / "sig"), Mlp(), inputs=x, labels=y) as rec:
        rec.capture(0)
    header = next(iter(read_records(str(tmp_path / "sig"))))
    assert header["signal"]
    assert (header["image_height"], header["image_width"], header["image_channels"]) == (1, 16, 1)
    assert "texts" not in header


# ---- colour, texts (format 1.4) ---------------------------------------------------------------------
def test_rgb_session(tmp_path):
    """N x 3 x 32 x 32 inputs in 0..1 become the thumbnails as they are: N x 32 x 32 x 3 bytes,
    the three channels of a pixel side by side."""
    n = 24
    g = torch.Generator().manual_seed(4)
    x = torch.rand((n, 3, 32, 32), generator=g)
    x[1, :, 2, 5] = torch.tensor([1.0, 0.0, 0.5])  # point 1, row 2, column 5: orange-red
    y = torch.arange(n) % 3
    path = tmp_path / "rgb.epochscope"
    with epochscope.Recorder(str(path), colour_cnn(), inputs=x, labels=y, heldout=torch.arange(n) % 4 == 0) as rec:
        rec.capture(0)
        train_epoch(rec.model, x, y)
        rec.capture(1)
    header = next(iter(read_records(str(path))))
    assert header["version"] == [1, 4]
    assert (header["image_channels"], header["image_height"], header["image_width"]) == (3, 32, 32)
    raw = zlib.decompress(header["images"])
    assert len(raw) == n * 32 * 32 * 3
    at = ((1 * 32 + 2) * 32 + 5) * 3
    assert list(raw[at:at + 3]) == [255, 0, 128]
    expected = np.rint(x.numpy().transpose(0, 2, 3, 1) * 255).astype(np.uint8)
    assert np.array_equal(decode_images(header), expected)
    assert [n for n, _, _ in rec.layer_info] == ["0", "3", "logits", "output"]
    j = info(path)
    if j:
        assert list(j["layers"]) == ["0", "3", "logits", "output"]
        assert len(j["frames"]) == 2
        if "image_channels" in j:
            assert j["image_channels"] == 3
        if "texts" in j:
            assert j["texts"] is False


def test_normalised_colour_inputs_are_scaled(tmp_path):
    """Normalised inputs (outside 0..1): the dataset's minimum and maximum become 0 and 255."""
    x, y, _ = data(n=12, shape=(3, 16, 16))
    x = (x - 0.5) / 0.25
    x[0, 0, 0, 0], x[0, 1, 0, 0] = -2.0, 2.0
    rec = epochscope.Recorder(str(tmp_path / "norm"), colour_cnn(), inputs=x, labels=y)
    rec.close()
    header = next(iter(read_records(str(tmp_path / "norm"))))
    images = decode_images(header)
    assert images.shape == (12, 16, 16, 3)
    assert images[0, 0, 0].tolist()[:2] == [0, 255]
    assert np.array_equal(images, np.rint((x.numpy().transpose(0, 2, 3, 1) + 2) / 4 * 255).astype(np.uint8))


def area_reference(img, height, width):
    """Area averaging by blowing the image up to a common multiple of both sizes and taking block
    means (slow, obviously right)."""
    h, w = img.shape[:2]
    m = np.lcm(h, height)
    rows = np.repeat(img, m // h, axis=0).reshape(height, m // height, w, -1).mean(axis=1)
    m = np.lcm(w, width)
    return np.repeat(rows, m // w, axis=1).reshape(height, width, m // width, -1).mean(axis=2)


def test_colour_downsampling(tmp_path):
    """Colour over 64 a side: the larger side becomes 64, the other scaled alike and rounded half
    up (100 x 80 -> 64 x 51.2 -> 64 x 51), each pixel the mean of the source area it covers. Grey
    images keep their size (up to 1024)."""
    assert colour_size(100, 80) == (64, 51)
    assert colour_size(80, 100) == (51, 64)
    assert colour_size(64, 64) == (64, 64)
    assert colour_size(1000, 10) == (64, 1)
    n = 6
    g = torch.Generator().manual_seed(7)
    x = torch.rand((n, 3, 100, 80), generator=g)
    x[:, :, :50] *= 0.2  # some structure: a dark top half, a bright stripe
    x[:, 1, :, 30:33] = 1.0
    path = tmp_path / "big.epochscope"
    with epochscope.Recorder(str(path), colour_cnn(), inputs=x, labels=torch.arange(n) % 3) as rec:
        rec.capture(0)
    header = next(iter(read_records(str(path))))
    assert (header["image_channels"], header["image_height"], header["image_width"]) == (3, 64, 51)
    got = decode_images(header)
    assert got.shape == (n, 64, 51, 3)
    for p in range(n):
        want = area_reference(x[p].numpy().transpose(1, 2, 0).astype(np.float64) * 255, 64, 51)
        assert np.abs(got[p].astype(np.float64) - want).max() <= 0.5 + 1e-6
    # The same pictures as uint8, channels last: the same thumbnails within rounding.
    u8 = np.rint(x.numpy().transpose(0, 2, 3, 1) * 255).astype(np.uint8)
    with epochscope.SessionWriter(str(tmp_path / "u8"), labels=np.arange(n) % 3, splits=np.zeros(n), images=u8,
                                  layers=[("logits", 3)]):
        pass
    again = decode_images(next(iter(read_records(str(tmp_path / "u8")))))
    assert np.abs(again.astype(int) - got.astype(int)).max() <= 1
    with epochscope.SessionWriter(str(tmp_path / "grey"), labels=np.arange(n) % 3, splits=np.zeros(n),
                                  images=u8[..., 0], layers=[("logits", 3)]):
        pass
    grey = next(iter(read_records(str(tmp_path / "grey"))))
    assert (grey["image_channels"], grey["image_height"], grey["image_width"]) == (1, 100, 80)
    assert np.array_equal(decode_images(grey), u8[..., 0])


TEXTS = ["naïve café", "猫が好き", "emoji 🙂 ok", "", "plain ascii", "Ωμέγα", "tab\tand\nnewline", "x" * 1000]


def test_texts_only_session(tmp_path):
    n = 40
    texts = [TEXTS[i % len(TEXTS)] + (" #%d" % i if i % len(TEXTS) != 7 else "") for i in range(n)]
    x, y, held = data(n=n, shape=(16,))
    path = tmp_path / "texts.epochscope"
    with epochscope.Recorder(str(path), Mlp(), inputs=x, labels=y, heldout=held, images=False, texts=texts) as rec:
        rec.capture(0)
        train_epoch(rec.model, x, y)
        rec.capture(1)
    header = next(iter(read_records(str(path))))
    assert (header["image_channels"], header["image_height"], header["image_width"]) == (0, 0, 0)
    assert zlib.decompress(header["images"]) == b""
    assert not header["signal"]
    assert decode_images(header) is None
    raw = zlib.decompress(header["texts"])
    assert raw.count(b"\0") == n and raw.endswith(b"\0")
    assert decode_texts(header) == texts
    assert decode_texts(header)[1] == "猫が好き #1"
    j = info(path)
    if j:
        assert list(j["layers"]) == ["fc1", "fc2", "logits", "output"]
        assert len(j["frames"]) == 2
        if "image_channels" in j:
            assert j["image_channels"] == 0
        if "texts" in j:
            assert j["texts"] is True


def test_texts_with_and_without_images(tmp_path):
    x, y, _ = data(shape=(16,))
    texts = ["point %d: ü" % i for i in range(40)]
    # Inputs that are not images, with texts: the texts alone (no line plots).
    epochscope.Recorder(str(tmp_path / "a"), Mlp(), inputs=x, labels=y, texts=texts).close()
    a = next(iter(read_records(str(tmp_path / "a"))))
    assert a["image_channels"] == 0 and not a["signal"] and decode_texts(a) == texts
    # Images and texts both.
    x, y, _ = data()
    epochscope.Recorder(str(tmp_path / "b"), cnn(), inputs=x, labels=y, texts=texts).close()
    b = next(iter(read_records(str(tmp_path / "b"))))
    assert (b["image_channels"], b["image_height"], b["image_width"]) == (1, 8, 8)
    assert decode_texts(b) == texts
    j = info(tmp_path / "b")
    assert j is None or len(j["frames"]) == 0


# ---- the optimizer hook -------------------------------------------------------------------------
def hook_run(tmp_path, mode, closure=False):
    """Two epochs of SGD on the cnn: mode "none" (no recorder), "manual" (rec.step() after each
    opt.step()) or "hook" (Recorder(optimizer=opt)). Returns the parameters, the recorded
    trajectory and the batch losses."""
    torch.manual_seed(11)
    model = cnn()
    x, y, held = data()
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    path = tmp_path / ("%s%d.epochscope" % (mode, closure))
    rec = None
    if mode != "none":
        rec = epochscope.Recorder(str(path), model, inputs=x, labels=y, heldout=held,
                                  optimizer=opt if mode == "hook" else None)
        rec.capture(0)
    losses = []
    for epoch in (1, 2):
        model.train()
        for i in range(0, 40, 10):
            def batch_loss():
                opt.zero_grad()
                loss = nn.functional.cross_entropy(model(x[i:i + 10]), y[i:i + 10])
                loss.backward()
                return loss
            if closure:
                loss = opt.step(batch_loss)
            else:
                loss = batch_loss()
                opt.step()
            losses.append(float(loss))
            if mode == "manual":
                rec.step(float(loss))
        if rec:
            rec.capture(epoch)
    if rec:
        assert "step" in vars(opt) or mode != "hook"  # wrapped while recording (torch 1.13)
        rec.close()
        assert "step" not in vars(opt)  # the class's step again
        assert opt.step.__func__ is type(opt).step
    params = [p.detach().clone() for p in model.parameters()]
    return params, (trajectory(path) if rec else None), losses


def test_optimizer_hook(tmp_path):
    plain, _, _ = hook_run(tmp_path, "none")
    manual, (m_steps, m_epochs, m_losses), _ = hook_run(tmp_path, "manual")
    hooked, (steps, epochs, losses), batch = hook_run(tmp_path, "hook")
    for a, b, c in zip(plain, manual, hooked):  # recording changes nothing
        assert torch.equal(a, b) and torch.equal(a, c)
    assert steps.tolist() == list(range(9)) == m_steps.tolist()
    assert epochs.tolist() == [0] + [1] * 4 + [2] * 4 == m_epochs.tolist()
    assert np.isnan(losses[1:]).all()  # opt.step() without a closure: no loss to record
    # step(closure): the closure's loss is recorded with the step.
    closed, (steps, _, losses), batch = hook_run(tmp_path, "hook", closure=True)
    assert steps.tolist() == list(range(9))
    assert np.allclose(losses[1:], np.array(batch, np.float32))
    for a, b in zip(plain, closed):
        assert torch.equal(a, b)


@pytest.mark.parametrize("scheduler_first", [True, False])
def test_optimizer_hook_with_an_lr_scheduler(tmp_path, scheduler_first):
    """torch's LR schedulers wrap optimizer.step too: made before or after watch(), no warning,
    every step counted by both, and close() leaves the scheduler's counter working."""
    x, y, _ = data()
    model = cnn()
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        sched = torch.optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.5) if scheduler_first else None
        rec = epochscope.Recorder(str(tmp_path / "s"), model, inputs=x, labels=y)
        rec.watch(opt)
        if sched is None:
            sched = torch.optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.5)
        rec.capture(0)
        for _ in range(3):
            opt.zero_grad()
            nn.functional.cross_entropy(model(x), y).backward()
            opt.step()
            sched.step()
        rec.close()
        opt.step()  # still works after close, unrecorded
        sched.step()
    assert not [str(w.message) for w in caught if "step" in str(w.message)]
    assert opt._step_count == 4
    assert opt.param_groups[0]["lr"] == pytest.approx(0.1 * 0.5 ** 4)
    assert trajectory(tmp_path / "s")[0].tolist() == [0, 1, 2, 3]
    if scheduler_first:
        assert vars(opt)["step"]._with_counter  # the scheduler's wrapper put back


def test_optimizer_hook_uses_torchs_post_hook_when_there(tmp_path):
    class HookedSGD(torch.optim.SGD):  # what torch 2 offers: register_step_post_hook
        def __init__(self, *a, **k):
            super().__init__(*a, **k)
            self.post_hooks = {}

        def register_step_post_hook(self, hook):
            key = len(self.post_hooks)
            self.post_hooks[key] = hook
            hooks = self.post_hooks
            return type("Handle", (), {"remove": lambda _self: hooks.pop(key)})()

        def step(self, closure=None):
            out = super().step(closure)
            for hook in list(self.post_hooks.values()):
                hook(self, (closure,), {})
            return out

    x, y, _ = data()
    model = cnn()
    opt = HookedSGD(model.parameters(), lr=0.1)
    rec = epochscope.Recorder(str(tmp_path / "h"), model, inputs=x, labels=y, optimizer=opt)
    assert "step" not in vars(opt) and len(opt.post_hooks) == 1
    with pytest.raises(ValueError, match="watched already"):
        rec.watch(opt)
    rec.capture(0)
    for _ in range(2):
        opt.zero_grad()
        nn.functional.cross_entropy(model(x), y).backward()
        opt.step()
    rec.close()
    assert opt.post_hooks == {}
    assert trajectory(tmp_path / "h")[0].tolist() == [0, 1, 2]
    with pytest.raises(TypeError, match="optimizer must be a torch optimizer"):
        epochscope.Recorder(str(tmp_path / "bad"), model, inputs=x, labels=y, optimizer="adam")
    assert not (tmp_path / "bad").exists()
