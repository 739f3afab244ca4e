// Contract: what one training session is about (the tracked points: images, labels, split) and one
// immutable frame of it (every tracked point's activations per layer after one epoch, plus the
// epoch's metrics, from format 1.6 the first convolution's filters, from 1.7 the network's full
// parameter vector). Frames are shared as
// shared_ptr<const Frame> and never change once published.
#pragma once

#include <cmath>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "epochscope/core/matrix.hpp"
#include "epochscope/store/filter_bank.hpp"
#include "epochscope/store/parameters.hpp"

namespace epochscope::store {

/// What a layer's columns are: the input (pixels or samples), a convolution's per-channel means
/// over space, a dense layer's units, the logits, the softmax output, or anything else.
enum class LayerKind : std::uint8_t { input, conv, dense, logits, output, other };

struct LayerInfo {
  std::string name;  ///< "output" (softmax), "logits", "hidden", "conv1", "fc2", ...
  int width = 0;     ///< columns: units, or channels for a conv layer
  LayerKind kind = LayerKind::other;
};

/// The tracked points of a session: fixed for its whole life.
struct PointSet {
  std::string dataset;
  std::vector<std::string> class_names;
  int height = 28;
  int width = 28;
  std::vector<std::uint8_t> labels;        ///< one per point
  std::vector<std::uint8_t> heldout;       ///< 1 = held-out point, 0 = training point
  std::vector<std::uint32_t> source_index; ///< index into the dataset's part (train or t10k) it came from
  /// size() x image_size() bytes: row-major pixels, `channels` bytes each (RGB interleaved).
  std::vector<std::uint8_t> images;
  /// 1 = grey, 3 = RGB (up to 64 x 64), 0 = no images (height and width 0; see `texts`).
  int channels = 1;
  /// Optional: one UTF-8 text per point (a sentence, a file name, ...), shown on hover; empty = none.
  std::vector<std::string> texts;
  std::vector<LayerInfo> layers;           ///< the layers every frame holds, in depth order (input side first)
  /// 1-D signals (height 1, e.g. MNIST-1D) rather than images: thumbnails are line plots.
  bool signal = false;
  /// A stored byte b means value_offset + value_scale * b (images: b / 255).
  float value_offset = 0.0f;
  float value_scale = 1.0f / 255.0f;

  std::size_t size() const { return labels.size(); }
  /// Bytes per point's image, which is also the width of the "input" layer (0 without images).
  std::size_t image_size() const { return pixel_count() * static_cast<std::size_t>(channels); }
  std::size_t pixel_count() const { return static_cast<std::size_t>(height) * static_cast<std::size_t>(width); }
  bool has_images() const { return channels > 0 && pixel_count() > 0; }
  bool has_texts() const { return !texts.empty(); }
  std::size_t heldout_count() const;
  int class_count() const { return static_cast<int>(class_names.size()); }
};

/// Why two runs' tracked points are not the same points (dataset, count, and each point's label,
/// split and index in the dataset), in a few words; empty when they are the same.
std::string why_points_differ(const PointSet& a, const PointSet& b);

struct FrameMetrics {
  double train_loss = 0;        ///< mean cross-entropy over the tracked training points (eval mode)
  double train_accuracy = 0;
  double heldout_loss = 0;      ///< the same over the tracked held-out points
  double heldout_accuracy = 0;
  std::vector<double> per_class_accuracy;  ///< held-out accuracy per true class
  std::vector<std::uint32_t> confusion;    ///< classes x classes, row = true class, col = predicted (held-out)
  double wall_seconds = 0;                 ///< since training started, when the frame was published
  double epoch_seconds = 0;                ///< duration of the epoch's training pass

  /// Whether the frame has predictions and metrics at all: an imported embedding (TensorBoard) has
  /// neither and stores NaN accuracies; its `predicted` are then the labels and mean nothing.
  bool known() const { return std::isfinite(train_accuracy) || std::isfinite(heldout_accuracy); }
};

struct Frame {
  int index = 0;  ///< 0 = the untrained network, then one per epoch
  int epoch = 0;  ///< epochs completed
  std::map<std::string, Matrix, std::less<>> layers;  ///< name -> points x width
  std::vector<std::uint8_t> predicted;                ///< argmax of the output per point
  FrameMetrics metrics;
  /// The first convolution's weights at this frame (1.6); empty when the session has none (MLPs,
  /// Python recorder sessions, imports, older files). Small (32 x 1 x 3 x 3 floats for the default
  /// cnn): never evicted.
  FilterBank filters;
  /// The network's full parameter vector at this frame (1.7); null when the session has none (the
  /// Python recorder, imports, older files, a run whose parameters were not finite). 488 KB for the
  /// default cnn, shared between copies and never evicted.
  ParameterSnapshotPtr parameters;

  /// nullptr when the frame has no such layer.
  const Matrix* layer(std::string_view name) const {
    auto it = layers.find(name);
    return it == layers.end() ? nullptr : &it->second;
  }
};

using FramePtr = std::shared_ptr<const Frame>;

}  // namespace epochscope::store
