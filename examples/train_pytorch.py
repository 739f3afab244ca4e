#!/usr/bin/python3
"""Trains epochscope's default CNN in PyTorch (on the CPU or a GPU) and writes an epochscope session
file as it trains: frame 0 (the untrained network), then one frame per epoch. Watch it with

    /usr/bin/python3 examples/train_pytorch.py --epochs 10 --device cuda --out run.epochscope
    epochscope --follow run.epochscope            # the window, a new frame after every epoch
    epochscope info --follow run.epochscope       # or one line per epoch in a terminal

The model, data, normalisation and metrics are those of `epochscope train` (src/train/): conv(32,3x3)-
ReLU-maxpool-conv(64,3x3)-ReLU-maxpool-dense(64)-ReLU-dropout(0.5)-dense(classes). The package's
Recorder (python/epochscope) records every layer over the tracked points after each epoch: conv1 and
conv2 (channel means), hidden (the dense(64) layer), logits and output (softmax), and the path of the
parameters after every step; metrics are evaluated in eval mode over the tracked points. The data are the four standard MNIST IDX files the app uses
(~/.local/share/epochscope/mnist, fetched by `make build`; or --data-dir, gzipped or not).

Distributed runs: start one process per GPU (or CPU worker) with torchrun (e.g. `torchrun
--nproc_per_node=2 examples/train_pytorch.py --device cuda ...`), or set RANK, WORLD_SIZE,
LOCAL_RANK, MASTER_ADDR and MASTER_PORT yourself. It trains with DistributedDataParallel (each rank
takes its share of every epoch's batch; nccl on GPUs, gloo on CPUs) and only rank 0 evaluates the
tracked points and writes the session file: give the same --out to all and follow that file.

Needs Debian's python3-torch, python3-numpy and python3-msgpack (scripts/setup.sh installs them).
"""
import argparse
import gzip
import os
import signal
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
import epochscope  # noqa: E402

MEAN, STD = 0.1307, 0.3081  # MNIST's usual normalisation, as in src/train/trainer.cpp


def data_home():
    if os.environ.get("EPOCHSCOPE_DATA_HOME"):
        return os.environ["EPOCHSCOPE_DATA_HOME"]
    if os.environ.get("XDG_DATA_HOME"):
        return os.path.join(os.environ["XDG_DATA_HOME"], "epochscope")
    return os.path.join(os.path.expanduser("~"), ".local", "share", "epochscope")


def read_idx(directory, name):
    for path in (os.path.join(directory, name), os.path.join(directory, name + ".gz")):
        if os.path.exists(path):
            with open(path, "rb") as f:
                gzipped = f.read(2) == b"\x1f\x8b"
            with (gzip.open if gzipped else open)(path, "rb") as f:
                data = f.read()
            rank = data[3]
            dims = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(rank)]
            return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * rank).reshape(dims).copy()
    sys.exit("train_pytorch: %s not found in %s (run `make build` to fetch MNIST, or pass --data-dir)" % (name, directory))


