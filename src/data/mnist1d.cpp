#include "epochscope/data/mnist1d.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <string>

#include "epochscope/core/matrix.hpp"
#include "epochscope/core/random.hpp"

namespace epochscope::data {
namespace {

constexpr int kClasses = 10;
constexpr int kTemplateLength = 12;
constexpr int kPadMin = 36;
constexpr int kPadMax = 60;
constexpr int kStretched = kTemplateLength + kPadMax;  // 72
constexpr int kMaxShift = 48;
constexpr double kScaleJitter = 0.4;       // scale factor 1 +/- 0.2
constexpr double kCorrSigma = 2.0;         // Gaussian filter on the correlated noise, in samples
constexpr std::size_t kMaxValues = 1u << 28;  // at most 1 GiB of floats in one set

void check_label(int label) {
  if (label < 0 || label >= kClasses) throw Error("mnist1d: label " + std::to_string(label) + " is not a digit 0..9");
}

void check_length(int length) {
  if (length < 8 || length > 1024) {
    throw Error("mnist1d: length " + std::to_string(length) + " is out of range (8..1024 samples)");
  }
}

// Linear interpolation of x, read as samples at linspace(0, 1, x.size()), at linspace(0, 1, n).
std::vector<double> resample(const std::vector<double>& x, int n) {
  std::vector<double> out(static_cast<std::size_t>(n));
  const std::size_t m = x.size();
  for (int j = 0; j < n; ++j) {
    const double t = n == 1 ? 0.0 : static_cast<double>(j) * static_cast<double>(m - 1) / static_cast<double>(n - 1);
    std::size_t i = static_cast<std::size_t>(t);
    if (i >= m - 1) i = m - 2;
    const double f = t - static_cast<double>(i);
    out[static_cast<std::size_t>(j)] = x[i] + f * (x[i + 1] - x[i]);
  }
  return out;
}

// Normal samples by Box-Muller on splitmix64's raw output (two per pair of uniforms).
class Normal {
 public:
  explicit Normal(SplitMix64& rng) : rng_(rng) {}
  double operator()() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    const double u1 = 1.0 - rng_.uniform();  // (0, 1]
    const double u2 = rng_.uniform();
    const double r = std::sqrt(-2.0 * std::log(u1));
    const double a = 2.0 * std::numbers::pi * u2;
    spare_ = r * std::sin(a);
    has_spare_ = true;
    return r * std::cos(a);
  }

 private:
  SplitMix64& rng_;
  bool has_spare_ = false;
  double spare_ = 0.0;
};

// Gaussian filter (truncated at 4 sigma, weights normalised), borders reflected about the edge
// (... x1 x0 | x0 x1 ...), as scipy.ndimage's default.
std::vector<double> gaussian_filter(const std::vector<double>& x, double sigma) {
  const int radius = static_cast<int>(4.0 * sigma + 0.5);
  std::vector<double> w(static_cast<std::size_t>(2 * radius + 1));
  double sum = 0.0;
  for (int k = -radius; k <= radius; ++k) {
    const double v = std::exp(-0.5 * k * k / (sigma * sigma));
    w[static_cast<std::size_t>(k + radius)] = v;
    sum += v;
  }
  for (auto& v : w) v /= sum;
  const int n = static_cast<int>(x.size());
  std::vector<double> out(x.size(), 0.0);
  for (int i = 0; i < n; ++i) {
    double acc = 0.0;
    for (int k = -radius; k <= radius; ++k) {
      int j = i + k;
      while (j < 0 || j >= n) j = j < 0 ? -j - 1 : 2 * n - j - 1;
      acc += w[static_cast<std::size_t>(k + radius)] * x[static_cast<std::size_t>(j)];
    }
    out[static_cast<std::size_t>(i)] = acc;
  }
  return out;
}

std::array<std::vector<double>, kClasses> prepared_templates() {
  std::array<std::vector<double>, kClasses> out;
  for (int c = 0; c < kClasses; ++c) {
    const auto t = mnist1d_template(c);
    out[static_cast<std::size_t>(c)].assign(t.begin(), t.end());
  }
  return out;
}

// One example of `tmpl` into `out` (length values).
void make_example(const std::vector<double>& tmpl, const Mnist1dOptions& o, SplitMix64& rng, float* out) {
  Normal normal(rng);
  // Pad: p zeros in all, `front` of them before the template. `inside` marks template samples.
  const int p = kPadMin + static_cast<int>(rng.below(kPadMax - kPadMin + 1));
  const int front = static_cast<int>(rng.below(static_cast<std::uint32_t>(p + 1)));
  std::vector<double> x(static_cast<std::size_t>(kTemplateLength + p), 0.0);
  std::vector<double> inside(x.size(), 0.0);
  for (int i = 0; i < kTemplateLength; ++i) {
    x[static_cast<std::size_t>(front + i)] = tmpl[static_cast<std::size_t>(i)];
    inside[static_cast<std::size_t>(front + i)] = 1.0;
  }
  // Stretch to 72 samples; a sample is padding when no template sample contributes to it.
  x = resample(x, kStretched);
  inside = resample(inside, kStretched);
  // Scale.
  const double scale = 1.0 + kScaleJitter * (rng.uniform() - 0.5);
  for (auto& v : x) v *= scale;
  // Rotate right by shift (out[(i + shift) % n] = in[i]).
  const auto shift = static_cast<std::size_t>(rng.below(kMaxShift));
  std::rotate(x.rbegin(), x.rbegin() + static_cast<std::ptrdiff_t>(shift), x.rend());
  std::rotate(inside.rbegin(), inside.rbegin() + static_cast<std::ptrdiff_t>(shift), inside.rend());
  // Correlated noise in the padding, then independent noise everywhere. The normals are drawn
  // whatever the scales, so the other random choices do not depend on them.
  std::vector<double> corr(x.size());
  for (auto& v : corr) v = normal() * o.corr_noise_scale;
  corr = gaussian_filter(corr, kCorrSigma);
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (inside[i] == 0.0) x[i] += corr[i];
  }
  for (auto& v : x) v += normal() * o.iid_noise_scale;
  // Shear: a line through the middle whose total change across the signal is `slope`.
  const double slope = o.shear_scale * (rng.uniform() - 0.5);
  const double last = static_cast<double>(x.size() - 1);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] -= slope * (static_cast<double>(i) / last - 0.5);
  // Resample to the final length.
  const auto y = resample(x, o.length);
  for (std::size_t i = 0; i < y.size(); ++i) out[i] = static_cast<float>(y[i]);
}

