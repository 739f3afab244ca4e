#!/usr/bin/python3
"""`make bench`: epochscope against the peers a user would otherwise use, side by side in one run,
reported as ratios (ours / peer; below 1.0 means we are faster). Run through Debian's python3."""
import argparse, json, os, subprocess, sys, time

HERE = os.path.dirname(os.path.abspath(__file__))


def run_json(cmd, env=None):
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env)
    return json.loads(out.stdout.strip().splitlines()[-1])


def bench_training(build, data_dir, threads, batch, epochs):
    env = dict(os.environ, OMP_WAIT_POLICY="PASSIVE")
    common = ["--data-dir", data_dir, "--epochs", str(epochs), "--batch-size", str(batch), "--threads", str(threads)]
    ours = run_json([os.path.join(build, "train_epoch_bench")] + common, env)
    peer = run_json([sys.executable, os.path.join(HERE, "torch_epoch.py")] + common, env)
    busy = run_json([os.path.join(build, "train_epoch_bench")] + common + ["--busy"], env)
    return [{
        "what": f"training epoch ({ours['images']} images, batch {batch}, {threads} threads)",
        "ours_s": ours["epoch_seconds"], "peer": "PyTorch (Python)", "peer_s": peer["epoch_seconds"],
    }, {
        "what": "training epoch, another thread busy / alone",
        "ours_s": busy["epoch_seconds"], "peer": "ours, alone", "peer_s": ours["epoch_seconds"],
    }]


def bench_parallel(build, threads):
    """The one parallel loop (core/parallel.hpp) against oneTBB and OpenMP on the shapes of our loops."""
    exe = os.path.join(build, "parallel_bench")
    if not os.path.exists(exe):
        print("bench: parallel_bench not built (libtbb-dev missing?)", file=sys.stderr)
        return []
    r = run_json([exe, str(threads)], env=dict(os.environ, OMP_WAIT_POLICY="PASSIVE"))  # as the app runs
    rows = []
    for s in r["shapes"]:
        for peer, key in (("oneTBB", "tbb_s"), ("OpenMP (passive)", "openmp_s")):
            rows.append({"what": f"parallel loop: {s['shape']}", "ours_s": s["team_s"], "peer": peer, "peer_s": s[key]})
    return rows


def read_idx(path):
    import gzip
    import numpy as np
    opener = gzip.open if open(path, "rb").read(2) == b"\x1f\x8b" else open
    with opener(path, "rb") as f:
        data = f.read()
    rank = data[3]
    dims = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(rank)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * rank).reshape(dims)


_ORIGINAL_NEIGHBOURS = {}  # id(x) -> (x, its 10 nearest neighbours): each data set is searched once


def recall_at_10(x, y):
    from sklearn.neighbors import NearestNeighbors
    import numpy as np
    if id(x) not in _ORIGINAL_NEIGHBOURS:
        _ORIGINAL_NEIGHBOURS[id(x)] = (x, NearestNeighbors(n_neighbors=11).fit(x).kneighbors(x, return_distance=False)[:, 1:])
    a = _ORIGINAL_NEIGHBOURS[id(x)][1]
    b = NearestNeighbors(n_neighbors=11).fit(y).kneighbors(y, return_distance=False)[:, 1:]
    return float(np.mean([len(set(a[i]) & set(b[i])) / 10.0 for i in range(len(x))]))


def read_layout_csv(path, dims=2):
    import numpy as np
    return np.loadtxt(path, delimiter=",", skiprows=1, usecols=range(3, 3 + dims), dtype=np.float32)


