"""Write (and read back) epochscope session files from Python.

A training script in any framework appends one frame per epoch; `epochscope info --follow FILE`
and `epochscope --follow FILE` show the frames as they land. The format is docs/session-format.md
(version 1.4); this module needs only numpy and msgpack (Debian: python3-numpy, python3-msgpack).

    from epochscope_session import SessionWriter
    with SessionWriter("run.epochscope", labels=y, splits=heldout, images=x_uint8,
                       layers=[("conv1", 32, "conv"), ("hidden", 64), ("logits", 10), ("output", 10)],
                       meta={"optimizer": "adam"}) as w:
        w.append_frame(0, {"output": probs, "logits": logits, "hidden": hidden})
        ...

Each point shows as a thumbnail (grey N x H x W; colour N x 3 x H x W or N x H x W x 3, shrunk by
area averaging to at most 64 x 64; see epochscope.images), a text (texts=[...], one str per point),
or both; images=None with texts gives text-only points (a language model's sentences, say).

Every record is written, flushed and fsync'ed before append_frame returns, so a reader never
waits for more than the record being written and a killed writer loses at most that record.
Leaving the `with` block (or close()) appends the end record that tells followers the run is over.
"""
import os
import time
import zlib

import msgpack
import numpy as np

from epochscope.images import decode_images, decode_texts, pack_texts, prepare_images  # noqa: F401

MAGIC = "epochscope-session"
VERSION = (1, 4)
# What a layer's columns are (format 1.3); a layer given without one gets default_kind(name).
LAYER_KINDS = ("conv", "dense", "logits", "output", "other")


def default_kind(name):
    """The kind of a layer named without one: output -> output (softmax), logits -> logits,
    hidden -> dense, anything else -> other."""
    return {"output": "output", "logits": "logits", "hidden": "dense"}.get(name, "other")
MNIST_CLASSES = [str(d) for d in range(10)]
# The C++ writer's rule: q16 when its error bound (max - min) / 131070 is at most this.
Q16_MAX_ERROR = 1e-3


def _pack(obj):
    return msgpack.packb(obj, use_bin_type=True)


def encode_matrix(m, codec="auto"):
    """One encoded matrix (a msgpack map) of an N x width array: "q16" (16-bit quantised per column,
    within (max - min) / 131070) or "f32" (lossless); "auto" picks q16 when that is within 1e-3 and
    every value is finite, as the C++ writer does. "q16" forces it whenever every value is finite
    (non-finite values always go as f32)."""
    a = np.asarray(m, dtype=np.float32)
    if a.ndim != 2:
        raise ValueError("a layer must be a 2-d array (points x width), not shape %s" % (a.shape,))
    rows, cols = a.shape
    n = rows * cols
    columns = np.ascontiguousarray(a.T).reshape(-1)  # column by column
    if codec not in ("auto", "q16", "f32"):
        raise ValueError("codec must be auto, q16 or f32, not %r" % codec)
    if codec != "f32" and rows > 0 and np.isfinite(a).all():
        lo = a.min(axis=0).astype(np.float32)
        step = ((a.max(axis=0) - lo) / np.float32(65535.0)).astype(np.float32)
        if codec == "q16" or (np.isfinite(step).all() and (step / 2 <= Q16_MAX_ERROR).all()):
            safe = np.where(step > 0, step, np.float32(1.0))
            q = np.where(step > 0, np.rint((a - lo) / safe), 0.0)
            q = np.clip(q, 0, 65535).astype(np.uint16)
            qc = np.ascontiguousarray(q.T).reshape(-1)
            planes = np.concatenate([(qc >> 8).astype(np.uint8), (qc & 0xFF).astype(np.uint8)])
            return {"enc": "q16", "rows": rows, "cols": cols,
                    "lo": lo.astype("<f4").tobytes(), "step": step.astype("<f4").tobytes(),
                    "data": zlib.compress(planes.tobytes(), 6)}
    # f32: byte planes, most significant byte of every value first.
    planes = columns.astype(">f4").view(np.uint8).reshape(n, 4).T
    return {"enc": "f32", "rows": rows, "cols": cols, "data": zlib.compress(planes.tobytes(), 6)}


def decode_matrix(e):
    """The inverse of encode_matrix: an N x width float32 array."""
    rows, cols = e["rows"], e["cols"]
    n = rows * cols
    raw = np.frombuffer(zlib.decompress(e["data"]), dtype=np.uint8)
    if e["enc"] == "q16":
        if raw.size != 2 * n:
            raise ValueError("q16 planes of the wrong size")
        q = (raw[:n].astype(np.uint16) << 8) | raw[n:]
        lo = np.frombuffer(e["lo"], dtype="<f4")
        step = np.frombuffer(e["step"], dtype="<f4")
        cm = q.reshape(cols, rows).astype(np.float32) * step[:, None] + lo[:, None]
        return np.ascontiguousarray(cm.T)
    if e["enc"] == "f32":
        if raw.size != 4 * n:
            raise ValueError("f32 planes of the wrong size")
        values = np.ascontiguousarray(raw.reshape(4, n).T).view(">f4").reshape(-1).astype(np.float32)
        return np.ascontiguousarray(values.reshape(cols, rows).T)
    raise ValueError("unknown matrix encoding %r" % e["enc"])


