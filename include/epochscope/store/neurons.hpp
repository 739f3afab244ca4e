// Contract: what each unit of a layer responds to at one frame. The class x unit matrix of mean
// activations over the tracked points (by true class), each unit's preferred class (its highest
// class mean) and its class selectivity (Morcos et al. 2018): (mu_max - mu_rest) / (mu_max +
// mu_rest), mu_rest the mean of the other classes' means: 0 when every class moves the unit alike,
// 1 when only one class moves it. Units with a negative class mean (a convolution before its ReLU,
// logits) are measured from their lowest class mean instead of from 0, so the index stays in 0..1. A display order:
// units grouped by preferred class (class order), most selective first within a class; or by
// selectivity alone. Pure functions of the frame's matrix and the labels.
#pragma once

#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "epochscope/core/matrix.hpp"

namespace epochscope::store {

struct NeuronTable {
  Matrix class_means;                 ///< classes x units
  std::vector<double> selectivity;    ///< per unit
  std::vector<int> preferred;         ///< per unit: the class with the highest mean
  std::vector<int> class_counts;      ///< points per class (a class without points has mean 0)
};

enum class NeuronOrder : std::uint8_t { by_class, by_selectivity };

/// layer: points x units; labels: one class per point, each < classes. Throws epochscope::Error on
/// mismatched sizes or a label out of range.
NeuronTable neuron_table(const Matrix& layer, std::span<const std::uint8_t> labels, int classes);

/// The units in display order.
std::vector<int> neuron_order(const NeuronTable& table, NeuronOrder order);

/// The 2nd and 98th percentiles of `unit`'s activations (NaN left out): the range a colour scale
/// spans, so that a few extreme points do not wash out the rest. {0, 0} without values.
std::pair<float, float> activation_range(const Matrix& layer, int unit);

/// The `count` points with the highest activation of `unit` (highest first; ties by index).
std::vector<int> top_activating(const Matrix& layer, int unit, int count);

}  // namespace epochscope::store