def bench_projections(build, data_dir, threads, work, methods):
    import numpy as np
    exe = os.path.join(build, "epochscope")
    os.makedirs(work, exist_ok=True)
    session = os.path.join(work, "trained.epochscope")
    if not os.path.exists(session):
        print("bench: training 10 epochs for the softmax data set (once)", file=sys.stderr)
        subprocess.run([exe, "train", "--epochs", "10", "--quiet", "--out", session], check=True,
                       env=dict(os.environ, OMP_WAIT_POLICY="PASSIVE"))
    # The same 10,000 points in the same order as the session: training images, then held-out.
    raw = np.concatenate([read_idx(os.path.join(data_dir, "train-images-idx3-ubyte")),
                          read_idx(os.path.join(data_dir, "t10k-images-idx3-ubyte"))]).reshape(-1, 784)
    raw = (raw.astype(np.float32) / 255.0)
    csv = os.path.join(work, "softmax.csv")
    subprocess.run([exe, "export", session, "--layer", "output", "--frame", "last", "--out", csv], check=True,
                   capture_output=True)
    softmax = np.loadtxt(csv, delimiter=",", skiprows=1, usecols=range(3, 13), dtype=np.float32)
    sets = {"raw": ("input", raw), "softmax": ("output", softmax)}
    peers = {  # method -> (peer label, how to run it, points the peer gets)
        "pca": [("scikit-learn PCA", ("py", "sklearn-pca"), None)],
        "tsne": [("Rtsne", ("r", "rtsne"), None), ("scikit-learn TSNE", ("py", "sklearn-tsne"), None)],
        "umap": [("uwot", ("r", "uwot"), None), ("umap-learn", ("py", "umap-learn"), None)],
        "mds": [("scikit-learn MDS, 2,000 pts", ("py", "sklearn-mds"), 2000)],
        "sammon": [("MASS sammon, 2,000 pts", ("r", "sammon"), 2000)],
        "graph": [("igraph FR + 10-NN", ("py", "igraph-fr"), None)],
        "star": [],
    }
    rows = []
    for name, (layer, x) in sets.items():
        for method in methods:
            out = os.path.join(work, f"ours-{method}-{name}.csv")
            r = subprocess.run([exe, "project", session, "--method", method, "--layer", layer, "--frames", "last",
                                "--threads", str(threads), "--json", "--quiet", "--out", out],
                               check=True, capture_output=True, text=True)
            ours = json.loads(r.stdout.strip().splitlines()[-1])[0]
            ours_recall = recall_at_10(x, read_layout_csv(out))
            if not peers[method]:
                rows.append({"what": f"{method} on {name} ({len(x)} points)", "ours_s": ours["seconds"],
                             "peer": "-", "peer_s": float("nan"), "ours_recall": ours_recall,
                             "peer_recall": float("nan")})
            for label, (kind, peer_method), subsample in peers[method]:
                px = x
                if subsample:
                    px = x[np.random.default_rng(1).permutation(len(x))[:subsample]]
                data = os.path.join(work, f"peer-in-{name}-{len(px)}.f32")
                px.astype(np.float32).tofile(data)
                pout = os.path.join(work, f"peer-{peer_method}-{name}.f32")
                if kind == "py":
                    cmd = [sys.executable, os.path.join(HERE, "peers.py"), peer_method, "--data", data, "--rows",
                           str(len(px)), "--out", pout, "--threads", str(threads)]
                else:
                    cmd = ["Rscript", os.path.join(HERE, "peers.R"), peer_method, data, str(len(px)), pout, str(threads)]
                try:
                    pr = subprocess.run(cmd, check=True, capture_output=True, text=True, timeout=900)
                    peer = json.loads(pr.stdout.strip().splitlines()[-1])
                    py = np.fromfile(pout, dtype=np.float32).reshape(len(px), 2)
                    peer_s, peer_recall = peer["seconds"], recall_at_10(px, py)
                except (subprocess.SubprocessError, ValueError) as e:
                    print(f"bench: {label} failed: {e}", file=sys.stderr)
                    peer_s, peer_recall = float("nan"), float("nan")
                rows.append({"what": f"{method} on {name} ({len(x)} points)", "ours_s": ours["seconds"],
                             "peer": label, "peer_s": peer_s, "ours_recall": ours_recall, "peer_recall": peer_recall})
    # Warm-started updates and coherence over the training run.
    for method in [m for m in ("tsne", "umap", "mds", "sammon", "graph") if m in methods]:
        for mode in ("chain", "independent"):
            args = [exe, "project", session, "--method", method, "--layer", "output", "--frames", "all",
                    "--threads", str(threads), "--json", "--quiet"]
            if mode == "independent":
                args.append("--independent")
            r = subprocess.run(args, check=True, capture_output=True, text=True)
            frames = json.loads(r.stdout.strip().splitlines()[-1])
            later = [f for f in frames if f["frame"] > 0]
            disp = [f["displacement"] for f in later if f["displacement"] is not None]
            secs = sorted(f["seconds"] for f in later)
            rows.append({"what": f"{method} softmax, {mode}: median frame update / displacement",
                         "ours_s": secs[len(secs) // 2] if secs else float("nan"), "peer": "-",
                         "peer_s": float("nan"), "ours_recall": float(np.mean(disp)) if disp else float("nan"),
                         "peer_recall": float("nan"), "note": "recall column = mean displacement"})
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build")
    ap.add_argument("--data-dir", default=os.path.join(
        os.environ.get("EPOCHSCOPE_DATA_HOME") or os.path.join(
            os.environ.get("XDG_DATA_HOME") or os.path.expanduser("~/.local/share"), "epochscope"), "mnist"))
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--batch-size", type=int, default=512)
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--json", help="also write the rows to this file")
    ap.add_argument("--only", choices=["training", "projections", "parallel"], help="run one part")
    ap.add_argument("--methods", default="star,pca,mds,sammon,graph,tsne,umap")
    a = ap.parse_args()
    rows = []
    t0 = time.time()
    if a.only in (None, "parallel"):
        rows += bench_parallel(a.build, a.threads)
    if a.only in (None, "training"):
        rows += bench_training(a.build, a.data_dir, a.threads, a.batch_size, a.epochs)
    if a.only in (None, "projections"):
        rows += bench_projections(a.build, a.data_dir, a.threads, os.path.join(a.build, "bench"), a.methods.split(","))
    print(f"\nepochscope benchmark ({os.cpu_count()} cores, {time.time() - t0:.0f} s); ratio = ours / peer, "
          "below 1 is faster")
    print(f"{'what':62} {'ours':>9} {'peer':>28} {'peer time':>10} {'ratio':>6} {'recall@10 ours/peer':>20}")
    for r in rows:
        ratio = r["ours_s"] / r["peer_s"] if r["peer_s"] == r["peer_s"] and r["peer_s"] > 0 else float("nan")
        rec = ""
        if "ours_recall" in r:
            rec = f"{r['ours_recall']:.3f} / {r['peer_recall']:.3f}"
            if r.get("note"):
                rec = f"displacement {r['ours_recall']:.4f}"
        print(f"{r['what']:62} {r['ours_s']:8.3f}s {r['peer']:>28} {r['peer_s']:9.3f}s {ratio:6.2f} {rec:>20}")
    if a.json:
        with open(a.json, "w") as f:
            json.dump(rows, f, indent=2)


if __name__ == "__main__":
    main()
