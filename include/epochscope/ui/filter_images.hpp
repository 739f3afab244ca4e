// Contract: the colours of the Filters panel (a frame's first-convolution weights, store/filter_bank.hpp,
// drawn as small images), without ImGui so they can be tested. A filter of one input channel, or of
// any count but 3, is drawn with the diverging map (palette.hpp: blue < 0 < red, white at 0), its
// weights divided by a symmetric scale: its own largest |weight| (each filter shows its pattern in
// full contrast) or the bank's (the filters compare by strength). More than one channel but not 3:
// their mean at each kernel position. Three channels (a colour input): each pixel's red, green and
// blue are 0.5 + 0.5 w / scale of the filter's red, green and blue weights (grey = 0), as colour
// filters are usually shown.
#pragma once

#include <string>
#include <vector>

#include "epochscope/store/filter_bank.hpp"
#include "epochscope/ui/palette.hpp"

namespace epochscope::ui {

enum class FilterScale {
  per_filter,  ///< each filter divided by its own largest |weight|
  shared,      ///< every filter divided by the bank's largest |weight|
};

struct FilterImage {
  int height = 0;               ///< the kernel's
  int width = 0;
  std::vector<Rgba8> pixels;    ///< height x width, row by row
  std::vector<float> values;    ///< height x width: the weights drawn (the mean over channels when not RGB)
  float scale = 0;              ///< the |weight| drawn in the end colours (0 for an all-zero filter)
};

/// Filter `i` of `bank` (0 <= i < bank.count) as an image.
FilterImage filter_image(const store::FilterBank& bank, int i, FilterScale scale);

/// One line saying how the colours read, e.g. "blue < 0 < red, each filter scaled to its largest
/// |weight|" or "RGB weights: grey = 0, all filters scaled to 0.412".
std::string filter_legend(const store::FilterBank& bank, FilterScale scale);

}  // namespace epochscope::ui
