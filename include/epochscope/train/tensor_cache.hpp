// Contract: libtorch's CPU tensors of 1 MiB and more reuse freed blocks instead of going back to the
// system. glibc serves every allocation above 32 MiB with its own mmap and returns it on free, and a
// training step of the default cnn at batch 128 frees and allocates buffers of 43 and 86 MB each
// step: every page of them faulted in anew (measured: 20 million page faults and 26 s of system time
// in one 70,000-point Fashion-MNIST epoch of 25 s; with the cache the epoch takes 18.4-19.3 s, with
// 0.46 million faults). Blocks are kept by size, rounded up to 256 KiB, at most `cache_bytes` of free
// ones (the oldest are returned first; 256 MiB was too few for recording the 70,000 points, 4.9
// million faults; the process's peak grew from 1.13 to 1.48 GB); smaller tensors go to torch's own
// allocator. Installed once per process, for every thread that makes tensors (the trainer, the
// landscape worker); tensors made before keep their own deleter. No torch in this header.
#pragma once

#include <cstddef>

namespace epochscope::train {

struct TensorCacheStats {
  std::size_t hits = 0;     ///< allocations served from a freed block
  std::size_t misses = 0;   ///< allocations of >= 1 MiB that went to the system
  std::size_t cached = 0;   ///< bytes held free now
};

/// The most bytes of free blocks kept, unless install_tensor_cache is told otherwise.
inline constexpr std::size_t kTensorCacheBytes = std::size_t{512} << 20;

/// Makes the cache torch's CPU allocator (idempotent; thread-safe). cache_bytes: the most bytes of
/// free blocks kept (the first call's value holds).
void install_tensor_cache(std::size_t cache_bytes = kTensorCacheBytes);

/// Counters since installation (installs the cache, with kTensorCacheBytes, when it is not).
TensorCacheStats tensor_cache_stats();

}  // namespace epochscope::train
