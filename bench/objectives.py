"""Each method's own objective, computed one way for every layout (ours and the peers'), with numpy
alone, so a comparison of two layouts of the same data is like for like:

- t-SNE: the KL divergence KL(P || Q). P is the perplexity-calibrated affinity on each point's
  3 x perplexity nearest neighbours, symmetrised (what Barnes-Hut t-SNE, Rtsne and scikit-learn
  optimise); Q is exact, normalised over all N (N - 1) ordered pairs.
- UMAP: the fuzzy cross-entropy of the layout against one fuzzy graph (umap-learn's definition:
  n_neighbors nearest including the point itself, local connectivity 1, log2(k) smoothing,
  probabilistic t-conorm), summed exactly over all unordered pairs, with the curve
  1 / (1 + a d^2b) fitted from min_dist and spread as umap-learn fits it.
- MDS: raw stress at the best scale, sum (d_ij - s e_ij)^2 / sum d_ij^2 (d: data, e: layout).
- Sammon: Sammon's stress at the best scale, sum (d_ij - s e_ij)^2 / d_ij / sum d_ij.
- recall@10: the share of each point's 10 nearest neighbours in the data that are among its 10
  nearest in the layout (exact kNN both sides, ties broken by index).
- trustworthiness and continuity at 10 (Venna & Kaski), exact, and Spearman's rho of data against
  layout distances over the pairs of a fixed sample of 2,000 points (RankQuality).

Exact all-pairs sums run in row chunks (10,000 points: a few seconds each)."""
import numpy as np

CHUNK = 1024


def squared_distances(a, b):
    """Exact squared Euclidean distances between the rows of a and b, float64."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    d = (a * a).sum(1)[:, None] + (b * b).sum(1)[None, :] - 2.0 * a @ b.T
    return np.maximum(d, 0.0)


def knn(x, k):
    """Indices (N x k) of each row's k nearest other rows, nearest first, ties by index."""
    x = np.asarray(x, dtype=np.float64)
    n = len(x)
    out = np.empty((n, k), dtype=np.int64)
    dist = np.empty((n, k), dtype=np.float64)
    for s in range(0, n, CHUNK):
        d = squared_distances(x[s:s + CHUNK], x)
        rows = np.arange(s, min(n, s + CHUNK))
        d[rows - s, rows] = np.inf
        # A stable sort on (distance, index): argsort of distance with kind="stable" keeps index order.
        part = np.argpartition(d, k, axis=1)[:, :k + 1] if k + 1 < n else np.tile(np.arange(n), (len(rows), 1))
        for r in range(len(rows)):
            cand = part[r]
            order = np.lexsort((cand, d[r, cand]))[:k]
            out[s + r] = cand[order]
            dist[s + r] = np.sqrt(d[r, cand[order]])
    return out, dist


def layout_knn(y, k):
    """The same lists as knn() for a low-dimensional layout (N x 2 or 3), through scipy's kd-tree:
    exact, nearest first, ties by index, a point never its own neighbour; 70,000 points in about a
    second where knn() takes minutes. Rows whose k-th distance reaches the end of the kd-tree's
    window (ties running past it) are redone with knn()'s direct scan."""
    from scipy.spatial import cKDTree
    y = np.asarray(y, dtype=np.float64)
    n = len(y)
    k = min(k, n - 1)
    window = min(n, k + 9)
    d, idx = cKDTree(y).query(y, k=window)
    d = np.where(idx == np.arange(n)[:, None], np.inf, d)
    order = np.lexsort((idx, d), axis=-1)
    idx = np.take_along_axis(idx, order, axis=1)[:, :k]
    d = np.take_along_axis(d, order, axis=1)
    ragged = np.nonzero(d[:, k - 1] >= d[:, window - 2])[0] if window < n else []
    for i in ragged:
        di = ((y - y[i]) ** 2).sum(1)
        di[i] = np.inf
        idx[i] = np.lexsort((np.arange(n), di))[:k]
    return idx


def recall_of_lists(x_neighbours, y_neighbours, k=10):
    """recall_at_k from both neighbour lists (N x >= k each), vectorised."""
    xs, ys = x_neighbours[:, :k], y_neighbours[:, :k]
    return float((xs[:, :, None] == ys[:, None, :]).any(-1).sum()) / (k * len(xs))


