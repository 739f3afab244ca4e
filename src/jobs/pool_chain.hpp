// Contract (private to jobs/): one chain of the layout pool, a (method, layer, dims) key's layouts
// over the frames and the job computing the next one. Fields above the job state are guarded by
// the pool's mutex; the job state belongs to the worker that set `busy`.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "epochscope/core/matrix.hpp"
#include "epochscope/jobs/layout_pool.hpp"
#include "epochscope/project/projection.hpp"

namespace epochscope::jobs {

using ResultPtr = std::shared_ptr<const LayoutResult>;

struct Chain {
  bool requested = false;
  bool busy = false;  // a worker owns the job state below
  bool stale = false;  // settings changed while busy: start over once the worker lets go
  std::vector<ResultPtr> results;  // index = frame
  int frames_final = 0;
  std::size_t pca_basis_frames = 0;  // PCA: how many frames the current basis covered
  // Job state, touched only by the worker that set `busy`.
  std::unique_ptr<project::Projection> job;
  store::FramePtr job_frame_ptr;
  std::shared_ptr<const Matrix> job_input;
  Matrix job_layout;
  int job_frame = -1;
  // Frame 0 only: the neighbouring layer's frame-0 layout the job started from and is aligned to.
  std::shared_ptr<const LayoutResult> job_depth_seed;
  double job_seconds = 0;
  // t-SNE's cost while it runs: the last readout, and the job_seconds from which the next is due.
  std::string cost_name;
  double cost = 0;
  double cost_due = 0;
  // Published progress of the job (under the pool mutex).
  int status_frame = -1;
  int status_iteration = 0;
  int status_total = 0;
  // Why the chain stopped (its method threw on a frame), or empty.
  std::string error;
  int error_frame = -1;

  void drop_job() {
    job.reset();
    job_input.reset();
    job_frame_ptr.reset();
    job_depth_seed.reset();
    job_frame = -1;
  }
};


}  // namespace epochscope::jobs
