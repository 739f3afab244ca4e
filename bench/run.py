#!/usr/bin/python3
"""`make bench`: epochscope against the peers a user would otherwise use, side by side in one run.

Every comparison is timed interleaved (A B A B A B: ours, then each peer, three rounds), each side
reported as its median with min-max; ratio = ours / peer (below 1: we are faster). Each pair runs
with the same settings wherever the methods share them (stated in the row), and again with the peer's
own defaults (what a user gets out of the box). Each layout is scored by one evaluator for both sides
(bench/objectives.py): the method's own objective (t-SNE: KL divergence; UMAP: fuzzy cross-entropy
on one graph; MDS: normalised stress; Sammon: Sammon's stress), recall@10, and trustworthiness,
continuity (k = 10) and Spearman's rho of distances on 2,000 points. MDS and Sammon run on
the same 2,000 points as their peers, then ours alone on all 10,000. The 70,000-point part (UMAP on
every Fashion-MNIST image, t-SNE on 20,000 of them; bench/fashion70k.py) runs in the full bench and
with `--only fashion70k`. `--quick` (make bench QUICK=1): one round, 10,000 points only (the
70,000-point part only when asked for by --only), the same columns. Run through Debian's python3."""
import argparse, json, os, subprocess, sys, time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import fashion70k  # noqa: E402
import objectives as ob  # noqa: E402
import runner  # noqa: E402


def run_json(cmd, env=None, timeout=1800):
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env, timeout=timeout)
    return json.loads(out.stdout.strip().splitlines()[-1])


# ---- the parallel loop and training ------------------------------------------------------------

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
            rows.append({"what": f"parallel loop: {s['shape']}", "settings": f"{threads} threads, median of 5",
                         "ours": [s["team_s"]], "peer": peer, "peer_times": [s[key]]})
    return rows


def bench_interaction(build):
    """What the window computes on its own thread when a user acts (bench/interaction_bench.cpp), at
    10,000 points, against one frame at 60 Hz: below 1, the answer is there in the next frame."""
    r = run_json([os.path.join(build, "interaction_bench")])
    frame = [1.0 / 60.0]
    rows = []
    for what, key in (("neurons matrix, new frame: 128 units", "neurons_128_ms"),
                      ("neurons matrix, new frame: 784 pixels", "neurons_784_ms"),
                      ("neighbour list, hover: 128 units", "neighbours_128_ms"),
                      ("neighbour list, hover: 784 pixels", "neighbours_784_ms"),
                      (f"lasso of {r['lasso_points']:,} points, 200 corners", "lasso_ms")):
        rows.append({"what": what, "settings": "10,000 points, the window's thread, median of 21",
                     "ours": [r[key] / 1000.0], "peer": "one frame at 60 Hz", "peer_times": frame})
    return rows


def bench_training(build, data_dir, threads, batch, epochs, rounds):
    env = dict(os.environ, OMP_WAIT_POLICY="PASSIVE")
    common = ["--data-dir", data_dir, "--epochs", str(epochs), "--batch-size", str(batch), "--threads", str(threads)]
    ours_cmd = [os.path.join(build, "train_epoch_bench")] + common
    res = runner.interleave({
        "ours": lambda r: {"seconds": run_json(ours_cmd, env)["epoch_seconds"]},
        "torch": lambda r: {"seconds": run_json([sys.executable, os.path.join(HERE, "torch_epoch.py")] + common, env)["epoch_seconds"]},
        "busy": lambda r: {"seconds": run_json(ours_cmd + ["--busy"], env)["epoch_seconds"]},
        # An epoch as the window lives it: the training pass and recording 10,000 points, every layer
        # of the cnn (conv1, conv2, hidden, logits, output) against the three it recorded before.
        "every": lambda r: {"seconds": run_json(ours_cmd + ["--tracked", "10000"], env)["cycle_seconds"]},
        "three": lambda r: {"seconds": run_json(ours_cmd + ["--tracked", "10000", "--layers", "hidden,logits,output"],
                                                env)["cycle_seconds"]},
    }, rounds)
    sec = {k: [x["seconds"] for x in v] for k, v in res.items()}
    settings = f"8,000 images, batch {batch}, {threads} threads, same model"
    return [{"what": "training epoch", "settings": settings, "ours": sec["ours"], "peer": "PyTorch (Python)",
             "peer_times": sec["torch"]},
            {"what": "training epoch, another thread busy / alone", "settings": settings, "ours": sec["busy"],
             "peer": "ours, alone", "peer_times": sec["ours"]},
            {"what": "epoch + recording 10,000 points: every cnn layer / three layers", "settings": settings,
             "ours": sec["every"], "peer": "ours, hidden+logits+output", "peer_times": sec["three"]}]