def recall_at_k(x_neighbours, y, k=10, y_neighbours=None):
    """x_neighbours: the data's kNN indices (N x >= k); y: the layout (or its kNN, y_neighbours)."""
    ny = y_neighbours[:, :k] if y_neighbours is not None else knn(y, k)[0]
    xs = x_neighbours[:, :k]
    hits = sum(len(np.intersect1d(xs[i], ny[i], assume_unique=True)) for i in range(len(y)))
    return hits / (k * len(y))


# ---- t-SNE --------------------------------------------------------------------------------------

def tsne_affinities(neighbour_dist2, perplexity):
    """Conditional P_{j|i} over each row's neighbours (squared distances, N x k): Gaussian precision
    found by bisection so that exp(H) = perplexity (|H - log perplexity| < 1e-5 nats)."""
    d2 = np.asarray(neighbour_dist2, dtype=np.float64)
    n, k = d2.shape
    target = np.log(perplexity)
    lo = np.zeros(n)
    hi = np.full(n, np.inf)
    beta = np.ones(n)
    p = None
    for _ in range(200):
        e = np.exp(-(d2 - d2.min(1, keepdims=True)) * beta[:, None])
        s = e.sum(1)
        p = e / s[:, None]
        h = np.log(s) + beta * ((d2 - d2.min(1, keepdims=True)) * p).sum(1)
        done = np.abs(h - target) < 1e-5
        if done.all():
            break
        up = h > target  # too flat: sharpen
        lo = np.where(up & ~done, beta, lo)
        hi = np.where(~up & ~done, beta, hi)
        beta = np.where(done, beta, np.where(np.isinf(hi), beta * 2, (lo + hi) / 2))
    return p


def tsne_p(x, perplexity=30.0):
    """Symmetric joint P as a dict of (i, j) -> p over the kNN graph (k = 3 perplexity), as sparse
    arrays rows, cols, values (both (i, j) and (j, i) present), summing to 1."""
    k = min(len(x) - 1, int(3 * perplexity))
    idx, dist = knn(x, k)
    cond = tsne_affinities(dist ** 2, perplexity)
    n = len(x)
    rows = np.repeat(np.arange(n), k)
    cols = idx.ravel()
    vals = cond.ravel()
    # P = (P_{j|i} + P_{i|j}) / 2N over the union of both directions.
    key = np.concatenate([rows * n + cols, cols * n + rows])
    v = np.concatenate([vals, vals])
    uniq, inv = np.unique(key, return_inverse=True)
    summed = np.bincount(inv, weights=v) / (2.0 * n)
    return uniq // n, uniq % n, summed


def kl_divergence(p, y):
    """KL(P || Q) for joint P (rows, cols, values over ordered pairs) and layout y (N x dims)."""
    rows, cols, vals = p
    y = np.asarray(y, dtype=np.float64)
    n = len(y)
    z = 0.0
    for s in range(0, n, CHUNK):
        w = 1.0 / (1.0 + squared_distances(y[s:s + CHUNK], y))
        r = np.arange(s, min(n, s + CHUNK))
        w[r - s, r] = 0.0
        z += w.sum()
    w_edges = 1.0 / (1.0 + ((y[rows] - y[cols]) ** 2).sum(1))
    mask = vals > 0
    return float((vals[mask] * (np.log(vals[mask]) - np.log(w_edges[mask] / z))).sum())


# ---- UMAP ---------------------------------------------------------------------------------------

def find_ab(spread=1.0, min_dist=0.1):
    """a, b of 1 / (1 + a x^2b) fitted (least squares, as umap-learn's curve_fit) to 1 below min_dist
    and exp(-(x - min_dist) / spread) above, on 300 points in [0, 3 spread]."""
    xv = np.linspace(0, spread * 3, 300)
    yv = np.where(xv < min_dist, 1.0, np.exp(-(xv - min_dist) / spread))
    a, b = 1.0, 1.0
    lam = 1e-3
    def resid(a, b):
        with np.errstate(divide="ignore"):
            return 1.0 / (1.0 + a * xv ** (2 * b)) - yv
    for _ in range(200):
        with np.errstate(divide="ignore", invalid="ignore"):
            f = 1.0 / (1.0 + a * xv ** (2 * b))
            da = -f * f * xv ** (2 * b)
            lx = np.where(xv > 0, np.log(np.where(xv > 0, xv, 1.0)), 0.0)
            db = -f * f * a * xv ** (2 * b) * 2 * lx
        r = f - yv
        jac = np.stack([da, db], 1)
        g = jac.T @ r
        h = jac.T @ jac
        step = np.linalg.solve(h + lam * np.diag(np.diag(h)), -g)
        na, nb = a + step[0], b + step[1]
        if na > 0 and nb > 0 and (resid(na, nb) ** 2).sum() < (r ** 2).sum():
            a, b = na, nb
            lam = max(lam / 10, 1e-12)
            if np.abs(step).max() < 1e-10:
                break
        else:
            lam *= 10
    return float(a), float(b)