def frame_metrics(labels, heldout, logits=None, probs=None, classes=10):
    """The metrics of a frame as epochscope computes them: mean cross-entropy and accuracy over the
    training points and over the held-out points, held-out per-class accuracy and confusion
    (row = true class, column = predicted). Needs the logits, or else the softmax outputs."""
    labels = np.asarray(labels, dtype=np.int64)
    heldout = np.asarray(heldout).astype(bool)
    if logits is not None:
        z = np.asarray(logits, dtype=np.float64)
        mx = z.max(axis=1, keepdims=True)
        lse = mx[:, 0] + np.log(np.exp(z - mx).sum(axis=1))
        loss = lse - z[np.arange(len(labels)), labels]
        predicted = z.argmax(axis=1)
    else:
        p = np.asarray(probs, dtype=np.float64)
        loss = -np.log(np.maximum(p[np.arange(len(labels)), labels], 1e-30))
        predicted = p.argmax(axis=1)
    correct = predicted == labels
    m = {}
    for name, part in (("train", ~heldout), ("heldout", heldout)):
        m[name + "_loss"] = float(loss[part].mean()) if part.any() else 0.0
        m[name + "_accuracy"] = float(correct[part].mean()) if part.any() else 0.0
    confusion = np.zeros((classes, classes), dtype=np.int64)
    np.add.at(confusion, (labels[heldout], predicted[heldout]), 1)
    totals = confusion.sum(axis=1)
    m["per_class_accuracy"] = [float(confusion[c, c] / totals[c]) if totals[c] else 0.0 for c in range(classes)]
    m["confusion"] = [int(v) for v in confusion.reshape(-1)]
    return m, predicted.astype(np.uint8)


_GOLDEN = 0x9E3779B97F4A7C15
SKETCH_DIMS = 256
SKETCH_SEED = 0x5EED5EED


def _mix64(z):
    """splitmix64's finaliser of z + golden, on uint64 arrays (wrapping like C++)."""
    z = np.asarray(z, dtype=np.uint64) + np.uint64(_GOLDEN)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


class ParameterSketch:
    """The 256-number sketch of a parameter vector that `epochscope train` keeps per optimisation
    step (docs/session-format.md, "Trajectory record"): parameter j added with sign +/- 1/2 to 4 of
    the dims, chosen by mix64(mix64(seed) ^ j * golden). Made once per parameter count."""

    def __init__(self, count, dims=SKETCH_DIMS, seed=SKETCH_SEED):
        if dims < 4:
            raise ValueError("parameter sketches need at least 4 dimensions")
        self.count, self.dims = int(count), int(dims)
        with np.errstate(over="ignore"):
            base = _mix64(np.array([seed], dtype=np.uint64))[0]
            j = np.arange(self.count, dtype=np.uint64)
            h = _mix64(base ^ (j * np.uint64(_GOLDEN)))
        index, sign = [], []
        for s in range(4):
            bits = (h >> np.uint64(16 * s)) & np.uint64(0xFFFF)
            index.append(((bits >> np.uint64(1)) % np.uint64(self.dims)).astype(np.int64))
            sign.append(np.where((bits & np.uint64(1)) != 0, 0.5, -0.5))
        self.index = np.concatenate(index)
        self.sign = np.concatenate(sign)

    def __call__(self, theta):
        theta = np.asarray(theta, dtype=np.float64).reshape(-1)
        if theta.size != self.count:
            raise ValueError("the sketch was made for %d parameters, not %d" % (self.count, theta.size))
        weights = self.sign * np.tile(theta, 4)
        return np.bincount(self.index, weights=weights, minlength=self.dims).astype(np.float32)