class ConvNet(nn.Module):
    """src/train/model.cpp in PyTorch: forward returns the logits."""

    def __init__(self, height=28, width=28, classes=10, dropout=0.5):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3)
        self.conv2 = nn.Conv2d(32, 64, 3)
        h, w = ((height - 2) // 2 - 2) // 2, ((width - 2) // 2 - 2) // 2
        self.hidden = nn.Linear(64 * h * w, 64)
        self.drop = nn.Dropout(dropout)
        self.out = nn.Linear(64, classes)

    def forward(self, x):
        y = F.max_pool2d(F.relu(self.conv1(x)), 2)
        y = F.max_pool2d(F.relu(self.conv2(y)), 2)
        return self.out(self.drop(F.relu(self.hidden(y.flatten(1)))))


def to_tensor(images):
    x = torch.from_numpy(np.ascontiguousarray(images)).float().unsqueeze(1)
    return (x / 255.0 - MEAN) / STD


def pick_tracked(train_labels, test_labels, count, seed):
    """Up to `count` points: all when there are no more, else a seeded sample that keeps the
    split's proportion. Training points first, then held-out (as epochscope does)."""
    total = len(train_labels) + len(test_labels)
    want = min(count, total)
    from_test = min(len(test_labels), int(round(want * len(test_labels) / max(1, total))))
    from_train = min(len(train_labels), want - from_test)
    rng = np.random.default_rng(seed)
    pick = lambda n, k: np.arange(n) if k >= n else np.sort(rng.choice(n, size=k, replace=False))  # noqa: E731
    return pick(len(train_labels), from_train), pick(len(test_labels), from_test)


def stop_like_ctrl_c(signum, frame):
    """SIGTERM ends the run as Ctrl-C does: the session keeps every finished frame and gets its end record."""
    raise KeyboardInterrupt


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data-dir", default=os.path.join(data_home(), "mnist"), help="directory with the four MNIST IDX files")
    ap.add_argument("--out", help="session file to write (default: a new file under %s)" % os.path.join(data_home(), "sessions"))
    ap.add_argument("--epochs", type=int, default=45)
    ap.add_argument("--batch-size", type=int, default=512)
    ap.add_argument("--lr", type=float, default=1e-4)
    ap.add_argument("--optimizer", choices=["adam", "sgd"], default="adam")
    ap.add_argument("--momentum", type=float, default=0.9, help="SGD momentum")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--tracked", type=int, default=10000, help="points whose activations every frame records")
    ap.add_argument("--limit", type=int, default=0, help="use only the first N training and N/4 held-out images (quick runs)")
    ap.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu", help="cpu, cuda or cuda:N")
    ap.add_argument("--threads", type=int, default=0, help="CPU threads (0 = PyTorch's default)")
    a = ap.parse_args()
    if a.epochs < 0 or a.batch_size < 1 or a.tracked < 1:
        ap.error("--epochs must be >= 0, --batch-size and --tracked >= 1")

    rank = int(os.environ.get("RANK", "0"))
    world = int(os.environ.get("WORLD_SIZE", "1"))
    device = torch.device(a.device)
    if device.type == "cuda" and not torch.cuda.is_available():
        ap.error("--device %s: this PyTorch sees no CUDA device (use --device cpu)" % a.device)
    if world > 1:
        import torch.distributed as dist
        if device.type == "cuda":
            device = torch.device("cuda", int(os.environ.get("LOCAL_RANK", "0")))
            torch.cuda.set_device(device)
        dist.init_process_group("nccl" if device.type == "cuda" else "gloo")
    if a.threads > 0:
        torch.set_num_threads(a.threads)
    signal.signal(signal.SIGTERM, stop_like_ctrl_c)

    train_images = read_idx(a.data_dir, "train-images-idx3-ubyte")
    train_labels = read_idx(a.data_dir, "train-labels-idx1-ubyte")
    test_images = read_idx(a.data_dir, "t10k-images-idx3-ubyte")
    test_labels = read_idx(a.data_dir, "t10k-labels-idx1-ubyte")
    if a.limit > 0:
        train_images, train_labels = train_images[:a.limit], train_labels[:a.limit]
        test_images, test_labels = test_images[:max(1, a.limit // 4)], test_labels[:max(1, a.limit // 4)]
    classes = int(max(train_labels.max(), test_labels.max())) + 1
    height, width = train_images.shape[1], train_images.shape[2]

    torch.manual_seed(a.seed)
    model = ConvNet(height, width, classes).to(device)
    net = model
    if world > 1:
        model = nn.parallel.DistributedDataParallel(net, device_ids=[device.index] if device.type == "cuda" else None)
    if a.optimizer == "adam":
        opt = torch.optim.Adam(model.parameters(), lr=a.lr)
    else:
        opt = torch.optim.SGD(model.parameters(), lr=a.lr, momentum=a.momentum)
    x = to_tensor(train_images).to(device)
    y = torch.from_numpy(train_labels.astype(np.int64)).to(device)

    rec = None
    if rank == 0:
        tr, te = pick_tracked(train_labels, test_labels, a.tracked, a.seed)
        tracked_images = np.concatenate([train_images[tr], test_images[te]])
        tracked_labels = np.concatenate([train_labels[tr], test_labels[te]])
        heldout = np.concatenate([np.zeros(len(tr), bool), np.ones(len(te), bool)])
        out = a.out or os.path.join(data_home(), "sessions", time.strftime("pytorch-%Y%m%d-%H%M%S.epochscope"))
        meta = {"tool": "examples/train_pytorch.py (PyTorch %s)" % torch.__version__, "epochs": a.epochs,
                "batch_size": a.batch_size, "learning_rate": a.lr, "optimizer": a.optimizer,
                "momentum": a.momentum, "seed": a.seed, "device": str(device), "world_size": world,
                "data_dir": a.data_dir}
        # Every layer of the network over the tracked points, one frame per epoch (rank 0 only).
        rec = epochscope.Recorder(out, net, inputs=to_tensor(tracked_images).to(device), labels=tracked_labels,
                                  heldout=heldout, images=tracked_images, batch_size=1000, meta=meta,
                                  dataset="mnist", source_index=np.concatenate([tr, te]))
        print("train_pytorch: training on %s (%d training, %d held-out images) on %s, tracking %d points, %d epochs; "
              "session: %s" % (a.data_dir, len(train_labels), len(test_labels), device, len(tracked_labels), a.epochs, out),
              file=sys.stderr, flush=True)

    try:
        if rec:
            rec.capture(0)
        n = x.shape[0]
        per_rank = n // world
        local_batch = max(1, a.batch_size // world)
        for epoch in range(1, a.epochs + 1):
            model.train()
            g = torch.Generator().manual_seed(a.seed * 100003 + epoch)  # the same order on every rank
            order = torch.randperm(n, generator=g)[rank::world][:per_rank].to(device)
            t0 = time.perf_counter()
            for b in range(0, per_rank, local_batch):
                idx = order[b:b + local_batch]
                opt.zero_grad()
                loss = F.cross_entropy(model(x[idx]), y[idx])
                loss.backward()
                opt.step()
                if rec:
                    rec.step(loss.item())  # the path in parameter space
            if device.type == "cuda":
                torch.cuda.synchronize(device)
            seconds = time.perf_counter() - t0
            if rec:
                m = rec.capture(epoch, epoch_seconds=seconds)
                print("epoch %3d/%d: train loss %.4f acc %5.1f%% | held-out loss %.4f acc %5.1f%% | %.2f s"
                      % (epoch, a.epochs, m["train_loss"], 100 * m["train_accuracy"], m["heldout_loss"],
                         100 * m["heldout_accuracy"], seconds), file=sys.stderr, flush=True)
        if rec:
            rec.close("finished")
    except KeyboardInterrupt:
        if rec:
            frames = rec.writer.frames
            rec.close("stopped")
            print("train_pytorch: stopped; the session holds %d frames" % frames, file=sys.stderr)
        return 130
    finally:
        if world > 1:
            import torch.distributed as dist
            dist.destroy_process_group()
    return 0


if __name__ == "__main__":
    sys.exit(main())
