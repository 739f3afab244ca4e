"""Record a PyTorch model's layers over a fixed set of points, one frame per capture, into an
epochscope session that the window shows live (`epochscope --follow run.epochscope`).

    import epochscope
    rec = epochscope.Recorder("run.epochscope", model, inputs=x, labels=y, heldout=mask,
                              layers="auto", class_names=names)      # or layers=["features.3", "fc1"]
    rec.capture(0)            # frame 0: the untrained network
    for epoch in range(1, epochs + 1):
        train_one_epoch(model)
        rec.capture(epoch)    # forward hooks record the named modules over the tracked points
    rec.close()               # also a context manager

The points show as their images (by default the inputs themselves when they look like images, colour
kept as colour), as texts (texts=[...], one str per point; images=False for texts alone), or as line
plots of the inputs. Recorder(..., optimizer=opt) (or rec.watch(opt)) records the parameters' path
after every opt.step() without a rec.step() call in the loop.

capture() runs the model in eval mode under torch.no_grad(), in batches, on the model's device,
and puts back the model's train/eval mode and the global random state afterwards, so recording
never changes how the model trains. Convolution outputs (N x C x H x W, or N x C x L) are recorded
as their per-channel means over space (kind "conv"); other outputs are flattened per point.
"""
import math
import types

import numpy as np

from epochscope.images import MAX_GREY_SIDE
from epochscope.session import ParameterSketch, SessionWriter

try:
    import torch
except ImportError:  # the writer works without torch; the recorder needs it
    torch = None


def _numpy(x):
    if torch is not None and isinstance(x, torch.Tensor):
        return x.detach().cpu().numpy()
    return np.asarray(x)


def _loss_value(result):
    """The number an optimizer's step(closure) returned (the closure's loss), else NaN."""
    if result is None:
        return float("nan")
    try:
        if torch is not None and isinstance(result, torch.Tensor):
            return float(result.detach().float().mean()) if result.numel() else float("nan")
        return float(result)
    except (TypeError, ValueError):
        return float("nan")


def _leaf_modules_with_parameters(model):
    for name, module in model.named_modules():
        if name and not any(True for _ in module.children()) and any(True for _ in module.parameters(recurse=False)):
            yield name, module


def _reduce(out):
    """One row per point: conv maps to their channel means, anything else flattened."""
    if out.dim() >= 3:
        return out.flatten(2).mean(dim=2), "conv"
    if out.dim() == 1:
        return out[:, None], "other"
    return out, "dense"