void validate(const Mnist1dOptions& o) {
  if (o.per_class < 1) throw Error("mnist1d: per_class must be at least 1");
  check_length(o.length);
  const std::size_t total = o.per_class * kClasses;
  if (o.per_class > kMaxValues / kClasses / static_cast<std::size_t>(o.length)) {
    throw Error("mnist1d: " + std::to_string(o.per_class) + " examples per class of " + std::to_string(o.length) +
                " samples is too many (at most " + std::to_string(kMaxValues) + " values)");
  }
  if (o.heldout >= total) {
    throw Error("mnist1d: heldout " + std::to_string(o.heldout) + " leaves no training examples out of " +
                std::to_string(total));
  }
  const auto bad_scale = [](float v) { return !std::isfinite(v) || v < 0.0f; };
  if (bad_scale(o.corr_noise_scale) || bad_scale(o.iid_noise_scale) || bad_scale(o.shear_scale)) {
    throw Error("mnist1d: noise and shear scales must be finite and >= 0");
  }
}

}  // namespace

const std::array<std::array<float, 12>, 10>& mnist1d_raw_templates() {
  static const std::array<std::array<float, 12>, 10> templates = {{
      {5, 6, 6.5f, 6.75f, 7, 7, 7, 7, 6.75f, 6.5f, 6, 5},
      {5, 3, 3, 3.4f, 3.8f, 4.2f, 4.6f, 5, 5.4f, 5.8f, 5, 5},
      {5, 6, 6.5f, 6.5f, 6, 5.25f, 4.75f, 4, 3.5f, 3.5f, 4, 5},
      {5, 6, 6.5f, 6.5f, 6, 5, 5, 6, 6.5f, 6.5f, 6, 5},
      {5, 4.4f, 3.8f, 3.2f, 2.6f, 2.6f, 5, 5, 5, 5, 5, 5},
      {5, 3, 3, 3, 3, 5, 6, 6.5f, 6.5f, 6, 4.5f, 5},
      {5, 4, 3.5f, 3.25f, 3, 3, 3, 3, 3.25f, 3.5f, 4, 5},
      {5, 7, 7, 6.6f, 6.2f, 5.8f, 5.4f, 5, 4.6f, 4.2f, 5, 5},
      {5, 4, 3.5f, 3.5f, 4, 5, 5, 4, 3.5f, 3.5f, 4, 5},
      {5, 4, 3.5f, 3.5f, 4, 5, 5, 5, 5, 4.7f, 4.3f, 5},
  }};
  return templates;
}

