// Contract: lowers the calling thread's CPU priority (Linux niceness, per thread) so background
// work (training, layout workers) yields the cores to the thread that draws the window. Raising
// priority needs privileges and is never attempted; failures are ignored (the work still runs).
#pragma once

namespace epochscope {

/// Adds `increment` (>= 0, clamped to the maximum niceness of 19) to the calling thread's niceness.
void lower_thread_priority(int increment);

}  // namespace epochscope
