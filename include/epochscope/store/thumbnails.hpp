// Contract: thumbnails of 1-D signals (MNIST-1D) as small grey images, so the image atlas, the
// "digit images" drawing mode and headless renders work for signals as they do for images. Each
// signal becomes a line plot, white on black: sample j of `length` at x = j / (length - 1) of the
// width, byte b at y = 1 - b / 255 of the height (one scale for every signal, so amplitudes
// compare), with a faint zero line where value 0 falls.
#pragma once

#include <cstdint>
#include <vector>

#include "epochscope/store/frame.hpp"

namespace epochscope::store {

/// `signals`: count x length bytes. Returns count x (size * size) bytes, row-major, top row first.
/// `zero_byte` (0..255, or negative for none): the byte that stands for the value 0.
std::vector<std::uint8_t> signal_thumbnails(const std::vector<std::uint8_t>& signals, std::size_t count, int length,
                                            int size = 28, int zero_byte = -1);

/// A session's 1-D signals (PointSet::signal) as `size` x `size` line plots, the zero line where its
/// values are 0.
std::vector<std::uint8_t> signal_thumbnails(const PointSet& points, int size = 28);

}  // namespace epochscope::store
