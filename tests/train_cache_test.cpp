// train/tensor_cache: libtorch's large CPU buffers reused instead of mapped anew (tensor_cache.hpp).
#include <gtest/gtest.h>

#include <c10/core/CPUAllocator.h>

#include <vector>

#include "epochscope/train/tensor_cache.hpp"

using namespace epochscope;

// Large CPU buffers are reused, not returned to the system: a training step's buffers of tens of
// megabytes otherwise come from a fresh mmap each time (every page faulted in anew).
TEST(TensorCache, LargeBlocksAreReusedSmallOnesPassThrough) {
  train::install_tensor_cache();
  c10::Allocator* cpu = c10::GetCPUAllocator();
  const auto before = train::tensor_cache_stats();
  void* first = nullptr;
  {
    auto block = cpu->allocate(std::size_t{5} << 20);
    first = block.get();
    static_cast<char*>(block.get())[(std::size_t{5} << 20) - 1] = 7;  // all of it is usable
  }
  const auto freed = train::tensor_cache_stats();
  EXPECT_EQ(freed.misses, before.misses + 1);
  EXPECT_GE(freed.cached, std::size_t{5} << 20);
  {
    auto again = cpu->allocate((std::size_t{5} << 20) - 100);  // the same size once rounded: the same block
    EXPECT_EQ(again.get(), first);
    EXPECT_EQ(train::tensor_cache_stats().hits, before.hits + 1);
    EXPECT_EQ(train::tensor_cache_stats().cached, freed.cached - (std::size_t{5} << 20));
  }
  {
    auto small = cpu->allocate(1000);  // torch's own allocator
    EXPECT_NE(small.get(), nullptr);
  }
  EXPECT_EQ(train::tensor_cache_stats().misses, before.misses + 1);
  // raw_allocate / raw_deallocate (the context is the data) work for both kinds.
  for (const std::size_t n : {std::size_t{64}, std::size_t{3} << 20}) {
    void* raw = cpu->raw_allocate(n);
    ASSERT_NE(raw, nullptr);
    cpu->raw_deallocate(raw);
  }
  // Free blocks beyond the limit go back, the oldest first: what is cached stays bounded.
  {
    std::vector<c10::DataPtr> many;
    for (int i = 0; i < 40; ++i) many.push_back(cpu->allocate(std::size_t{40} << 20));
  }
  EXPECT_LE(train::tensor_cache_stats().cached, std::size_t{512} << 20);
  EXPECT_GE(train::tensor_cache_stats().cached, std::size_t{450} << 20);
}
