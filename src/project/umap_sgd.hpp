// Contract (private to src/project): UMAP's optimiser. The graph's edges in CSR order (every
// undirected edge twice, once per end) with their sampling schedule, and one epoch of SGD over a
// range of head points: each head reads the others from `cur` (the layout at the start of the
// epoch), moves only itself and writes to `nxt`, drawing negative samples from a stream seeded by
// (seed, epoch, head, draw). Ranges never share heads, so any split over threads gives the same result.
#pragma once

#include <cstdint>
#include <vector>

#include "epochscope/project/spectral.hpp"

namespace epochscope::project::umap_detail {

struct Rng {
  std::uint64_t state;
  std::uint64_t next() {
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  /// Uniform in [0, n) (multiply-shift; the bias is below 2^-32 n).
  std::uint32_t below(std::uint32_t n) { return static_cast<std::uint32_t>(((next() >> 32) * n) >> 32); }
};

struct Params {
  float a = 1.577f, b = 0.895f;  ///< curve 1 / (1 + a d^2b)
  float gamma = 1.f;             ///< repulsion strength
  int negative_rate = 5;         ///< negative samples per positive sample
  std::uint64_t seed = 0;
  float lambda = 0.f;            ///< movement penalty towards `prev`
  float learning_rate = 1.f;     ///< at epoch 0
  bool portable = false;         ///< skip the AVX2 kernel (tests compare the two)
};

/// Head i's edges are [offsets[i], offsets[i+1]).
struct Edges {
  std::vector<std::int64_t> offsets;
  std::vector<std::int32_t> target;
  std::vector<float> eps;       ///< epochs per sample: max weight / weight
  std::vector<float> next;      ///< epoch of the next sample
  std::vector<float> eps_neg;   ///< epochs per negative sample: eps / negative_rate
  std::vector<float> next_neg;  ///< epoch of the next negative sample
};

/// A worker's buffers, reused from epoch to epoch.
struct Scratch {
  std::vector<std::int32_t> nneg;   ///< per edge of the chunk: negative samples, -1 = not sampled
  std::vector<std::int32_t> pulls;  ///< per head, its sampled edges: target | (negatives << 24)
  std::vector<std::int32_t> first;  ///< head h's pulls are [first[h - begin], first[h - begin + 1])
  std::vector<std::int32_t> steps;  ///< per head: pulls plus pushes
  std::vector<std::int32_t> order;  ///< heads (minus begin) by steps, longest first
  std::vector<std::int32_t> bucket;
};

Edges make_edges(const SparseGraph& graph, int negative_rate);

/// parts + 1 head boundaries with about as many edges between each pair.
std::vector<std::int32_t> partition(const Edges& edges, int parts);

/// One epoch for heads [begin, end): layouts are N x dims, row-major; prev may be null.
void run_epoch(int dims, const Params& params, Edges& edges, int epoch, float alpha, const float* cur, float* nxt,
               const float* prev, std::int32_t begin, std::int32_t end, Scratch& scratch);

/// Sum over edges of -w log q - (1 - w) log(1 - q), plus -log(1 - q) over the non-edges estimated
/// from a seeded sample of pairs; q = 1 / (1 + a d^2b).
double cross_entropy(const SparseGraph& graph, const Matrix& layout, const Params& params, std::uint64_t seed);

}  // namespace epochscope::project::umap_detail
