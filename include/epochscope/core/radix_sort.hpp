// Contract: a stable LSD radix sort of unsigned keys that carry a 32-bit payload (an index), on
// 11-bit digits, skipping digits that every key shares. Shared by Barnes-Hut (Morton codes) and the
// rank-quality figures (float bits of distances). The scratch vectors are the caller's, so a caller
// that sorts often keeps their allocations.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace epochscope {

/// Sorts keys ascending (stable), moving payload[i] with keys[i]. key_bits: the low bits that can
/// differ (higher ones are ignored). keys and payload must have the same size.
template <class Key>
void radix_sort_pairs(std::vector<Key>& keys, std::vector<std::uint32_t>& payload, int key_bits,
                      std::vector<Key>& key_scratch, std::vector<std::uint32_t>& payload_scratch) {
  constexpr int kDigit = 11;
  constexpr Key kMask = (Key{1} << kDigit) - 1;
  const std::size_t n = keys.size();
  key_scratch.resize(n);
  payload_scratch.resize(n);
  for (int shift = 0; shift < key_bits; shift += kDigit) {
    std::array<std::size_t, (std::size_t{1} << kDigit) + 1> count{};
    for (std::size_t i = 0; i < n; ++i) ++count[((keys[i] >> shift) & kMask) + 1];
    if (std::any_of(count.begin() + 1, count.end(), [&](std::size_t c) { return c == n; })) continue;
    for (std::size_t b = 0; b < kMask + 1; ++b) count[b + 1] += count[b];
    for (std::size_t i = 0; i < n; ++i) {
      const std::size_t dst = count[(keys[i] >> shift) & kMask]++;
      key_scratch[dst] = keys[i];
      payload_scratch[dst] = payload[i];
    }
    keys.swap(key_scratch);
    payload.swap(payload_scratch);
  }
}

}  // namespace epochscope