# ---- projections --------------------------------------------------------------------------------

def read_idx(path):
    import gzip
    opener = gzip.open if open(path, "rb").read(2) == b"\x1f\x8b" else open
    with opener(path, "rb") as f:
        data = f.read()
    rank = data[3]
    dims = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(rank)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * rank).reshape(dims)


class DataSet:
    """One input (10,000 raw images or softmax outputs), and what every layout of it is scored against."""

    def __init__(self, name, layer, x, work):
        self.name, self.layer, self.x = name, layer, x
        self.path = os.path.join(work, f"peer-in-{name}-{len(x)}.f32")
        x.astype(np.float32).tofile(self.path)
        self.neighbours, _ = ob.knn(x, 10)
        self._p = self._graph = self._quality = None

    def rank_quality(self):
        if self._quality is None:
            self._quality = ob.RankQuality(self.x, self.neighbours)
        return self._quality

    def tsne_p(self):
        if self._p is None:
            self._p = ob.tsne_p(self.x, 30.0)
        return self._p

    def fuzzy_graph(self):
        if self._graph is None:
            self._graph = ob.fuzzy_graph(self.x, 15)
        return self._graph

    def subset(self, indices, work):
        sub = DataSet(f"{self.name}-sub", self.layer, self.x[indices], work)
        sub.indices = indices
        return sub


def pca_coords(x):
    """The data on its first two principal components."""
    xc = (x - x.mean(0)).astype(np.float64)
    _, _, vt = np.linalg.svd(xc, full_matrices=False)
    return xc @ vt[:2].T


def pca_init(x):
    """The first two principal components, scaled so the first has std 1e-4 (t-SNE's start: ours,
    openTSNE's and scikit-learn's)."""
    y = pca_coords(x)
    return (y / y[:, 0].std() * 1e-4).astype(np.float32)


def score(method, ds, y, settings):
    ny, _ = ob.knn(y, 10)
    out = {"recall": ob.recall_at_k(ds.neighbours, y, y_neighbours=ny)}
    out["tc_rho"] = ds.rank_quality()(y, ny)
    if method == "tsne":
        out["objective"] = ob.kl_divergence(ds.tsne_p(), y)
    elif method == "umap":
        a, b = ob.find_ab(1.0, settings.get("min_dist", 0.1))
        out["objective"] = ob.umap_cross_entropy(ds.fuzzy_graph(), y, a, b)
    elif method == "mds":
        out["objective"] = ob.normalized_stress(ds.x, y)
    elif method == "sammon":
        out["objective"] = ob.sammon_stress(ds.x, y)
    return out


OBJECTIVE = {"tsne": "KL divergence", "umap": "fuzzy cross-entropy", "mds": "normalised stress", "sammon": "Sammon stress"}


