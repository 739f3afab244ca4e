// Contract: lowers the calling thread's CPU priority (Linux niceness, per thread) so background
// work (training, layout workers) yields the cores to the thread that draws the window. Raising
// priority needs privileges and is never attempted; failures are ignored (the work still runs).
#pragma once

namespace epochscope {

/// Sets the calling thread's niceness to the process's (its main thread's) plus `increment` (>= 0,
/// clamped to the maximum of 19), unless it is already that low: a thread inherits its creator's
/// niceness, so a thread started by lowered work (a layout pool made on a niced task) would otherwise
/// compound the two. A thread started by one lowered further than it asks for stays there (raising
/// is not attempted): start threads that need more than their creator has from the window's thread.
void lower_thread_priority(int increment);

/// The calling thread's niceness relative to the process's (0 = as the main thread).
int thread_priority_offset();

}  // namespace epochscope