def fuzzy_graph(x, n_neighbors=15):
    """umap-learn's fuzzy simplicial set: symmetric weights as (rows, cols, values), i < j only."""
    n = len(x)
    k = n_neighbors - 1  # n_neighbors counts the point itself
    idx, dist = knn(x, k)
    rho = dist[:, 0]
    target = np.log2(n_neighbors)
    lo = np.zeros(n)
    hi = np.full(n, np.inf)
    sigma = np.ones(n)
    for _ in range(64):
        s = np.exp(-np.maximum(dist - rho[:, None], 0.0) / sigma[:, None]).sum(1)
        big = s > target
        hi = np.where(big, sigma, hi)
        lo = np.where(big, lo, sigma)
        sigma = np.where(np.isinf(hi), sigma * 2, (lo + hi) / 2)
        if np.all(np.abs(s - target) < 1e-5):
            break
    mean_all = dist.mean()
    sigma = np.maximum(sigma, np.where(rho > 0, 1e-3 * dist.mean(1), 1e-3 * mean_all))
    w = np.exp(-np.maximum(dist - rho[:, None], 0.0) / sigma[:, None])
    rows = np.repeat(np.arange(n), k)
    cols = idx.ravel()
    vals = w.ravel()
    lo_ = np.minimum(rows, cols)
    hi_ = np.maximum(rows, cols)
    key = lo_ * n + hi_
    uniq, inv = np.unique(key, return_inverse=True)
    # Probabilistic t-conorm of the two directions: a + b - ab (a missing direction counts 0).
    total = np.bincount(inv, weights=vals)
    prod = np.ones(len(uniq))
    count = np.bincount(inv)
    both = count == 2
    first = np.full(len(uniq), -1.0)
    for e, u in enumerate(inv):
        if first[u] < 0:
            first[u] = vals[e]
        else:
            prod[u] = first[u] * vals[e]
    combined = np.where(both, total - prod, total)
    return uniq // n, uniq % n, combined


def umap_cross_entropy(graph, y, a, b, eps=1e-12):
    """Fuzzy cross-entropy, exact: sum over unordered pairs of -w log q - (1 - w) log(1 - q),
    q = 1 / (1 + a d^2b), w the graph's weight (0 off the graph)."""
    rows, cols, w = graph
    y = np.asarray(y, dtype=np.float64)
    n = len(y)
    total = 0.0
    for s in range(0, n, CHUNK):
        d2 = squared_distances(y[s:s + CHUNK], y)
        q = 1.0 / (1.0 + a * d2 ** b)
        r = np.arange(s, min(n, s + CHUNK))
        upper = np.arange(n)[None, :] > r[:, None]  # each unordered pair once
        total += (-np.log(np.clip(1.0 - q, eps, 1.0)) * upper).sum()
    d2 = ((y[rows] - y[cols]) ** 2).sum(1)
    q = np.clip(1.0 / (1.0 + a * d2 ** b), eps, 1.0 - eps)
    # The edges: replace their non-edge term by the full one.
    total += (-w * np.log(q) - (1 - w) * np.log(1 - q) + np.log(1 - q)).sum()
    return float(total)


# ---- MDS and Sammon -----------------------------------------------------------------------------

def _pair_sums(x, y):
    """Sums over pairs i < j of d^2, d e, e^2, d, e, e^2 / d (d > 0), in row chunks (no N x N matrix)."""
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    n = len(x)
    t = np.zeros(6)
    for s in range(0, n, CHUNK):
        r = np.arange(s, min(n, s + CHUNK))
        d = np.sqrt(squared_distances(x[s:s + CHUNK], x))
        e = np.sqrt(squared_distances(y[s:s + CHUNK], y))
        upper = np.arange(n)[None, :] > r[:, None]
        pos = upper & (d > 0)
        t += [(d * d * upper).sum(), (d * e * upper).sum(), (e * e * upper).sum(), (d * pos).sum(), (e * pos).sum(),
              (np.where(pos, e * e / np.where(pos, d, 1.0), 0.0)).sum()]
    return t