class Bench:
    def __init__(self, build, threads, work, rounds):
        self.exe = os.path.join(build, "epochscope")
        self.threads, self.work, self.rounds = threads, work, rounds

    def ours(self, session, method, ds, flags):
        def run(r):
            out = os.path.join(self.work, f"ours-{method}-{ds.name}.csv")
            cmd = [self.exe, "project", session, "--method", method, "--layer", ds.layer, "--frames", "last",
                   "--threads", str(self.threads), "--json", "--quiet", "--out", out] + flags
            if hasattr(ds, "indices"):
                pts = os.path.join(self.work, f"points-{ds.name}.txt")
                np.savetxt(pts, ds.indices, fmt="%d")
                cmd += ["--points", pts]
            t0 = time.perf_counter()
            seconds = run_json(cmd)[0]["seconds"]
            process = time.perf_counter() - t0  # the whole command: reading, layout, its own scoring, writing
            y = np.loadtxt(out, delimiter=",", skiprows=1, usecols=(3, 4), dtype=np.float64)
            return {"seconds": seconds, "process_seconds": process, "layout": y}
        return run

    def peer(self, kind, name, ds, settings, init=None):
        def run(r):
            out = os.path.join(self.work, f"peer-{name}-{ds.name}.f32")
            init_path = None
            if init is not None:
                init_path = os.path.join(self.work, f"init-{ds.name}.f32")
                init.astype(np.float32).tofile(init_path)
            if kind == "py":
                cmd = [sys.executable, os.path.join(HERE, "peers.py"), name, "--data", ds.path, "--rows", str(len(ds.x)),
                       "--out", out, "--threads", str(self.threads), "--settings", json.dumps(settings), "--seed", str(r + 1)]
                if init_path:
                    cmd += ["--init", init_path]
            else:
                cmd = ["Rscript", os.path.join(HERE, "peers.R"), name, ds.path, str(len(ds.x)), out, str(self.threads),
                       str(r + 1)] + [f"{k}={v}" for k, v in settings.items()] + ([f"init_file={init_path}"] if init_path else [])
            seconds = run_json(cmd)["seconds"]
            return {"seconds": seconds, "layout": np.fromfile(out, dtype=np.float32).reshape(len(ds.x), 2)}
        return run

    def compare(self, method, ds, label, ours_flags, ours_settings, peers):
        """One group: ours and each peer interleaved; one row per peer."""
        sides = {"ours": self.ours(self.session, method, ds, ours_flags)}
        for p in peers:
            sides[p["label"]] = self.peer(p["kind"], p["name"], ds, p.get("settings", {}), p.get("init"))
        t0 = time.time()
        try:
            res = runner.interleave(sides, self.rounds)
        except (subprocess.SubprocessError, ValueError, OSError) as e:
            print(f"bench: {method} on {ds.name} ({label}) failed: {e}", file=sys.stderr)
            return []
        scores = {}
        for side, runs in res.items():
            peer = None if side == "ours" else next(p for p in peers if p["label"] == side)
            st = ours_settings if peer is None else peer.get("score", peer.get("settings", {}))
            scores[side] = [score(method, ds, r["layout"], st) for r in runs]
        print(f"bench: {method} on {ds.name}, {label}: {time.time() - t0:.0f} s", file=sys.stderr)
        rows = []
        ours_t = [r["seconds"] for r in res["ours"]]
        for p in peers if peers else [{"label": "-", "note": ""}]:
            row = {"what": f"{method} on {ds.name} ({len(ds.x)} points)", "settings": label + p.get("note", ""),
                   "ours": ours_t, "peer": p["label"], "peer_times": [r["seconds"] for r in res.get(p["label"], [])],
                   "objective": OBJECTIVE.get(method, ""),
                   "ours_objective": [s.get("objective", float("nan")) for s in scores["ours"]],
                   "peer_objective": [s.get("objective", float("nan")) for s in scores.get(p["label"], [])],
                   "ours_recall": [s["recall"] for s in scores["ours"]],
                   "peer_recall": [s["recall"] for s in scores.get(p["label"], [])],
                   "ours_tc_rho": [s["tc_rho"] for s in scores["ours"]],
                   "peer_tc_rho": [s["tc_rho"] for s in scores.get(p["label"], [])]}
            rows.append(row)
        return rows


