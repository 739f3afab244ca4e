// Contract: compact, bounded encodings of activation matrices for the session file.
//  - "q16": per column c, x = lo[c] + q * step[c] with q a 16-bit integer, so the error is at most
//    step[c] / 2 = (max_c - min_c) / 131070. Used when that bound is <= max_error for every column
//    and every value is finite; for softmax outputs (range <= 1) the error is <= 7.7e-6.
//  - "f32": the float32 values as they are (lossless); the fallback.
// Both store the values column by column as byte planes (all high bytes, then the next, ...), then
// deflate them (zlib), which is what makes near-constant columns cheap.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "epochscope/core/matrix.hpp"

namespace epochscope::io {

struct EncodedMatrix {
  std::string encoding;          ///< "q16" or "f32"
  std::uint32_t rows = 0;
  std::uint32_t cols = 0;
  std::vector<float> lo;         ///< q16 only: per-column offset
  std::vector<float> step;       ///< q16 only: per-column step
  std::vector<std::uint8_t> data;  ///< deflated byte planes
};

/// Chooses q16 when its error bound is <= max_error, else f32.
EncodedMatrix encode_matrix(const Matrix& m, float max_error = 1e-3f);

/// Decodes; throws epochscope::Error on any inconsistency (sizes, corrupt deflate stream, q16 scales
/// that are not finite, unknown encoding). Refuses rows*cols > max_values, and allocates the matrix
/// only after the planes inflated to exactly their stated size. f32 values may be NaN or Inf (a
/// diverged run records them as they were); consumers that cannot use them say so.
Matrix decode_matrix(const EncodedMatrix& e, std::uint64_t max_values);

/// zlib helpers shared by the session format.
std::vector<std::uint8_t> deflate_bytes(const std::uint8_t* data, std::size_t size, int level = 6);
/// Inflates exactly `expected` bytes; throws if the stream holds fewer or more. Checks `expected`
/// against deflate's 1032:1 limit before allocating, and grows the output only as bytes arrive.
std::vector<std::uint8_t> inflate_bytes(const std::uint8_t* data, std::size_t size, std::size_t expected);
/// Inflates a whole stream of any size up to `limit` bytes; throws if it is corrupt or longer.
std::vector<std::uint8_t> inflate_bytes_at_most(const std::uint8_t* data, std::size_t size, std::size_t limit);

/// Longest text a point may carry, in UTF-8 bytes (format 1.4's `texts`).
inline constexpr std::size_t kMaxPointText = 1000;
/// Format 1.4's `texts`: each text followed by a NUL byte, deflated. Throws epochscope::Error for a
/// text with a NUL inside or over kMaxPointText bytes.
std::vector<std::uint8_t> pack_texts(const std::vector<std::string>& texts);
/// The inverse, for `count` points: exactly `count` NUL-terminated texts of at most kMaxPointText
/// bytes each, or epochscope::Error saying what is wrong.
std::vector<std::string> unpack_texts(const std::vector<std::uint8_t>& packed, std::size_t count);

}  // namespace epochscope::io
