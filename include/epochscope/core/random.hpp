// Contract: the small seeded generator the projections share (splitmix64, Steele, Lea and Flood
// 2014): a pure function of its seed, no global state, the same numbers on every platform.
#pragma once

#include <cstdint>

namespace epochscope {

inline constexpr std::uint64_t kGolden64 = 0x9e3779b97f4a7c15ULL;

/// splitmix64's output function applied to z + kGolden64: a bijective 64-bit mix (also a hash).
inline constexpr std::uint64_t mix64(std::uint64_t z) {
  z += kGolden64;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

struct SplitMix64 {
  std::uint64_t state;
  std::uint64_t next() {
    const std::uint64_t z = mix64(state);
    state += kGolden64;
    return z;
  }
  /// Uniform in [0, 1).
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  /// Uniform in [0, n) (multiply-shift; the bias is below 2^-32 n).
  std::uint32_t below(std::uint32_t n) { return static_cast<std::uint32_t>(((next() >> 32) * n) >> 32); }
};

}  // namespace epochscope