std::vector<float> mnist1d_template(int label) {
  check_label(label);
  const auto& raw = mnist1d_raw_templates()[static_cast<std::size_t>(label)];
  double mean = 0.0;
  for (float v : raw) mean += v;
  mean /= kTemplateLength;
  double var = 0.0;
  for (float v : raw) var += (v - mean) * (v - mean);
  const double sd = std::sqrt(var / kTemplateLength);
  const double first = (raw[0] - mean) / sd;
  std::vector<float> out(kTemplateLength);
  for (int i = 0; i < kTemplateLength; ++i) {
    out[static_cast<std::size_t>(i)] =
        static_cast<float>(((raw[static_cast<std::size_t>(i)] - mean) / sd - first) / 6.0);
  }
  return out;
}

std::vector<float> mnist1d_clean(int label, int length) {
  check_label(label);
  check_length(length);
  const auto t = mnist1d_template(label);
  constexpr int kHalfPad = (kPadMin + kPadMax) / 4;  // 24 in front, 24 behind
  std::vector<double> x(static_cast<std::size_t>(kTemplateLength + 2 * kHalfPad), 0.0);
  for (int i = 0; i < kTemplateLength; ++i) x[static_cast<std::size_t>(kHalfPad + i)] = t[static_cast<std::size_t>(i)];
  const auto y = resample(resample(x, kStretched), length);
  return std::vector<float>(y.begin(), y.end());
}

Mnist1dSet generate_mnist1d(const Mnist1dOptions& options) {
  validate(options);
  const auto templates = prepared_templates();
  const std::size_t total = options.per_class * kClasses;
  const auto len = static_cast<std::size_t>(options.length);
  std::vector<float> xs(total * len);
  std::vector<std::uint8_t> ys(total);
  const std::uint64_t base = mix64(options.seed);
  for (std::size_t i = 0; i < total; ++i) {
    const auto label = static_cast<std::size_t>(i / options.per_class);
    SplitMix64 rng{mix64(base ^ mix64(i))};
    make_example(templates[label], options, rng, xs.data() + i * len);
    ys[i] = static_cast<std::uint8_t>(label);
  }
  // Shuffle (Fisher-Yates) with its own stream.
  std::vector<std::size_t> order(total);
  for (std::size_t i = 0; i < total; ++i) order[i] = i;
  SplitMix64 shuffle_rng{mix64(base ^ 0x73687566666c65ULL)};
  for (std::size_t i = total - 1; i > 0; --i) {
    const std::size_t j = static_cast<std::size_t>(shuffle_rng.next() % (i + 1));  // bias < 2^-40 here
    std::swap(order[i], order[j]);
  }
  // Standardise over every value.
  double sum = 0.0;
  for (float v : xs) sum += v;
  const double mean = sum / static_cast<double>(xs.size());
  double var = 0.0;
  for (float v : xs) var += (v - mean) * (v - mean);
  double sd = std::sqrt(var / static_cast<double>(xs.size()));
  if (!(sd > 0.0)) sd = 1.0;

  Mnist1dSet set;
  set.length = options.length;
  const std::size_t train = total - options.heldout;
  set.train_x.resize(train * len);
  set.test_x.resize(options.heldout * len);
  set.train_y.resize(train);
  set.test_y.resize(options.heldout);
  for (std::size_t k = 0; k < total; ++k) {
    const std::size_t src = order[k];
    float* dst = k < train ? set.train_x.data() + k * len : set.test_x.data() + (k - train) * len;
    for (std::size_t j = 0; j < len; ++j) dst[j] = static_cast<float>((xs[src * len + j] - mean) / sd);
    (k < train ? set.train_y[k] : set.test_y[k - train]) = ys[src];
  }
  return set;
}

Dataset mnist1d_dataset(const Mnist1dOptions& options) {
  const Mnist1dSet set = generate_mnist1d(options);
  float lo = set.train_x.front();
  float hi = lo;
  for (const auto* part : {&set.train_x, &set.test_x}) {
    for (float v : *part) {
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
  }
  Dataset ds;
  ds.name = "mnist1d";
  ds.class_names = class_names_for("mnist1d");
  ds.height = 1;
  ds.width = set.length;
  ds.signal = true;
  ds.value_offset = lo;
  ds.value_scale = hi > lo ? (hi - lo) / 255.0f : 1.0f;
  const auto quantise = [&](const std::vector<float>& in) {
    std::vector<std::uint8_t> out(in.size());
    for (std::size_t i = 0; i < in.size(); ++i) {
      const double b = std::round((static_cast<double>(in[i]) - ds.value_offset) / ds.value_scale);
      out[i] = static_cast<std::uint8_t>(std::clamp(b, 0.0, 255.0));
    }
    return out;
  };
  ds.train_images = quantise(set.train_x);
  ds.test_images = quantise(set.test_x);
  ds.train_labels = set.train_y;
  ds.test_labels = set.test_y;
  return ds;
}

}  // namespace epochscope::data
