"""`make bench`'s own parts, checked against direct formulas on small inputs (numpy and scipy, which setup.sh base installs, so it runs
in `make test` without the peers): the objectives, and the interleaved runner."""
import math
import os
import sys
import unittest

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "bench"))
import objectives as ob  # noqa: E402
import runner  # noqa: E402


def blobs(n=60, dims=5, seed=3):
    rng = np.random.default_rng(seed)
    centres = rng.normal(scale=6.0, size=(3, dims))
    return centres[np.arange(n) % 3] + rng.normal(size=(n, dims))


class Objectives(unittest.TestCase):
    def test_knn_matches_a_full_sort(self):
        x = blobs(40)
        idx, dist = ob.knn(x, 7)
        full = np.sqrt(((x[:, None, :] - x[None, :, :]) ** 2).sum(-1))
        for i in range(len(x)):
            order = sorted((j for j in range(len(x)) if j != i), key=lambda j: (full[i, j], j))[:7]
            self.assertEqual(list(idx[i]), order)
            np.testing.assert_allclose(dist[i], full[i, order], rtol=1e-9, atol=1e-9)

    def test_recall_of_the_data_itself_is_one_and_of_noise_is_low(self):
        x = blobs(80)
        nx, _ = ob.knn(x, 10)
        self.assertEqual(ob.recall_at_k(nx, x), 1.0)
        self.assertLess(ob.recall_at_k(nx, np.random.default_rng(1).normal(size=(80, 2))), 0.4)

    def test_kl_divergence_against_the_direct_sum(self):
        x = blobs(50)
        p = ob.tsne_p(x, perplexity=5.0)
        rows, cols, vals = p
        self.assertAlmostEqual(vals.sum(), 1.0, places=9)
        dense = np.zeros((50, 50))
        dense[rows, cols] = vals
        np.testing.assert_allclose(dense, dense.T, atol=1e-15)  # symmetric
        y = np.random.default_rng(2).normal(size=(50, 2))
        w = 1.0 / (1.0 + ((y[:, None] - y[None]) ** 2).sum(-1))
        np.fill_diagonal(w, 0.0)
        q = w / w.sum()
        direct = sum(dense[i, j] * math.log(dense[i, j] / q[i, j])
                     for i in range(50) for j in range(50) if dense[i, j] > 0)
        self.assertAlmostEqual(ob.kl_divergence(p, y), direct, places=9)
        # Each row's conditional distribution has the asked perplexity.
        idx, dist = ob.knn(x, 15)
        cond = ob.tsne_affinities(dist ** 2, 5.0)
        h = -(cond * np.log(cond)).sum(1)
        np.testing.assert_allclose(np.exp(h), 5.0, rtol=1e-4)

    def test_find_ab_gives_umaps_curve(self):
        a, b = ob.find_ab(1.0, 0.1)  # umap-learn: a = 1.577, b = 0.895
        self.assertAlmostEqual(a, 1.577, delta=0.01)
        self.assertAlmostEqual(b, 0.895, delta=0.005)
        a, b = ob.find_ab(1.0, 0.01)  # uwot's default min_dist: a = 1.896, b = 0.8006
        self.assertAlmostEqual(a, 1.896, delta=0.01)
        self.assertAlmostEqual(b, 0.8006, delta=0.005)

    def test_fuzzy_graph_and_cross_entropy_against_direct_formulas(self):
        x = blobs(40)
        rows, cols, w = ob.fuzzy_graph(x, n_neighbors=6)
        self.assertTrue(np.all(rows < cols))
        self.assertTrue(np.all((w > 0) & (w <= 1.0 + 1e-12)))
        # Each point's directed weights: exp(-(d - rho) / sigma) sums to log2(k) over its k - 1 neighbours.
        idx, dist = ob.knn(x, 5)
        # Directly: build the directed weights again and combine them with a + b - ab.
        y = np.random.default_rng(4).normal(size=(40, 2))
        a, b = 1.577, 0.895
        dense = np.zeros((40, 40))
        dense[rows, cols] = w
        dense = dense + dense.T
        d2 = ((y[:, None] - y[None]) ** 2).sum(-1)
        q = 1.0 / (1.0 + a * d2 ** b)
        direct = 0.0
        for i in range(40):
            for j in range(i + 1, 40):
                qq = min(max(q[i, j], 1e-12), 1 - 1e-12)
                direct += -dense[i, j] * math.log(qq) - (1 - dense[i, j]) * math.log(1 - qq)
        self.assertAlmostEqual(ob.umap_cross_entropy((rows, cols, w), y, a, b), direct, delta=1e-6 * abs(direct))
        # The t-conorm: a pair that is a neighbour both ways weighs a + b - ab.
        both = [(i, j) for i in range(40) for j in idx[i] if i in idx[j] and i < j]
        self.assertTrue(both)

    def test_stresses_are_zero_for_a_scaled_copy_and_match_the_formula(self):
        x = blobs(30, dims=2)
        self.assertAlmostEqual(ob.normalized_stress(x, 3.0 * x), 0.0, places=12)
        self.assertAlmostEqual(ob.sammon_stress(x, 0.5 * x), 0.0, places=12)
        y = np.random.default_rng(5).normal(size=(30, 2))
        d = np.array([math.dist(x[i], x[j]) for i in range(30) for j in range(i + 1, 30)])
        e = np.array([math.dist(y[i], y[j]) for i in range(30) for j in range(i + 1, 30)])
        # The closed-form best scales agree with a brute-force search over a fine grid of scales.
        grid = np.linspace(0.01, 20, 20000)[:, None]
        raw = (((d - grid * e) ** 2).sum(1) / (d * d).sum()).min()
        sam = (((d - grid * e) ** 2 / d).sum(1) / d.sum()).min()
        self.assertAlmostEqual(ob.normalized_stress(x, y), raw, places=5)
        self.assertAlmostEqual(ob.sammon_stress(x, y), sam, places=5)


