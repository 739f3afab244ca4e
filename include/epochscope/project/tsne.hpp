// Contract: t-SNE (van der Maaten 2014) with Barnes-Hut repulsion, as a resumable Projection.
//
// Affinities: each point's 3 x perplexity nearest neighbours (input.neighbors when it holds
// enough, otherwise knn::build_knn), a Gaussian on squared distances whose precision is found
// per point (safeguarded Newton / bisection) so the row's perplexity matches, rows summing to 1,
// then P = (P + P^T) / 2N. Optimisation, with the defaults of Belkina et al. (2019) and Kobak &
// Berens (2019): PCA initialisation scaled to standard deviation 1e-4 along the first axis
// (openTSNE), learning rate max(200, N / early_exaggeration) (FIt-SNE's "auto"), early
// exaggeration 12 with momentum 0.5 for 125 iterations, then exaggeration 1 (an option: 4 gives
// UMAP-like spacing) with momentum 0.8 and, when the learning rate is automatic, 3 times that rate,
// 500 iterations in all, delta-bar-delta gains. openTSNE and FIt-SNE run 250 + 500 at one rate. The
// automatic rate makes the exaggerated step N (Belkina et al. 2019); once exaggeration stops scaling
// the attraction, the same rate takes 12 times smaller steps, and the early phase has done its work
// sooner than 250 iterations at this rate (Belkina et al. stop it adaptively). Measured on
// Fashion-MNIST (recall@10 / KL; 125 + 375 at 3x against 250 + 500 at 1x): hidden layer, 10,000
// points 0.504 / 1.436 against 0.502 / 1.466; 20,000: 0.476 / 1.806 against 0.474 / 1.821; 70,000:
// 0.405 against 0.403; pixels, 5,000: 0.443 / 1.341 against 0.444 / 1.356; 20,000: 0.375 / 2.004
// against 0.373 / 2.014. The 70,000 points' class centres keep their distance ranks (Spearman with
// the data's 0.70 against 0.71 at 125 + 525, 1x). Warm starts run at the later rate too: 90
// iterations reach the recall@10 of 150 at 1x with the same movement (70,000 points, one epoch on:
// 0.393 against 0.394, mean move 1.34 % of the layout's extent against 1.38 %). The
// gradient is written without the customary factor 4, as in bhtsne, FIt-SNE and openTSNE, whose
// learning rates these are. Repulsion: barnes_hut.hpp, whose per-group opening test makes theta
// mean something stricter than in bhtsne: at theta = 1 the force error on a converged MNIST layout
// is 1.6 %, against 2.5 % for a per-point test at 0.5 (full width of tight boxes; bhtsne's 0.5
// compares the half width, so it is coarser still: 11 % with tight boxes).
// Or, in 2-D, FFT-accelerated interpolation (fft_repulsion.hpp, FIt-SNE's method): options.repulsion.
// The FFT's cost follows the layout's extent (its transform, P x P, covers it at boxes <= 1 wide),
// Barnes-Hut's the point count. So automatic (the default) picks per iteration: the FFT while
// P^2 <= kTsneFftCostRatio x N, then Barnes-Hut to the end of the run (a t-SNE layout grows). Measured
// per call on 2 cores (FFT against Barnes-Hut at theta 1): 70,000 points, P = 384: 3.5 against 6.9 ms;
// P = 540: 6.2 against 6.9; P = 750: 10.7 against 6.9; 20,000 points, P = 350: 2.0 against 1.9. On
// 70,000 Fashion-MNIST hidden-layer points the early phase and the first growth run on the FFT
// (more accurate there, too), converged layouts and warm starts (extent ~165: P = 1120) on
// Barnes-Hut. At 20,000 points the early phase runs on the FFT (its small layout: P = 140-160 with
// the FFT's 20 boxes at least), the rest on Barnes-Hut; at a few thousand points, Barnes-Hut only.
// stats(): KL(P || Q) over the non-zero P, with Q's normaliser Z from one pass of the repulsion in
// use (an estimate, as openTSNE's; the exact Z needs all pairs).
// Warm start (input.warm_start): starts from it, no early exaggeration, warm_iterations steps at
// momentum 0.8 and the later rate, optional movement penalty (lambda / N) * sum_i ||y_i - warm_i||^2
// (dynamic t-SNE).
// Same options and input, same layout; slices equal one run; the thread count changes nothing
// (every point's forces are computed on their own, sums are reduced in a fixed order): results are
// bit-identical for any thread count, and between the SSE and AVX2 code paths.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <vector>