def normalized_stress(x, y):
    """min over s of sum (d - s e)^2 / sum d^2, d data distances, e layout distances (pairs i < j)."""
    dd, de, ee, _, _, _ = _pair_sums(x, y)
    s = de / max(ee, 1e-300)
    return float((dd - 2 * s * de + s * s * ee) / max(dd, 1e-300))


def sammon_stress(x, y):
    """min over s of sum (d - s e)^2 / d / sum d, pairs with d > 0."""
    _, _, _, d, e, eed = _pair_sums(x, y)
    s = e / max(eed, 1e-300)
    return float((d - 2 * s * e + s * s * eed) / max(d, 1e-300))


# ---- rank quality: trustworthiness, continuity, Spearman's rho -----------------------------------

def _ranks_in(d, rows, cols):
    """d: squared distances of `rows` to every point (len(rows) x N, the point itself at +inf).
    Returns the 1-based rank of each cols[r, c] among rows[r]'s neighbours, ties broken by index
    (as knn() orders them)."""
    thr = np.take_along_axis(d, cols, axis=1)[:, :, None]
    ranks = 1 + np.count_nonzero(d[:, None, :] < thr, axis=-1)
    ties = np.count_nonzero(d[:, None, :] == thr, axis=-1) > 1
    if ties.any():  # rare: equal distances; the lower index comes first
        idx = np.arange(d.shape[1])
        for r, c in zip(*np.nonzero(ties)):
            ranks[r, c] += np.count_nonzero((d[r] == thr[r, c, 0]) & (idx < cols[r, c]))
    return ranks


def _penalty(rank_rows, own, other, k):
    """Sum of (rank - k) over the points of other[i] that own[i] (the k nearest in the space of the
    ranks) lacks; rank_rows(s, e) gives rows s..e's squared distances to every point."""
    n = len(own)
    missing = (other[:, :, None] != own[:, None, :]).all(-1)
    total = 0.0
    step = max(1, CHUNK // 4)
    for s in range(0, n, step):
        e = min(n, s + step)
        ranks = _ranks_in(rank_rows(s, e), np.arange(s, e), other[s:e])
        total += float(((ranks - k) * missing[s:e]).sum())
    return total


def _rows_of(x, n):
    def rows(s, e):
        d = squared_distances(x[s:e], x)
        d[np.arange(e - s), np.arange(s, e)] = np.inf
        return d
    return rows


class RankQuality:
    """Trustworthiness and continuity at k (Venna & Kaski 2006), exact, and Spearman's rho of
    distances on a fixed random sample, for many layouts of one data set x. T penalises the points
    among a point's k nearest in the layout that are not among its k nearest in the data, by how far
    down the data's ranking they are; C the same with the roles swapped; 1 = perfect, a random layout
    about 0.5. rho: over every pair of `sample` points (seeded), ties at average ranks. The data's
    distances are computed once and kept (N x N float64: 800 MB at 10,000 points; the reference BLAS
    makes recomputing them the slow part)."""

    def __init__(self, x, x_neighbours=None, k=10, sample=2000, seed=0):
        from scipy.stats import rankdata
        self.x = np.asarray(x, dtype=np.float64)
        self.k = k
        n = len(self.x)
        self.nx = x_neighbours[:, :k] if x_neighbours is not None else knn(self.x, k)[0]
        self.d2x = np.empty((n, n), dtype=np.float64)
        rows = _rows_of(self.x, n)
        for s in range(0, n, CHUNK):
            self.d2x[s:s + CHUNK] = rows(s, min(n, s + CHUNK))
        self.pick = np.sort(np.random.default_rng(seed).permutation(n)[:min(sample, n)])
        self.iu = np.triu_indices(len(self.pick), 1)
        self.rank_x = rankdata(self.d2x[np.ix_(self.pick, self.pick)][self.iu])

    def __call__(self, y, y_neighbours=None):
        """(trustworthiness, continuity, rho) of the layout y (N x 2)."""
        from scipy.stats import rankdata
        y = np.asarray(y, dtype=np.float64)
        n, k = len(y), self.k
        ny = y_neighbours[:, :k] if y_neighbours is not None else knn(y, k)[0]
        scale = 2.0 / (n * k * (2.0 * n - 3.0 * k - 1.0))
        t = 1.0 - scale * _penalty(lambda s, e: self.d2x[s:e], self.nx, ny, k)
        c = 1.0 - scale * _penalty(_rows_of(y, n), ny, self.nx, k)
        ry = rankdata(squared_distances(y[self.pick], y[self.pick])[self.iu])
        rho = float(np.corrcoef(self.rank_x, ry)[0, 1])
        return t, c, rho
