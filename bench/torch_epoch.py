#!/usr/bin/python3
"""The peer of epochscope's training epoch: the same CNN, data, batch size and thread count in
PyTorch (Debian's python3-torch). Prints one JSON line with the median epoch time."""
import argparse, gzip, json, os, statistics, time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def read_idx(path):
    opener = gzip.open if open(path, "rb").read(2) == b"\x1f\x8b" else open
    with opener(path, "rb") as f:
        data = f.read()
    rank = data[3]
    dims = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(rank)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * rank).reshape(dims)


class ConvNet(nn.Module):
    def __init__(self, classes=10):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3)
        self.conv2 = nn.Conv2d(32, 64, 3)
        self.dense = nn.Linear(64 * 5 * 5, 64)
        self.drop = nn.Dropout(0.5)
        self.out = nn.Linear(64, classes)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        h = F.relu(self.dense(x.flatten(1)))
        return self.out(self.drop(h))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data-dir", required=True)
    ap.add_argument("--batch-size", type=int, default=512)
    ap.add_argument("--lr", type=float, default=1e-4)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    x = torch.from_numpy(read_idx(os.path.join(a.data_dir, "train-images-idx3-ubyte")).copy()).float()
    x = ((x / 255.0 - 0.1307) / 0.3081).unsqueeze(1)
    y = torch.from_numpy(read_idx(os.path.join(a.data_dir, "train-labels-idx1-ubyte")).astype(np.int64))
    model = ConvNet()
    opt = torch.optim.Adam(model.parameters(), lr=a.lr)
    times = []
    for _ in range(a.epochs):
        model.train()
        perm = torch.randperm(x.shape[0])
        t0 = time.perf_counter()
        for b in range(0, x.shape[0], a.batch_size):
            idx = perm[b:b + a.batch_size]
            opt.zero_grad()
            loss = F.cross_entropy(model(x[idx]), y[idx])
            loss.backward()
            opt.step()
        times.append(time.perf_counter() - t0)
    print(json.dumps({"peer": "pytorch-python", "epoch_seconds": statistics.median(times), "all": times,
                      "threads": a.threads, "batch_size": a.batch_size, "images": int(x.shape[0])}))


if __name__ == "__main__":
    main()