def bench_projections(build, data_dir, threads, work, methods, rounds, quick, data_sets=("raw", "softmax")):
    os.makedirs(work, exist_ok=True)
    b = Bench(build, threads, work, rounds)
    b.session = os.path.join(work, "trained.epochscope")
    if not os.path.exists(b.session):
        print("bench: training 10 epochs for the softmax data set (once)", file=sys.stderr)
        subprocess.run([b.exe, "train", "--epochs", "10", "--quiet", "--out", b.session], check=True,
                       env=dict(os.environ, OMP_WAIT_POLICY="PASSIVE"))
    # The same 10,000 points in the same order as the session: training images, then held-out.
    raw = np.concatenate([read_idx(os.path.join(data_dir, "train-images-idx3-ubyte")),
                          read_idx(os.path.join(data_dir, "t10k-images-idx3-ubyte"))]).reshape(-1, 784)
    raw = raw.astype(np.float32) / 255.0
    csv = os.path.join(work, "softmax.csv")
    subprocess.run([b.exe, "export", b.session, "--layer", "output", "--frame", "last", "--out", csv], check=True,
                   capture_output=True)
    softmax = np.loadtxt(csv, delimiter=",", skiprows=1, usecols=range(3, 13), dtype=np.float32)
    sets = [DataSet("raw", "input", raw, work), DataSet("softmax", "output", softmax, work)]
    sets = [ds for ds in sets if ds.name in data_sets]
    rows = []
    for ds in sets:
        n = len(ds.x)
        lr = n / 12.0
        if "pca" in methods:
            rows += b.compare("pca", ds, "2 components", [], {}, [{"label": "scikit-learn PCA", "kind": "py", "name": "sklearn-pca"}])
        if "tsne" in methods:
            same = f"perplexity 30, theta 0.5, 1000 iterations (250 exaggerated x12), PCA init, learning rate N/12 = {lr:.0f}"
            rows += b.compare("tsne", ds, "same settings: " + same,
                              ["--theta", "0.5", "--tsne-iterations", "1000", "--tsne-early-iterations", "250",
                               "--learning-rate", f"{lr:.3f}", "--tsne-init", "pca", "--perplexity", "30"], {},
                              [{"label": "Rtsne", "kind": "r", "name": "rtsne", "init": pca_init(ds.x),
                                "settings": {"perplexity": 30, "theta": 0.5, "max_iter": 1000, "eta": lr, "pca": "FALSE"}},
                               {"label": "scikit-learn TSNE", "kind": "py", "name": "sklearn-tsne",
                                "settings": {"perplexity": 30, "angle": 0.5, "n_iter": 1000, "init": "pca",
                                             "learning_rate": lr}}])
            rows += b.compare("tsne", ds, "defaults: ours theta 1.0, 500 iterations (125 exaggerated), learning rate N/12 then N/4; Rtsne theta 0.5, 1000, PCA to 50 "
                              "dims, random init, eta 200; scikit-learn 1.2 defaults", [], {},
                              [{"label": "Rtsne", "kind": "r", "name": "rtsne"},
                               {"label": "scikit-learn TSNE", "kind": "py", "name": "sklearn-tsne"}])
        if "umap" in methods:
            same = "15 neighbours, min_dist 0.1, 500 epochs, spectral init, 5 negative samples, learning rate 1"
            rows += b.compare("umap", ds, "same settings: " + same, ["--n-neighbors", "15", "--min-dist", "0.1", "--umap-epochs", "500"],
                              {"min_dist": 0.1},
                              [{"label": "uwot", "kind": "r", "name": "uwot",
                                "settings": {"n_neighbors": 15, "min_dist": 0.1, "n_epochs": 500, "init": "spectral"}},
                               {"label": "umap-learn", "kind": "py", "name": "umap-learn",
                                "settings": {"n_neighbors": 15, "min_dist": 0.1, "n_epochs": 500, "init": "spectral"}}])
            rows += b.compare("umap", ds, "defaults: ours min_dist 0.1; uwot min_dist 0.01; umap-learn min_dist 0.1 "
                              "(cross-entropy with each side's own curve)", [], {"min_dist": 0.1},
                              [{"label": "uwot", "kind": "r", "name": "uwot", "settings": {}, "score": {"min_dist": 0.01}},
                               {"label": "umap-learn", "kind": "py", "name": "umap-learn", "settings": {}}])
        if "graph" in methods:
            rows += b.compare("graph", ds, "same settings: 10-NN graph, random start", ["--graph-k", "10"], {},
                              [{"label": "igraph FR + 10-NN", "kind": "py", "name": "igraph-fr", "settings": {"k": 10}}])
            rows += b.compare("graph", ds, "defaults: ours a 3-NN graph", [], {},
                              [{"label": "igraph FR + 10-NN", "kind": "py", "name": "igraph-fr", "settings": {"k": 10}}])
        if "star" in methods:
            rows += b.compare("star", ds, "anchors round the circle", [], {}, [])
        for method in ("mds", "sammon"):
            if method not in methods:
                continue
            if not quick:
                sub = ds.subset(np.random.default_rng(1).permutation(n)[:2000], work)
                init = pca_coords(sub.x).astype(np.float32)  # ours starts from PCA too
                if method == "mds":
                    rows += b.compare("mds", sub, "same 2,000 points, PCA start; ours 200 sampled-pair iterations, SMACOF "
                                      "300 majorisation steps, one start", [], {},
                                      [{"label": "scikit-learn MDS", "kind": "py", "name": "sklearn-mds", "init": init,
                                        "settings": {"n_init": 1, "max_iter": 300}}])
                    rows += b.compare("mds", sub, "same 2,000 points; scikit-learn defaults (4 random starts)", [], {},
                                      [{"label": "scikit-learn MDS", "kind": "py", "name": "sklearn-mds"}])
                else:
                    rows += b.compare("sammon", sub, "same 2,000 points, PCA start (MASS: cmdscale, the same); "
                                      "MASS's defaults, 100 Newton iterations", [], {},
                                      [{"label": "MASS sammon", "kind": "r", "name": "sammon"}])
            rows += b.compare(method, ds, "ours alone on every point", [], {}, [])
    return rows


# ---- output -------------------------------------------------------------------------------------

def tc_rho_text(runs):
    """Median trustworthiness, continuity and rho over the runs, as "T C rho"."""
    if not runs:
        return "-"
    return " ".join(f"{runner.spread([r[i] for r in runs])[0]:.3f}" for i in range(3))


