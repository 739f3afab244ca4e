// Contract: which of a dataset's points a training run tracks (torch-free): all of them when it has
// no more than asked for, otherwise a seeded sample that keeps the split's and the classes'
// proportions, training points first, then held-out.
#pragma once

#include <cstddef>
#include <cstdint>

#include "epochscope/data/dataset.hpp"
#include "epochscope/store/frame.hpp"

namespace epochscope::train {

/// Up to `count` points of `dataset` with their images, labels, split and source indices.
store::PointSet make_point_set(const data::Dataset& dataset, std::size_t count, std::uint64_t seed);

}  // namespace epochscope::train