class SessionWriter:
    """Writes one session file: the header now, then one frame per append_frame(), then the end
    record on close(). Not thread-safe; one writer per file (in a distributed run, rank 0 only)."""

    def __init__(self, path, labels, splits, images, layers, meta=None, classes=None, dataset="mnist",
                 source_index=None, codec="auto", signal=False, texts=None):
        """labels: N class indices; splits: N values, 1/True = held-out point, 0/False = training
        point; images: the points' thumbnails, uint8 (0..255) or floats in 0..1: N x height x width
        grey (sides up to 1024), N x 3 x height x width or N x height x width x 3 colour (shrunk by
        area averaging so that neither side is over 64), or None for no thumbnails (then texts are
        required); layers: the layers every frame holds in depth order (input side first), as
        (name, width) or (name, width, kind)
        with kind one of LAYER_KINDS ("conv": per-channel means over space); meta: how the run
        was made (values become strings); classes: class names (default "0".."9" for 10 classes, else the indices);
        source_index: each point's index in its part of the dataset (default 0..N-1); signal: the
        "images" are N x width 1-D signals of any floats (drawn as line plots), stored as bytes
        between their minimum and maximum; texts: None or N str, one per point (each at most 1000
        bytes of UTF-8, no NUL), shown with the point. Every check runs before the file is made:
        a ValueError names the problem (and the point, for a text)."""
        self.labels = np.asarray(labels, dtype=np.int64).reshape(-1)
        n = self.labels.size
        self.heldout = np.asarray(splits).astype(bool).reshape(-1)
        if self.heldout.size != n:
            raise ValueError("labels, splits and images must describe the same %d points" % n)
        if images is None and texts is None:
            raise ValueError("a session without images (images=None) needs texts, one per point")
        imgs, self.image_channels, self.value_offset, self.value_scale = prepare_images(images, n, signal)
        packed_texts = None if texts is None else pack_texts(texts, n)
        if classes is None:
            count = int(self.labels.max()) + 1 if n else 1
            classes = MNIST_CLASSES if count <= 10 else [str(c) for c in range(count)]
        self.classes = [str(c) for c in classes]
        if not 1 <= len(self.classes) <= 256 or (n and (self.labels.min() < 0 or self.labels.max() >= len(self.classes))):
            raise ValueError("labels must index into 1 to 256 classes")
        self.layers, self.kinds = [], []
        for layer in layers:
            if len(layer) not in (2, 3):
                raise ValueError("a layer is (name, width) or (name, width, kind), not %r" % (layer,))
            name, width = str(layer[0]), int(layer[1])
            kind = str(layer[2]) if len(layer) == 3 else default_kind(name)
            if kind not in LAYER_KINDS:
                raise ValueError("layer %r: kind must be one of %s, not %r" % (name, ", ".join(LAYER_KINDS), kind))
            if not 1 <= len(name) <= 64 or name == "input" or any(ord(c) < 0x20 or c == "\x7f" for c in name):
                raise ValueError("layer name %r: 1 to 64 printable characters, not 'input'" % name)
            if not 1 <= width <= 1 << 20:
                raise ValueError("layer %r: width must be 1 to 2^20, not %d" % (name, width))
            if name in [l[0] for l in self.layers]:
                raise ValueError("layer %r is listed twice" % name)
            self.layers.append((name, width))
            self.kinds.append(kind)
        if not self.layers:
            raise ValueError("a session needs at least one layer")
        src = np.arange(n, dtype="<u4") if source_index is None else np.asarray(source_index, dtype="<u4")
        if src.size != n:
            raise ValueError("source_index must have one entry per point")
        self.codec = codec
        self.frames = 0
        self.started = time.monotonic()
        self.path = os.fspath(path)
        parent = os.path.dirname(self.path)
        if parent:
            os.makedirs(parent, exist_ok=True)
        self._file = open(self.path, "wb")
        self._file.write(_pack(MAGIC))
        header = {
            "type": "header", "format": MAGIC, "version": list(VERSION), "dataset": str(dataset),
            "classes": self.classes,
            "image_height": int(imgs.shape[1]) if imgs is not None else 0,
            "image_width": int(imgs.shape[2]) if imgs is not None else 0,
            "image_channels": int(self.image_channels),
            "points": n, "labels": self.labels.astype(np.uint8).tobytes(),
            "split": self.heldout.astype(np.uint8).tobytes(), "source_index": src.tobytes(),
            "images": zlib.compress(np.ascontiguousarray(imgs).tobytes() if imgs is not None else b"", 6),
            "signal": bool(signal), "value_offset": float(self.value_offset), "value_scale": float(self.value_scale),
            "layers": [[name, width] for name, width in self.layers],
            "layer_kinds": list(self.kinds),
            "meta": {str(k): str(v) for k, v in (meta or {}).items()},
        }
        if packed_texts is not None:
            header["texts"] = packed_texts
        self._write_record(header)

    def _write_record(self, payload):
        body = _pack(payload)
        self._file.write(_pack([zlib.crc32(body) & 0xFFFFFFFF, body]))
        self._file.flush()
        os.fsync(self._file.fileno())

    def append_frame(self, epoch, activations, predicted=None, metrics=None, wall_seconds=None, epoch_seconds=0.0):
        """Appends frame number self.frames (0 = the untrained network) after `epoch` epochs.
        activations: layer name -> N x width array for every header layer. predicted: N predicted
        classes (default: the argmax of "logits", else of "output"). metrics: any of train_loss,
        train_accuracy, heldout_loss, heldout_accuracy, per_class_accuracy, confusion; what is
        missing is computed from the logits (or the outputs) as epochscope does. wall_seconds
        defaults to the time since the writer was made. Returns the frame's metrics (a dict)."""
        n = self.labels.size
        layers = {}
        for name, width in self.layers:
            if name not in activations:
                raise ValueError("frame lacks layer %r" % name)
            a = np.asarray(activations[name], dtype=np.float32)
            if a.shape != (n, width):
                raise ValueError("layer %r must be %d x %d, not %s" % (name, n, width, a.shape))
            layers[name] = encode_matrix(a, self.codec)
        logits = activations.get("logits")
        probs = activations.get("output")
        m = {}
        if logits is not None or probs is not None:
            m, argmax = frame_metrics(self.labels, self.heldout, logits, probs, len(self.classes))
            if predicted is None:
                predicted = argmax
        if predicted is None:
            raise ValueError("predicted classes are needed when the frame has neither logits nor output")
        m.update(metrics or {})
        for key in ("train_loss", "train_accuracy", "heldout_loss", "heldout_accuracy"):
            if key not in m:
                raise ValueError("metric %r is needed (or a 'logits' or 'output' layer to compute it)" % key)
        predicted = np.asarray(predicted, dtype=np.uint8).reshape(-1)
        if predicted.size != n:
            raise ValueError("predicted must have one class per point")
        classes = len(self.classes)
        frame = {
            "type": "frame", "index": self.frames, "epoch": int(epoch),
            "train_loss": float(m["train_loss"]), "train_accuracy": float(m["train_accuracy"]),
            "heldout_loss": float(m["heldout_loss"]), "heldout_accuracy": float(m["heldout_accuracy"]),
            "per_class_accuracy": [float(v) for v in m.get("per_class_accuracy", [0.0] * classes)],
            "confusion": [int(v) for v in m.get("confusion", [0] * classes * classes)],
            "wall_seconds": float(time.monotonic() - self.started if wall_seconds is None else wall_seconds),
            "epoch_seconds": float(epoch_seconds),
            "predicted": predicted.tobytes(),
            "layers": layers,
        }
        self._write_record(frame)
        self.frames += 1
        return {k: v for k, v in frame.items() if k not in ("type", "predicted", "layers")}

    def append_trajectory(self, steps, epochs, losses, sketches):
        """Appends a trajectory record (format 1.2): `count` parameter snapshots, each the step, the
        epoch in progress, the batch loss and a sketch (count x dims float32, ParameterSketch)."""
        sketches = np.asarray(sketches, dtype="<f4")
        steps = np.asarray(steps, dtype="<i4").reshape(-1)
        epochs = np.asarray(epochs, dtype="<i4").reshape(-1)
        losses = np.asarray(losses, dtype="<f4").reshape(-1)
        count = steps.size
        if count == 0:
            return
        if sketches.ndim != 2 or sketches.shape[0] != count or epochs.size != count or losses.size != count:
            raise ValueError("steps, epochs, losses and sketches must describe the same %d snapshots" % count)
        self._write_record({"type": "trajectory", "dims": int(sketches.shape[1]), "count": int(count),
                            "steps": steps.tobytes(), "epochs": epochs.tobytes(), "losses": losses.tobytes(),
                            "sketches": zlib.compress(np.ascontiguousarray(sketches).tobytes(), 6)})

    def close(self, reason="finished"):
        """Appends the end record (followers stop waiting) and closes the file. Idempotent."""
        if self._file is None:
            return
        try:
            self._write_record({"type": "end", "frames": self.frames, "reason": str(reason)})
        finally:
            self._file.close()
            self._file = None

    def __enter__(self):
        return self

    def __exit__(self, kind, value, tb):
        if self._file is None:
            return
        if kind is None:
            self.close("finished")
        elif issubclass(kind, KeyboardInterrupt):
            self.close("stopped")
        else:
            self.close("failed")


def read_records(path):
    """Yields every complete, intact record of a session file as a dict (bin fields as bytes),
    header first; stops quietly at a truncated or damaged tail. decode_images(header) and
    decode_texts(header) unpack the header's thumbnails and texts."""
    with open(path, "rb") as f:
        unpacker = msgpack.Unpacker(f, raw=False, max_buffer_size=1 << 31)
        if next(unpacker) != MAGIC:
            raise ValueError("%s: not an epochscope session file" % path)
        try:
            for crc, body in unpacker:
                if zlib.crc32(body) & 0xFFFFFFFF != crc:
                    return
                yield msgpack.unpackb(body, raw=False)
        except (ValueError, TypeError, msgpack.OutOfData):
            return
