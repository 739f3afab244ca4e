// Contract: UMAP (McInnes, Healy and Melville 2018) as a resumable projection; one iteration is one
// epoch of stochastic gradient descent.
//
//   auto p = make_umap({.dims = 2, .seed = 7});
//   Matrix y = p->initialize({.data = &x});       // kNN, fuzzy graph, spectral start (N x dims)
//   while (!p->done()) p->run(y, p->iteration() + 50);
//
// Steps: the n_neighbors - 1 nearest other points (n_neighbors counts the point itself, as
// umap-learn and uwot count it; input.neighbors when it holds enough, else built here); smooth kNN
// distances (rho_i = distance to the nearest neighbour, sigma_i by bisection so that
// sum_j exp(-(d_ij - rho_i) / sigma_i) = log2(n_neighbors)); fuzzy union w = a + b - ab; edges lighter than
// max / n_epochs dropped; spectral start (PCA when the eigensolver fails), scaled to [0, 10]; then
// epochs of SGD on the fuzzy cross-entropy with the curve 1 / (1 + a d^2b), edges sampled in
// proportion to their weight, negative_sample_rate negative samples per positive one, gradients
// clipped at 4 and a learning rate decaying linearly to 0.
//
// Determinism: unlike the reference's Hogwild SGD, the points are coloured so that no kNN edge joins
// two points of one colour, and each epoch updates the colours one after another; within a colour
// every point applies its own sampled pulls and negative-sample pushes (pulls read the current
// layout, pushes the layout as it stood at the start of the epoch; random numbers come from a hash
// of (seed, epoch, point, draw)). Points of one colour never read each other, so how they are split
// over threads and vector lanes (AVX2 where the CPU has it) does not change the result: it is that
// of a serial run in colour order, for any thread count, and running in slices equals one run.
// The pull an edge exerts on its other end is kept and applied when that end's colour comes.
//
// Warm start (input.warm_start, the previous frame's layout): the layout starts there, runs
// warm_epochs at warm_learning_rate, and each epoch pulls points back towards it with the gradient
// of lambda * |Y - Y_prev|^2. stats(): a sampled estimate of the fuzzy cross-entropy.
#pragma once

#include <cstdint>
#include <optional>

#include "epochscope/project/projection.hpp"
#include "epochscope/project/spectral.hpp"

namespace epochscope::project {

enum class UmapInit {
  spectral,  ///< eigenvectors of the graph Laplacian (PCA where the eigensolver fails)
  pca,       ///< the data's first principal components
  random,    ///< uniform in [-10, 10]
};

struct UmapOptions {
  int dims = 2;                      ///< 2 or 3
  int n_neighbors = 15;              ///< neighbourhood size, the point itself included (as umap-learn and uwot count)
  float min_dist = 0.1f;             ///< smallest distance between points in the layout
  float spread = 1.0f;               ///< scale of the embedded points (with min_dist, fixes a and b)
  std::optional<float> a;            ///< curve 1 / (1 + a d^2b): fitted from min_dist and spread when empty
  std::optional<float> b;            ///< (both or neither)
  std::optional<int> n_epochs;       ///< empty: 500 for N <= 10,000 points, 200 above (as the reference)
  int negative_sample_rate = 5;      ///< negative samples per positive sample
  float learning_rate = 1.0f;        ///< initial learning rate, decays linearly to 0
  float repulsion_strength = 1.0f;   ///< weight of the negative samples (gamma)
  UmapInit init = UmapInit::spectral;
  std::uint64_t seed = 42;           ///< kNN forest, spectral start, noise and negative sampling
  int threads = 1;                   ///< worker threads (kNN and SGD); does not change the result
  int warm_epochs = 50;              ///< epochs when starting from input.warm_start
  float warm_learning_rate = 0.25f;  ///< initial learning rate when starting from input.warm_start
  float lambda = 0.0f;               ///< movement penalty lambda * |Y - Y_prev|^2 (warm starts only)
};

/// a and b of the curve 1 / (1 + a d^2b) fitted by least squares (Levenberg-Marquardt) to
/// 1 for d < min_dist, exp(-(d - min_dist) / spread) beyond, on 300 points of [0, 3 spread].
/// min_dist 0.1, spread 1 gives a = 1.577, b = 0.895.
struct CurveParams {
  float a = 0;
  float b = 0;
};
CurveParams find_ab(float spread, float min_dist);

/// The fuzzy simplicial set of a kNN graph: symmetric, weights in (0, 1], no self loops.
/// n_neighbors counts the point itself, as the reference does: the first n_neighbors - 1 of each
/// list (which holds the others only), their weights summing to log2(n_neighbors) before the union. rho and sigma, per point, are returned when the pointers are given.
SparseGraph fuzzy_graph(const knn::NeighborList& neighbors, int n_neighbors, std::vector<float>* rho = nullptr,
                        std::vector<float>* sigma = nullptr);

/// The UMAP projection; throws epochscope::Error on invalid options.
std::unique_ptr<Projection> make_umap(const UmapOptions& options);

}  // namespace epochscope::project
