#!/usr/bin/python3
"""Python peers of epochscope's projections, timed around the method call alone (data already in
memory). Reads a float32 matrix (N x D, row-major) from --data, writes the N x 2 layout as float32
to --out and prints one JSON line: {"peer": ..., "seconds": ...}. --settings (JSON) gives the
method's options; without it the peer runs its own defaults. --init (float32, N x 2) is a starting
layout for the methods that take one."""
import argparse, json, time

import numpy as np


def knn_graph_fr(x, k=10, seed=1):
    import igraph
    from sklearn.neighbors import NearestNeighbors
    nn = NearestNeighbors(n_neighbors=k + 1).fit(x)
    _, idx = nn.kneighbors(x)
    edges = {(min(i, j), max(i, j)) for i in range(len(x)) for j in idx[i, 1:] if i != j}
    g = igraph.Graph(n=len(x), edges=list(edges))
    import random
    random.seed(seed)
    return np.array(g.layout_fruchterman_reingold().coords, dtype=np.float32)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("method", choices=["sklearn-pca", "sklearn-tsne", "sklearn-mds", "umap-learn", "igraph-fr"])
    ap.add_argument("--data", required=True)
    ap.add_argument("--rows", type=int, required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--settings", default="{}", help="JSON object of the method's options (empty: its defaults)")
    ap.add_argument("--init", help="float32 N x 2 starting layout (t-SNE, MDS)")
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    x = np.fromfile(a.data, dtype=np.float32).reshape(a.rows, -1)
    settings = json.loads(a.settings)
    init = np.fromfile(a.init, dtype=np.float32).reshape(a.rows, 2).astype(np.float64) if a.init else None
    if a.method == "umap-learn":
        import umap
        # Warm the numba JIT on a small problem first: a user's second call does not pay for it.
        umap.UMAP(n_neighbors=15, random_state=None, n_jobs=a.threads).fit_transform(x[:500])
    t0 = time.perf_counter()
    if a.method == "sklearn-pca":
        from sklearn.decomposition import PCA
        y = PCA(n_components=2).fit_transform(x)
    elif a.method == "sklearn-tsne":
        from sklearn.manifold import TSNE
        kw = dict(settings)
        if init is not None:
            kw["init"] = init
        y = TSNE(n_components=2, random_state=a.seed, n_jobs=a.threads, **kw).fit_transform(x)
    elif a.method == "sklearn-mds":
        from sklearn.manifold import MDS
        kw = dict(settings)
        kw.setdefault("normalized_stress", "auto")
        y = MDS(n_components=2, random_state=a.seed, n_jobs=a.threads, **kw).fit_transform(x, init=init)
    elif a.method == "umap-learn":
        import umap
        # random_state=None keeps umap-learn's parallel optimiser (a seed makes it single-threaded).
        y = umap.UMAP(n_jobs=a.threads, **settings).fit_transform(x)
    else:
        y = knn_graph_fr(x, k=settings.get("k", 10), seed=a.seed)
    seconds = time.perf_counter() - t0
    np.asarray(y, dtype=np.float32).tofile(a.out)
    print(json.dumps({"peer": a.method, "seconds": seconds}))


if __name__ == "__main__":
    main()