#include "epochscope/project/fft_repulsion.hpp"
#include "epochscope/project/projection.hpp"

namespace epochscope::project {

/// How t-SNE approximates its repulsive forces.
enum class TsneRepulsion {
  automatic,   ///< 2-D: fft while its transform is cheap (see above), then barnes_hut; 3-D: barnes_hut
  barnes_hut,  ///< barnes_hut.hpp, at options.theta (2-D and 3-D)
  fft,         ///< fft_repulsion.hpp with options.fft (2-D only; 3-D falls back to barnes_hut)
};

/// automatic's rule: the FFT while its transform size P satisfies P^2 <= kTsneFftCostRatio x N.
inline constexpr double kTsneFftCostRatio = 5;

enum class TsneInit {
  pca,     ///< first dims principal components, scaled to std 1e-4 along the first
  random,  ///< Gaussian with std 1e-4 (seeded)
};

/// Options of make_tsne. Every field has the default practitioners now recommend.
struct TsneOptions {
  int dims = 2;                         ///< 2 (quadtree) or 3 (octree)
  double perplexity = 30;               ///< effective neighbours; uses 3 x perplexity kNN
  std::optional<double> learning_rate;  ///< every phase; empty: max(200, N / early_exaggeration) early,
                                        ///< late_learning_rate_factor x that afterwards and in warm starts
  double late_learning_rate_factor = 3; ///< see learning_rate (the automatic rate only)
  double early_exaggeration = 12;       ///< multiplies P during the early phase
  int early_iterations = 125;           ///< length of the early phase (cold starts only)
  double exaggeration = 1;              ///< multiplies P afterwards (e.g. 4: UMAP-like spacing)
  int iterations = 500;                 ///< total, early phase included (cold starts)
  double early_momentum = 0.5;          ///< momentum during the early phase
  double momentum = 0.8;                ///< momentum afterwards and in warm starts
  double theta = 1.0;                   ///< Barnes-Hut opening angle (per-group test: see above)
  TsneRepulsion repulsion = TsneRepulsion::automatic;  ///< Barnes-Hut or FFT interpolation (see above)
  FftRepulsionOptions fft;              ///< the FFT repulsion's grid (fft_repulsion.hpp)
  TsneInit init = TsneInit::pca;        ///< cold-start layout
  int warm_iterations = 90;             ///< iterations when input.warm_start is given
  double lambda = 0;                    ///< warm starts: movement penalty (0 = none; 0.01 is mild, 0.1 freezes)
  std::uint64_t seed = 1;               ///< random init and kNN randomisation
  int threads = 1;                      ///< worker threads (results do not depend on it)
};

/// Symmetric sparse affinities, CSR: row i holds cols[row_ptr[i] .. row_ptr[i+1]) sorted ascending.
struct SparseAffinities {
  std::size_t n = 0;
  std::vector<std::int64_t> row_ptr;  ///< n + 1 entries
  std::vector<std::int32_t> cols;
  std::vector<float> values;  ///< sum to 1 over the whole matrix
};

/// Conditional affinities P_{j|i} over each point's neighbours: n x k row-major (same layout as
/// neighbors.indices), every row sums to 1 and has perplexity exp(H) = `perplexity` (search on the
/// Gaussian precision until |H - log(perplexity)| < 1e-5 nats; k must exceed perplexity).
/// Throws epochscope::Error on perplexity <= 0 or >= k, or an empty list.
std::vector<float> conditional_affinities(const knn::NeighborList& neighbors, double perplexity, int threads = 1);

/// P = (P_cond + P_cond^T) / 2N as a CSR matrix (the same for any thread count).
SparseAffinities symmetrize_affinities(const knn::NeighborList& neighbors, const std::vector<float>& conditional,
                                       int threads = 1);

/// The repulsion an iteration of t-SNE with these options uses on n points whose layout's larger
/// side is `extent`: fft or barnes_hut (automatic: by the rule above, before its switch is latched).
TsneRepulsion tsne_repulsion_for(const TsneOptions& options, std::size_t n, double extent);

std::unique_ptr<Projection> make_tsne(const TsneOptions& options = {});

}  // namespace epochscope::project