def print_table(rows):
    print(f"{'what':44} {'peer':>20} {'ours s (min-max)':>24} {'peer s (min-max)':>26} {'ratio':>6}  "
          f"{'objective ours / peer':>30}  {'recall@10 ours / peer':>22}  {'T@10 C@10 rho: ours | peer':>34}")
    last_settings = None
    for r in rows:
        if r.get("settings") != last_settings:
            print(f"  [{r['settings']}]")
            last_settings = r.get("settings")
        om = runner.spread(r["ours"])[0]
        pm = runner.spread(r.get("peer_times", []))[0]
        ratio = om / pm if pm == pm and pm > 0 else float("nan")
        obj = ""
        if r.get("objective"):
            obj = f"{r['objective']} {runner.fmt_spread(r['ours_objective'], 4).split(' ')[0]} / " \
                  f"{runner.fmt_spread(r['peer_objective'], 4).split(' ')[0]}"
        rec = ""
        if "ours_recall" in r:
            rec = f"{runner.spread(r['ours_recall'])[0]:.3f} / {runner.spread(r['peer_recall'])[0]:.3f}"
        tcr = ""
        if r.get("ours_tc_rho"):
            tcr = f"{tc_rho_text(r['ours_tc_rho'])} | {tc_rho_text(r.get('peer_tc_rho', []))}"
        print(f"{r['what']:44} {r['peer']:>20} {runner.fmt_spread(r['ours']):>24} "
              f"{runner.fmt_spread(r.get('peer_times', [])):>26} {ratio:6.2f}  {obj:>30}  {rec:>22}  {tcr:>34}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build")
    ap.add_argument("--data-dir", default=os.path.join(
        os.environ.get("EPOCHSCOPE_DATA_HOME") or os.path.join(
            os.environ.get("XDG_DATA_HOME") or os.path.expanduser("~/.local/share"), "epochscope"), "mnist"))
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--batch-size", type=int, default=512)
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--rounds", type=int, default=3, help="interleaved runs of each side")
    ap.add_argument("--quick", action="store_true", help="one round, 10,000 points only")
    ap.add_argument("--json", help="also write the rows to this file")
    ap.add_argument("--only", choices=["training", "projections", "parallel", "interaction", "fashion70k"],
                    help="run one part")
    ap.add_argument("--methods", default="star,pca,mds,sammon,graph,tsne,umap")
    ap.add_argument("--data", default="raw,softmax", help="data sets to project: raw (pixels), softmax (outputs)")
    ap.add_argument("--fashion-dir", default="/usr/share/datasets/fashion-mnist",
                    help="Fashion-MNIST's IDX files (Debian's dataset-fashion-mnist)")
    ap.add_argument("--fashion-points", type=int, help="fashion70k: UMAP on this many points, not all 70,000 "
                    "(a quick check of the part)")
    ap.add_argument("--fashion-tsne-points", type=int, default=20000, help="fashion70k: t-SNE's subset")
    a = ap.parse_args()
    rounds = 1 if a.quick else a.rounds
    rows = []
    t0 = time.time()
    if a.only in (None, "parallel"):
        rows += bench_parallel(a.build, a.threads)
    if a.only in (None, "interaction"):
        rows += bench_interaction(a.build)
    if a.only in (None, "training"):
        rows += bench_training(a.build, a.data_dir, a.threads, a.batch_size, a.epochs, rounds)
    if a.only in (None, "projections"):
        rows += bench_projections(a.build, a.data_dir, a.threads, os.path.join(a.build, "bench"), a.methods.split(","),
                                  rounds, a.quick, a.data.split(","))
    if a.only == "fashion70k" or (a.only is None and not a.quick):
        exe_truth = os.path.join(a.build, "knn_truth")
        if not os.path.exists(exe_truth):
            sys.exit(f"bench: {exe_truth} not built")
        b = Bench(a.build, a.threads, os.path.join(a.build, "bench"), rounds)
        os.makedirs(b.work, exist_ok=True)
        rows += fashion70k.bench_fashion70k(b, read_idx, a.fashion_dir, exe_truth, points=a.fashion_points,
                                            tsne_points=a.fashion_tsne_points, methods=a.methods.split(","))
    print(f"\nepochscope benchmark, {time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} cores, "
          f"{rounds} interleaved round(s) per side; medians (min-max); ratio = ours / peer, below 1 is faster")
    print_table(rows)
    goals = fashion70k.goal_lines(rows)
    if goals:
        print("\ngoals (issue 17): UMAP at most 1/4 of uwot's time, t-SNE at 20,000 points at most 1/10 of Rtsne's, "
              "each at recall@10 no lower")
        print("\n".join(goals))
    print(f"\ntotal: {time.time() - t0:.0f} s")
    path = a.json or os.path.join(a.build, "bench", "results.json")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump(rows, f, indent=1)


if __name__ == "__main__":
    main()