class Recorder:
    """Records `model`'s layers over `inputs` into the session file `path` (see the module doc)."""

    def __init__(self, path, model, inputs, labels, heldout=None, layers="auto", class_names=None, images=None,
                 texts=None, batch_size=256, device=None, meta=None, dataset="custom", source_index=None,
                 optimizer=None):
        """inputs: N tracked points (a tensor or array, as the model takes them); labels: N class
        indices; heldout: N booleans (default: all training points); layers: "auto" (every leaf
        module with parameters, plus the model's output as "logits" and its softmax as "output"
        when it looks like class scores) or module names as in named_modules(); images: thumbnails
        (None, the default: the inputs when they are N x 1 x H x W, N x H x W or N x 3 x H x W
        (colour), scaled to 0..1 by their minimum and maximum unless they are in 0..1 already; when
        they are not image-shaped, none if texts are given, else the inputs as line plots; False: no
        thumbnails, texts required; else N x H x W grey or N x 3 x H x W or N x H x W x 3 colour,
        uint8 or floats in 0..1, see SessionWriter); texts: one str per point (at most 1000 bytes of
        UTF-8, no NUL), shown with the point; batch_size: points per forward pass; device: default
        the model's; optimizer: a torch optimizer to watch() (every step recorded). Raises
        ValueError naming the problem before anything is written."""
        if torch is None:
            raise ImportError("epochscope.Recorder needs PyTorch (Debian: python3-torch)")
        if not isinstance(model, torch.nn.Module):
            raise TypeError("model must be a torch.nn.Module, not %s" % type(model).__name__)
        self.model = model
        self.inputs = inputs if isinstance(inputs, torch.Tensor) else torch.as_tensor(np.asarray(inputs))
        n = int(self.inputs.shape[0]) if self.inputs.dim() > 0 else 0
        self.labels = _numpy(labels).astype(np.int64).reshape(-1)
        if n == 0:
            raise ValueError("inputs hold no points")
        if self.labels.size != n:
            raise ValueError("labels has %d entries for %d inputs" % (self.labels.size, n))
        self.heldout = np.zeros(n, bool) if heldout is None else _numpy(heldout).astype(bool).reshape(-1)
        if self.heldout.size != n:
            raise ValueError("heldout has %d entries for %d inputs" % (self.heldout.size, n))
        if hasattr(texts, "__len__") and not isinstance(texts, (str, bytes)) and len(texts) != n:
            raise ValueError("texts has %d entries for %d inputs" % (len(texts), n))
        if optimizer is not None:
            self._check_optimizer(optimizer)
        if int(batch_size) < 1:
            raise ValueError("batch_size must be at least 1")
        self.batch_size = int(batch_size)
        if device is None:
            first = next(model.parameters(), None)
            device = first.device if first is not None else torch.device("cpu")
        self.device = torch.device(device)
        classes = [str(c) for c in class_names] if class_names is not None else None
        if classes is None:  # "0", "1", ... as many as the labels need
            classes = [str(c) for c in range(int(self.labels.max()) + 1)]
        if self.labels.min() < 0 or self.labels.max() >= len(classes):
            raise ValueError("labels must be 0 to %d (one per class name)" % (len(classes) - 1))
        self.classes = len(classes)
        self._names = self._resolve(layers)
        self._hooks = []
        # A first forward pass over two points: which modules fire, in what order, how wide.
        probe = self._guarded(lambda: self._forward(self.inputs[:min(n, 2)]))
        self.layer_info = []  # (name, width, kind) in depth order (the order the modules ran)
        for name, (value, kind) in probe["layers"].items():
            self.layer_info.append((name, int(value.shape[1]), kind))
        out = probe["output"]
        self._scores = out is not None and out.dim() == 2 and int(out.shape[1]) == self.classes
        if out is not None and self._scores:
            self.layer_info += [("logits", self.classes, "logits"), ("output", self.classes, "output")]
        elif out is not None and self._auto:
            self.layer_info.append(("model_output", int(_reduce(out)[0].shape[1]), "other"))
        names = [l[0] for l in self.layer_info]
        if len(set(names)) != len(names):
            raise ValueError("two layers share a name: %s" % names)
        described = {"recorder": "epochscope.Recorder",
                     "model": "%s: %s" % (type(model).__name__, " - ".join("%s [%s %d]" % (nm, k, w) for nm, w, k in self.layer_info))}
        described.update(meta or {})
        self._watched = []  # (optimizer, undo) per watch()
        self.writer = SessionWriter(path, labels=self.labels, splits=self.heldout, images=self._images(images, texts),
                                    layers=self.layer_info, meta=described, classes=classes, dataset=dataset,
                                    signal=self._signal, source_index=source_index, texts=texts)
        # The path in parameter space (step()): snapshots wait here until the next frame is written.
        self._sketch = None
        self._steps = 0
        self._epoch = 0
        self._pending = []
        if optimizer is not None:
            self.watch(optimizer)

    def _guarded(self, fn):
        """fn() in eval mode without gradients; the model's mode and the random state put back."""
        was_training = self.model.training
        cpu_state = torch.get_rng_state()
        cuda_states = torch.cuda.get_rng_state_all() if torch.cuda.is_available() else None
        try:
            self.model.eval()
            with torch.no_grad():
                return fn()
        finally:
            self.model.train(was_training)
            torch.set_rng_state(cpu_state)
            if cuda_states is not None:
                torch.cuda.set_rng_state_all(cuda_states)

    # ---- what to record -------------------------------------------------------------------------
    def _resolve(self, layers):
        """The module names to record; keeps the modules in self._modules for the hooks."""
        modules = self._modules = dict(self.model.named_modules())
        self._auto = isinstance(layers, str)
        if self._auto:
            if layers != "auto":
                raise ValueError("layers must be 'auto' or a list of module names, not %r" % layers)
            return [name for name, _ in _leaf_modules_with_parameters(self.model)]
        names = [str(l) for l in layers]
        for name in names:
            if name not in modules or name == "":
                known = ", ".join(n for n in modules if n)
                raise ValueError("layer %r is not a module of the model (modules: %s)" % (name, known))
        return names

    def _images(self, images, texts):
        """The thumbnails for the writer (None: none): see __init__'s images."""
        self._signal = False
        n = self.labels.size
        if images is False:
            if texts is None:
                raise ValueError("images=False (no thumbnails) needs texts, one str per point")
            return None
        if images is not None:
            imgs = _numpy(images)
            if imgs.ndim == 0 or imgs.shape[0] != n:
                raise ValueError("images has %d entries for %d inputs" % (imgs.shape[0] if imgs.ndim else 0, n))
            return imgs
        imgs = _numpy(self.inputs)
        if (imgs.ndim == 3 or (imgs.ndim == 4 and imgs.shape[1] in (1, 3))) and min(imgs.shape[-2:]) >= 4:
            if imgs.dtype == np.uint8:
                return imgs
            imgs = imgs.astype(np.float32)
            lo, hi = float(imgs.min()), float(imgs.max())
            if not (math.isfinite(lo) and math.isfinite(hi)):
                raise ValueError("the inputs hold NaN or Inf: pass images= (or images=False with texts=)")
            if lo < 0.0 or hi > 1.0:  # e.g. normalised inputs: the dataset's min..max becomes 0..1
                imgs = (imgs - lo) / max(hi - lo, 1e-12)
            return imgs
        if texts is not None:  # not images: the texts alone show the points
            return None
        imgs = imgs.reshape(n, -1)
        if imgs.shape[1] > MAX_GREY_SIDE:
            raise ValueError("the inputs (%s per point) are neither images nor at most %d values to draw as "
                             "line plots: pass images=, or texts= (with images=False)"
                             % (" x ".join(str(d) for d in self.inputs.shape[1:]), MAX_GREY_SIDE))
        self._signal = True
        return imgs

    # ---- one forward pass with hooks ------------------------------------------------------------
    def _forward(self, x):
        seen = {}

        def hook_for(name):
            def hook(_module, _inputs, output):
                if isinstance(output, (tuple, list)):
                    output = output[0]
                if isinstance(output, torch.Tensor) and name not in seen:
                    seen[name] = output
            return hook

        handles = [self._modules[name].register_forward_hook(hook_for(name)) for name in self._names]
        try:
            out = self.model(x.to(self.device))
        finally:
            for h in handles:
                h.remove()
        if isinstance(out, (tuple, list)):
            out = out[0]
        out = out if isinstance(out, torch.Tensor) else None
        layers = {}
        for name, value in seen.items():
            # In "auto" mode the module whose output is the model's output (the last Linear) is the
            # logits layer: not recorded twice.
            if self._auto and out is not None and value is out:
                continue
            layers[name] = _reduce(value)
        return {"layers": layers, "output": out}

    # ---- frames ---------------------------------------------------------------------------------
    def capture(self, epoch, metrics=None, epoch_seconds=0.0):
        """Records every layer over the tracked points as the frame after `epoch` epochs and
        returns its metrics (loss and accuracy, from the logits when the model outputs class scores)."""
        if self.writer is None:
            raise ValueError("the recorder is closed")
        chunks = {name: [] for name, _, _ in self.layer_info}

        def run():
            for begin in range(0, self.labels.size, self.batch_size):
                r = self._forward(self.inputs[begin:begin + self.batch_size])
                for name, (value, _kind) in r["layers"].items():
                    chunks[name].append(value.float().cpu().numpy())
                out = r["output"]
                if out is not None and self._scores:
                    logits = out.float()
                    chunks["logits"].append(logits.cpu().numpy())
                    chunks["output"].append(torch.softmax(logits, dim=1).cpu().numpy())
                elif out is not None and "model_output" in chunks:
                    chunks["model_output"].append(_reduce(out)[0].float().cpu().numpy())

        self._guarded(run)
        activations = {}
        for name, parts in chunks.items():
            a = np.concatenate(parts, axis=0).reshape(self.labels.size, -1)
            if not np.isfinite(a).all():
                raise ValueError("layer %r holds NaN or Inf at epoch %d (did training diverge?)" % (name, epoch))
            activations[name] = a
        m = self.writer.append_frame(epoch, activations, metrics=metrics, epoch_seconds=epoch_seconds)
        if self.writer.frames == 1 and self._steps == 0 and any(True for _ in self.model.parameters()):
            self._snapshot(float(m.get("train_loss", float("nan"))))  # step 0: where training starts
        self._flush_trajectory()  # the steps that led to this frame, after it (as `epochscope train`)
        self._epoch = int(epoch) + 1  # steps from now on belong to the next epoch
        return m

    def step(self, loss=float("nan")):
        """Records where the parameters are after an optimisation step (call it after
        optimizer.step(), with the batch loss, or let watch() call it): the 256-number sketch
        `epochscope train` keeps, so the window's trajectory panel shows Python runs too. The first
        capture() records step 0."""
        if self.writer is None:
            raise ValueError("the recorder is closed")
        self._steps += 1
        self._snapshot(float(loss))

    # ---- watching an optimizer ------------------------------------------------------------------
    def _check_optimizer(self, optimizer):
        if not callable(getattr(optimizer, "step", None)):
            raise TypeError("optimizer must be a torch optimizer (with a step method), not %s"
                            % type(optimizer).__name__)
        if any(o is optimizer for o, _ in getattr(self, "_watched", ())):
            raise ValueError("this optimizer is watched already")

    def watch(self, optimizer):
        """Calls step() after every optimizer.step(), with the loss when step was given a closure
        that returned one (torch's register_step_post_hook where the optimizer has it, which does
        not see the loss; else this optimizer's step is wrapped). close() undoes it. Returns the
        optimizer. Do not also call step() yourself for the same optimizer."""
        if self.writer is None:
            raise ValueError("the recorder is closed")
        self._check_optimizer(optimizer)
        if callable(getattr(optimizer, "register_step_post_hook", None)):
            handle = optimizer.register_step_post_hook(lambda _opt, _args, _kwargs: self._stepped(float("nan")))
            self._watched.append((optimizer, handle.remove))
            return optimizer
        had_own = "step" in vars(optimizer)  # e.g. an LR scheduler's step counter put there before
        original = optimizer.step
        active = [True]

        def step(_opt, *args, **kwargs):
            result = original(*args, **kwargs)
            if active[0]:
                self._stepped(_loss_value(result))
            return result

        if getattr(original, "_with_counter", False):  # torch's LR schedulers look for their counter
            step._with_counter = True
        # A bound method, as the class's step is: an LR scheduler made later wraps it in turn.
        wrapper = types.MethodType(step, optimizer)
        optimizer.step = wrapper

        def undo():
            active[0] = False  # wrapped again since (a scheduler made later)? Then it only passes through
            if vars(optimizer).get("step") is wrapper:
                if had_own:
                    optimizer.step = original
                else:
                    del optimizer.step
        self._watched.append((optimizer, undo))
        return optimizer

    def _stepped(self, loss):
        if self.writer is not None:
            self.step(loss)

    def _unwatch(self):
        watched, self._watched = self._watched, []
        for _optimizer, undo in reversed(watched):
            undo()

    def _snapshot(self, loss):
        with torch.no_grad():
            theta = torch.cat([p.detach().reshape(-1).float().cpu() for p in self.model.parameters()]).numpy()
        if self._sketch is None or self._sketch.count != theta.size:
            self._sketch = ParameterSketch(theta.size)
        self._pending.append((self._steps, self._epoch, loss, self._sketch(theta)))

    def _flush_trajectory(self):
        if self._pending and self.writer is not None:
            steps, epochs, losses, sketches = zip(*self._pending)
            self.writer.append_trajectory(steps, epochs, losses, np.stack(sketches))
        self._pending = []

    def close(self, reason="finished"):
        """Writes the end record (followers stop waiting) and closes the file. Idempotent."""
        self._unwatch()
        if self.writer is not None:
            self._flush_trajectory()
            self.writer.close(reason)
            self.writer = None

    def __enter__(self):
        return self

    def __exit__(self, kind, value, tb):
        self._unwatch()
        if self.writer is None:
            return
        self._flush_trajectory()
        self.writer.__exit__(kind, value, tb)
        self.writer = None
