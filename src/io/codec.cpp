#include "epochscope/io/codec.hpp"

#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <optional>

namespace epochscope::io {
namespace {

// A deflate stream expands by at most 1032:1.
constexpr std::size_t kMaxDeflateRatio = 1032;

}  // namespace

std::vector<std::uint8_t> deflate_bytes(const std::uint8_t* data, std::size_t size, int level) {
  uLongf bound = compressBound(static_cast<uLong>(size));
  std::vector<std::uint8_t> out(bound);
  if (compress2(out.data(), &bound, data, static_cast<uLong>(size), level) != Z_OK) {
    throw Error("deflate failed");
  }
  out.resize(bound);
  return out;
}

namespace {

// Inflates a whole zlib stream of at most `limit` bytes; nullopt-like empty optional on any error.
// The output grows as the stream really produces bytes, so a block that lies about its size costs
// at most twice what it decodes to before it is refused.
std::optional<std::vector<std::uint8_t>> inflate_limited(const std::uint8_t* data, std::size_t size, std::size_t limit) {
  std::vector<std::uint8_t> out(std::min<std::size_t>(limit, std::max<std::size_t>(size * 4, 1 << 16)));
  std::uint8_t none = 0;  // zlib wants somewhere to write even when nothing is expected
  z_stream zs{};
  if (inflateInit(&zs) != Z_OK) throw Error("cannot initialise zlib");
  zs.next_in = const_cast<Bytef*>(data);
  zs.avail_in = static_cast<uInt>(size);
  std::size_t produced = 0;
  int rc = Z_OK;
  for (;;) {
    zs.next_out = out.empty() ? &none : out.data() + produced;
    zs.avail_out = static_cast<uInt>(out.size() - produced);
    rc = inflate(&zs, Z_NO_FLUSH);
    produced = out.size() - zs.avail_out;
    if (rc != Z_OK || zs.avail_out != 0 || out.size() == limit) break;
    out.resize(std::min(limit, out.size() * 2));
  }
  if (rc == Z_OK && zs.avail_out == 0 && zs.avail_in > 0) {
    // Output full: the stream must end here, without another byte.
    std::uint8_t probe = 0;
    zs.next_out = &probe;
    zs.avail_out = 1;
    rc = inflate(&zs, Z_NO_FLUSH);
    if (zs.avail_out == 0) rc = Z_DATA_ERROR;
  }
  inflateEnd(&zs);
  if (rc != Z_STREAM_END) return std::nullopt;
  out.resize(produced);
  return out;
}

void check_block_size(std::size_t size, std::size_t bound) {
  if (bound > std::numeric_limits<uInt>::max() || size > std::numeric_limits<uInt>::max()) {
    throw Error("compressed block of " + std::to_string(bound) + " bytes is too large");
  }
}

}  // namespace

std::vector<std::uint8_t> inflate_bytes(const std::uint8_t* data, std::size_t size, std::size_t expected) {
  // Check the claim against the bytes present before allocating for it: a zlib stream is at least
  // 8 bytes (header, an empty final block, checksum) and deflate expands at most 1032:1.
  check_block_size(size, expected);
  if (size < 8 || expected / kMaxDeflateRatio > size) {
    throw Error("compressed block of " + std::to_string(size) + " bytes is too small for its stated size of " +
                std::to_string(expected));
  }
  auto out = inflate_limited(data, size, expected);
  if (!out || out->size() != expected) throw Error("corrupt or mis-sized compressed block");
  return std::move(*out);
}

std::vector<std::uint8_t> inflate_bytes_at_most(const std::uint8_t* data, std::size_t size, std::size_t limit) {
  check_block_size(size, limit);
  if (size < 8) throw Error("compressed block of " + std::to_string(size) + " bytes is too small");
  auto out = inflate_limited(data, size, limit);
  if (!out) throw Error("corrupt compressed block, or one over " + std::to_string(limit) + " bytes");
  return std::move(*out);
}

std::vector<std::uint8_t> pack_texts(const std::vector<std::string>& texts) {
  std::vector<std::uint8_t> joined;
  for (std::size_t i = 0; i < texts.size(); ++i) {
    const auto& t = texts[i];
    if (t.size() > kMaxPointText) throw Error("the text of point " + std::to_string(i) + " is over " + std::to_string(kMaxPointText) + " bytes");
    if (t.find('\0') != std::string::npos) throw Error("the text of point " + std::to_string(i) + " holds a NUL byte");
    joined.insert(joined.end(), t.begin(), t.end());
    joined.push_back(0);
  }
  return deflate_bytes(joined.data(), joined.size());
}

std::vector<std::string> unpack_texts(const std::vector<std::uint8_t>& packed, std::size_t count) {
  const auto joined = inflate_bytes_at_most(packed.data(), packed.size(), count * (kMaxPointText + 1));
  std::vector<std::string> out;
  out.reserve(count);
  std::size_t start = 0;
  for (std::size_t i = 0; i < joined.size(); ++i) {
    if (joined[i] != 0) continue;
    if (i - start > kMaxPointText) throw Error("a point's text is over " + std::to_string(kMaxPointText) + " bytes");
    if (out.size() == count) throw Error("texts hold more than one per point");
    out.emplace_back(reinterpret_cast<const char*>(joined.data() + start), i - start);
    start = i + 1;
  }
  if (start != joined.size() || out.size() != count) {
    throw Error("texts hold " + std::to_string(out.size()) + " complete texts for " + std::to_string(count) + " points");
  }
  return out;
}

EncodedMatrix encode_matrix(const Matrix& m, float max_error) {
  EncodedMatrix e;
  e.rows = static_cast<std::uint32_t>(m.rows());
  e.cols = static_cast<std::uint32_t>(m.cols());
  const std::size_t n = static_cast<std::size_t>(m.rows()) * static_cast<std::size_t>(m.cols());
  bool quantize = m.allFinite();
  if (quantize) {
    e.lo.resize(e.cols);
    e.step.resize(e.cols);
    for (std::uint32_t c = 0; c < e.cols; ++c) {
      const float lo = m.rows() ? m.col(c).minCoeff() : 0.f;
      const float hi = m.rows() ? m.col(c).maxCoeff() : 0.f;
      e.lo[c] = lo;
      e.step[c] = (hi - lo) / 65535.0f;
      if (e.step[c] / 2 > max_error || !std::isfinite(e.step[c])) quantize = false;
    }
  }
  std::vector<std::uint8_t> planes;
  if (quantize) {
    e.encoding = "q16";
    planes.resize(n * 2);
    std::size_t k = 0;
    for (std::uint32_t c = 0; c < e.cols; ++c) {
      for (std::uint32_t r = 0; r < e.rows; ++r, ++k) {
        const float step = e.step[c];
        const long q = step > 0 ? std::lround((m(r, c) - e.lo[c]) / step) : 0;
        const auto v = static_cast<std::uint16_t>(std::clamp(q, 0l, 65535l));
        planes[k] = static_cast<std::uint8_t>(v >> 8);
        planes[n + k] = static_cast<std::uint8_t>(v & 0xff);
      }
    }
  } else {
    e.encoding = "f32";
    e.lo.clear();
    e.step.clear();
    planes.resize(n * 4);
    std::size_t k = 0;
    for (std::uint32_t c = 0; c < e.cols; ++c) {
      for (std::uint32_t r = 0; r < e.rows; ++r, ++k) {
        std::uint32_t bits;
        const float v = m(r, c);
        std::memcpy(&bits, &v, 4);
        for (int b = 0; b < 4; ++b) planes[static_cast<std::size_t>(b) * n + k] = static_cast<std::uint8_t>(bits >> (24 - 8 * b));
      }
    }
  }
  e.data = deflate_bytes(planes.data(), planes.size());
  return e;
}

Matrix decode_matrix(const EncodedMatrix& e, std::uint64_t max_values) {
  const std::uint64_t n = std::uint64_t{e.rows} * e.cols;
  if (n > max_values) throw Error("matrix of " + std::to_string(e.rows) + "x" + std::to_string(e.cols) + " is larger than allowed");
  // The matrix is allocated only once its planes have inflated to exactly the stated size.
  if (e.encoding == "q16") {
    if (e.lo.size() != e.cols || e.step.size() != e.cols) throw Error("q16 matrix without per-column scales");
    for (std::uint32_t c = 0; c < e.cols; ++c) {
      if (!std::isfinite(e.lo[c]) || !std::isfinite(e.step[c]) || !std::isfinite(e.lo[c] + 65535.0f * e.step[c])) {
        throw Error("q16 matrix with a non-finite scale in column " + std::to_string(c));
      }
    }
    const auto planes = inflate_bytes(e.data.data(), e.data.size(), n * 2);
    Matrix m(e.rows, e.cols);
    std::size_t k = 0;
    for (std::uint32_t c = 0; c < e.cols; ++c) {
      for (std::uint32_t r = 0; r < e.rows; ++r, ++k) {
        const std::uint16_t q = static_cast<std::uint16_t>((planes[k] << 8) | planes[n + k]);
        m(r, c) = e.lo[c] + static_cast<float>(q) * e.step[c];
      }
    }
    return m;
  }
  if (e.encoding == "f32") {
    const auto planes = inflate_bytes(e.data.data(), e.data.size(), n * 4);
    Matrix m(e.rows, e.cols);
    std::size_t k = 0;
    for (std::uint32_t c = 0; c < e.cols; ++c) {
      for (std::uint32_t r = 0; r < e.rows; ++r, ++k) {
        std::uint32_t bits = 0;
        for (int b = 0; b < 4; ++b) bits |= std::uint32_t{planes[static_cast<std::size_t>(b) * n + k]} << (24 - 8 * b);
        float v;
        std::memcpy(&v, &bits, 4);
        m(r, c) = v;
      }
    }
    return m;
  }
  throw Error("unknown matrix encoding '" + e.encoding.substr(0, 32) + "'");
}

}  // namespace epochscope::io
