// t-SNE's affinities: the conditional P_{j|i} of each point's neighbours and their symmetric sum
// (the contract is in tsne.hpp).
#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <string>

#include "epochscope/core/parallel.hpp"
#include "epochscope/project/tsne.hpp"

namespace epochscope::project {

// ---- affinities --------------------------------------------------------------------------------

namespace {

// Row i of P_{j|i}: exp(-beta d2_j) / sum, beta found so that the entropy H (nats) equals
// log(perplexity): safeguarded Newton steps (dH/dbeta = -beta Var(d2)), bisection inside the bracket
// when a step leaves it.
void calibrate_row(const float* dist, int k, double target, double* d2, double* e, float* out) {
  double d2min = std::numeric_limits<double>::max(), d2mean = 0;
  for (int j = 0; j < k; ++j) {
    d2[j] = double(dist[j]) * dist[j];
    d2min = std::min(d2min, d2[j]);
  }
  for (int j = 0; j < k; ++j) {
    d2[j] -= d2min;  // shifts every exponent equally: the row is unchanged
    d2mean += d2[j] / k;
  }
  double beta = d2mean > 0 ? 1.0 / d2mean : 1.0, lo = 0, hi = std::numeric_limits<double>::infinity();
  double sum = 1;
  for (int it = 0; it < 100; ++it) {
    sum = 0;
    double m1 = 0, m2 = 0;
    for (int j = 0; j < k; ++j) {
      e[j] = std::exp(-beta * d2[j]);
      sum += e[j];
      m1 += d2[j] * e[j];
      m2 += d2[j] * d2[j] * e[j];
    }
    m1 /= sum;
    m2 /= sum;
    const double h = std::log(sum) + beta * m1;
    if (std::abs(h - target) < 1e-5) break;
    if (h > target) {
      lo = beta;  // too flat: sharpen
    } else {
      hi = beta;
    }
    const double var = m2 - m1 * m1;
    double next = var > 0 ? beta + (h - target) / (beta * var) : -1;
    if (!(next > lo && next < hi) || !std::isfinite(next)) next = std::isinf(hi) ? beta * 2 : (lo + hi) / 2;
    // More exact duplicates than the perplexity (saturated softmax outputs): the entropy cannot fall
    // to the target, the row is as sharp as it gets (uniform over the nearest). Stop before beta
    // overflows (inf * 0 would make every weight NaN).
    if (!std::isfinite(next) || next > 1e200) break;
    beta = next;
  }
  for (int j = 0; j < k; ++j) out[j] = static_cast<float>(e[j] / sum);
}

}  // namespace

std::vector<float> conditional_affinities(const knn::NeighborList& nn, double perplexity, int threads) {
  if (nn.n == 0 || nn.k < 1) throw Error("t-SNE: empty neighbour list");
  if (!(perplexity > 0) || perplexity >= nn.k) {
    throw Error("t-SNE: perplexity " + std::to_string(perplexity) + " must be in (0, k = " + std::to_string(nn.k) +
                ")");
  }
  std::vector<float> p(nn.n * static_cast<std::size_t>(nn.k));
  const double target = std::log(perplexity);
  constexpr std::size_t kChunk = 256;
  parallel_for(threads, (nn.n + kChunk - 1) / kChunk, [&](std::size_t c, int) {
    std::vector<double> d2(static_cast<std::size_t>(nn.k)), e(static_cast<std::size_t>(nn.k));
    for (std::size_t i = c * kChunk; i < std::min(nn.n, (c + 1) * kChunk); ++i) {
      const std::size_t o = i * static_cast<std::size_t>(nn.k);
      calibrate_row(nn.distances.data() + o, nn.k, target, d2.data(), e.data(), p.data() + o);
    }
  });
  return p;
}

SparseAffinities symmetrize_affinities(const knn::NeighborList& nn, const std::vector<float>& cond, int threads) {
  if (cond.size() != nn.n * static_cast<std::size_t>(nn.k))
    throw Error("t-SNE: affinities do not match the neighbour list");
  const std::size_t n = nn.n, k = static_cast<std::size_t>(nn.k);
  if (n > std::numeric_limits<std::int32_t>::max()) throw Error("t-SNE: too many points");
  const auto valid = [&](std::size_t i, std::size_t j) { return j != i && j < n; };
  // Reverse lists: row j holds (i, P_{j|i}) for every entry i -> j, i ascending (so by column).
  const int workers = std::max(1, threads);
  std::vector<std::int64_t> rev_ptr(n + 1, 0);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t a = 0; a < k; ++a) {
      const auto j = static_cast<std::size_t>(nn.indices[i * k + a]);
      if (valid(i, j)) ++rev_ptr[j + 1];
    }
  }
  std::partial_sum(rev_ptr.begin(), rev_ptr.end(), rev_ptr.begin());
  using Entry = std::pair<std::uint32_t, float>;
  std::vector<Entry> rev(static_cast<std::size_t>(rev_ptr[n]));
  {
    std::vector<std::int64_t> fill(rev_ptr.begin(), rev_ptr.end() - 1);
    for (std::size_t i = 0; i < n; ++i) {
      for (std::size_t a = 0; a < k; ++a) {
        const auto j = static_cast<std::size_t>(nn.indices[i * k + a]);
        if (valid(i, j)) rev[static_cast<std::size_t>(fill[j]++)] = {static_cast<std::uint32_t>(i), cond[i * k + a]};
      }
    }
  }
  // Row i: its own neighbours merged with its reverse entries; a pair in both is one entry, the sum.
  // First every row's length (its own entries are marked in a per-worker array), then the rows in
  // place, in chunks in parallel.
  SparseAffinities s;
  s.n = n;
  s.row_ptr.assign(n + 1, 0);
  constexpr std::size_t kChunk = 1024;
  const std::size_t chunks = (n + kChunk - 1) / kChunk;
  std::vector<std::vector<std::uint32_t>> marks(static_cast<std::size_t>(workers));
  parallel_for(workers, chunks, [&](std::size_t c, int w) {
    auto& mark = marks[static_cast<std::size_t>(w)];  // mark[j] = i + 1: j is among row i's own
    if (mark.empty()) mark.assign(n, 0);
    for (std::size_t i = c * kChunk; i < std::min(n, (c + 1) * kChunk); ++i) {
      std::int64_t len = 0;
      for (std::size_t a = 0; a < k; ++a) {
        const auto j = static_cast<std::size_t>(nn.indices[i * k + a]);
        if (valid(i, j)) {
          mark[j] = static_cast<std::uint32_t>(i + 1);
          ++len;
        }
      }
      for (auto e = rev_ptr[i]; e < rev_ptr[i + 1]; ++e) {
        if (mark[rev[static_cast<std::size_t>(e)].first] != i + 1) ++len;
      }
      s.row_ptr[i + 1] = len;
    }
  });
  std::partial_sum(s.row_ptr.begin(), s.row_ptr.end(), s.row_ptr.begin());
  s.cols.resize(static_cast<std::size_t>(s.row_ptr[n]));
  s.values.resize(s.cols.size());
  const double scale = 1.0 / (2.0 * static_cast<double>(n));
  parallel_for(workers, chunks, [&](std::size_t c, int) {
    std::vector<std::uint64_t> own;  // column << 32 | the position a in the row: sorts by column
    for (std::size_t i = c * kChunk; i < std::min(n, (c + 1) * kChunk); ++i) {
      own.clear();
      for (std::size_t a = 0; a < k; ++a) {
        const auto j = static_cast<std::size_t>(nn.indices[i * k + a]);
        if (valid(i, j)) own.push_back(static_cast<std::uint64_t>(j) << 32 | a);
      }
      std::sort(own.begin(), own.end());
      auto f = own.begin();
      auto r = static_cast<std::size_t>(rev_ptr[i]);
      const auto r_end = static_cast<std::size_t>(rev_ptr[i + 1]);
      auto out = static_cast<std::size_t>(s.row_ptr[i]);
      while (f != own.end() || r != r_end) {
        const auto own_col = f != own.end() ? static_cast<std::int32_t>(*f >> 32) : INT32_MAX;
        const auto rev_col = r != r_end ? static_cast<std::int32_t>(rev[r].first) : INT32_MAX;
        const std::int32_t col = std::min(own_col, rev_col);
        double v = 0;
        if (own_col == col) v += cond[i * k + (*f++ & 0xffffffffu)];
        if (rev_col == col) v += rev[r++].second;
        s.cols[out] = col;
        s.values[out++] = static_cast<float>(v * scale);
      }
    }
  });
  return s;
}

}  // namespace epochscope::project
