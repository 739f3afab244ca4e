// Contract: the layouts a view makes itself (star coordinates, the pixel explorer) without holding
// up a frame. Each frame's layout is computed on a worker (UiContext::tasks) from that frame's
// layer, which the store hands over at once when it is in memory and reads back from the session
// file (on the worker) when it has let go of it. Until a frame's layout is there, get() returns the
// last one it had for that frame (made with an older recipe, or none) and says whether the layer is
// being read from the session, the layout is being computed, or why it failed. A new recipe (anchors
// dragged, other axes) makes every layout stale; at most one task per frame is in flight, so a drag
// never piles up work. No ImGui, no GL.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "epochscope/jobs/tasks.hpp"
#include "epochscope/store/epoch_store.hpp"

namespace epochscope::ui {

class LocalLayouts {
 public:
  /// Makes N x 2 positions from the points and a frame's layer (null for recipes of the input,
  /// which is the same in every frame). Runs on a worker; throws epochscope::Error to fail.
  using Recipe = std::function<Matrix(const store::PointSet& points, const Matrix* layer)>;

  /// Forgets every layout (a new source, another method or layer).
  void reset();
  /// What layouts are made with from now on. `generation` tells recipes apart: a layout made with
  /// another one is stale. `layer` is the frame layer the recipe reads ("input": none, one layout
  /// for every frame).
  void set_recipe(Recipe recipe, unsigned generation, const std::string& layer);
  unsigned generation() const { return generation_; }

  struct Lookup {
    std::shared_ptr<const Matrix> layout;  ///< the newest there is for the frame (may be stale), or null
    bool current = false;                  ///< made with the current recipe
    bool reading = false;                  ///< the frame's layer is being read from the session file
    bool computing = false;                ///< the layout is being computed
    std::string error;                     ///< why the current recipe failed on this frame, or empty
  };
  /// Frame f's layout; with `start`, starts its work when it is missing or stale (never waits).
  Lookup get(const std::shared_ptr<const store::EpochStore>& store, jobs::TaskRunner* tasks, int frame, bool start = true);
  /// Frames whose layout is current.
  int current_frames() const;
  /// Work is in flight: ask for another frame to pick it up.
  bool busy() const;

 private:
  struct Entry {
    std::shared_ptr<const Matrix> layout;
    unsigned generation = 0;
    jobs::TaskPtr<Matrix> task;
    unsigned task_generation = 0;
    bool task_reads = false;
    std::string error;
    unsigned error_generation = 0;
  };
  std::vector<Entry> entries_;
  Recipe recipe_;
  unsigned generation_ = 0;
  std::string layer_;
};

}  // namespace epochscope::ui