class LargeEvaluator(unittest.TestCase):
    """What the 70,000-point part scores with (bench/fashion70k.py): the same answers as the
    direct functions above, faster."""

    def test_layout_knn_equals_a_full_sort_with_ties_by_index(self):
        rng = np.random.default_rng(4)
        y = rng.normal(size=(500, 2))
        np.testing.assert_array_equal(ob.layout_knn(y, 10), ob.knn(y, 10)[0])
        # 41 equal points: ties running past the kd-tree's window. (knn()'s expanded distances
        # are not exactly 0 between equal points, so the direct sort is the reference here.)
        y[100:140] = y[7]
        full = ((y[:, None, :] - y[None, :, :]) ** 2).sum(-1)
        ref = [sorted((j for j in range(500) if j != i), key=lambda j: (full[i, j], j))[:10] for i in range(500)]
        np.testing.assert_array_equal(ob.layout_knn(y, 10), np.array(ref))
        self.assertEqual(ob.layout_knn(y[:6], 10).shape, (6, 5))

    def test_recall_of_lists_equals_recall_at_k(self):
        x = blobs(90)
        y = np.random.default_rng(5).normal(size=(90, 2))
        nx = ob.knn(x, 10)[0]
        self.assertAlmostEqual(ob.recall_of_lists(nx, ob.knn(y, 10)[0]), ob.recall_at_k(nx, y), places=12)
        self.assertEqual(ob.recall_of_lists(nx, nx), 1.0)

    def test_pca_init_spans_the_top_two_components(self):
        import fashion70k
        rng = np.random.default_rng(6)
        x = rng.normal(size=(300, 6)) * [9.0, 4.0, 1.0, 0.5, 0.2, 0.1] + 3.0
        y = fashion70k.pca_init(x).astype(np.float64)
        self.assertAlmostEqual(y[:, 0].std(), 1e-4, delta=1e-8)
        xc = x - x.mean(0)
        _, _, vt = np.linalg.svd(xc, full_matrices=False)
        ref = xc @ vt[:2].T
        for c in range(2):  # the same axes as the SVD's, up to sign and scale
            self.assertGreater(abs(np.corrcoef(y[:, c], ref[:, c])[0, 1]), 1 - 1e-9)


class RankQuality(unittest.TestCase):
    @staticmethod
    def brute(x, y, k):
        """Venna & Kaski's T and C from full rankings (ties by index), the textbook way."""
        n = len(x)
        def ranking(z):
            d = ((z[:, None] - z[None]) ** 2).sum(-1)
            order = [sorted((j for j in range(n) if j != i), key=lambda j: (d[i, j], j)) for i in range(n)]
            return [{j: r + 1 for r, j in enumerate(o)} for o in order], [set(o[:k]) for o in order]
        rx, kx = ranking(x)
        ry, ky = ranking(y)
        scale = 2.0 / (n * k * (2 * n - 3 * k - 1))
        t = 1 - scale * sum(rx[i][j] - k for i in range(n) for j in ky[i] - kx[i])
        c = 1 - scale * sum(ry[i][j] - k for i in range(n) for j in kx[i] - ky[i])
        return t, c

    def test_trustworthiness_and_continuity_equal_the_textbook_definition(self):
        x = blobs(90, dims=6)
        y = np.random.default_rng(5).normal(size=(90, 2)) + x[:, :2] * 0.3
        y[7] = y[3]  # a tie in the layout
        t, c, _ = ob.RankQuality(x, k=5)(y)
        bt, bc = self.brute(x, y, 5)
        self.assertAlmostEqual(t, bt, places=12)
        self.assertAlmostEqual(c, bc, places=12)

    def test_a_scaled_copy_is_perfect_and_noise_is_about_a_half(self):
        x = np.random.default_rng(6).normal(size=(400, 2))
        q = ob.RankQuality(x, sample=300)
        for v in q(3.0 * x):
            self.assertAlmostEqual(v, 1.0, places=12)
        t, c, rho = q(np.random.default_rng(7).normal(size=(400, 2)))
        self.assertAlmostEqual(t, 0.5, delta=0.05)
        self.assertAlmostEqual(c, 0.5, delta=0.05)
        self.assertLess(abs(rho), 0.1)


class Runner(unittest.TestCase):
    def test_interleaves_and_summarises(self):
        calls = []
        times = {"ours": [3.0, 1.0, 2.0], "peer": [10.0, 30.0, 20.0]}

        def side(name):
            def run(r):
                calls.append(name)
                return {"seconds": times[name][r], "round": r}
            return run

        res = runner.interleave({"ours": side("ours"), "peer": side("peer")}, 3)
        self.assertEqual(calls, ["ours", "peer"] * 3)  # A B A B A B
        self.assertEqual(runner.spread([r["seconds"] for r in res["ours"]]), (2.0, 1.0, 3.0))
        self.assertEqual(runner.spread([r["seconds"] for r in res["peer"]]), (20.0, 10.0, 30.0))
        self.assertEqual(runner.median_run(res["peer"])["round"], 2)  # the 20 s run
        self.assertEqual(runner.fmt_spread([1.0, 2.0, 3.0], 1), "2.0 (1.0-3.0)")
        self.assertEqual(runner.fmt_spread([1.0], 1), "1.0")
        self.assertTrue(math.isnan(runner.spread([float("nan")])[0]))


if __name__ == "__main__":
    unittest.main()
