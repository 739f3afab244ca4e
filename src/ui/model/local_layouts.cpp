#include "epochscope/ui/local_layouts.hpp"

#include <algorithm>

namespace epochscope::ui {

void LocalLayouts::reset() {
  entries_.clear();
  recipe_ = nullptr;
  generation_ = 0;
  layer_.clear();
}

void LocalLayouts::set_recipe(Recipe recipe, unsigned generation, const std::string& layer) {
  if (layer != layer_) entries_.clear();  // another layer's layouts are no use even as stale ones
  recipe_ = std::move(recipe);
  generation_ = generation;
  layer_ = layer;
}

LocalLayouts::Lookup LocalLayouts::get(const std::shared_ptr<const store::EpochStore>& store, jobs::TaskRunner* tasks,
                                       int frame, bool start) {
  if (!store || !recipe_ || frame < 0 || static_cast<std::size_t>(frame) >= store->size()) return {};
  const bool input = layer_ == "input";
  const auto slot = input ? std::size_t{0} : static_cast<std::size_t>(frame);
  if (entries_.size() <= slot) entries_.resize(slot + 1);
  Entry& e = entries_[slot];
  if (e.task && e.task->ready()) {
    if (e.task->failed()) {
      e.error = e.task->error();
      e.error_generation = e.task_generation;
    } else {
      e.layout = std::make_shared<const Matrix>(e.task->value());
      e.generation = e.task_generation;
      e.error.clear();
    }
    e.task.reset();
  } else if (e.task && e.task->cancelled()) {
    e.task.reset();
  }
  const bool current = e.layout && e.generation == generation_;
  const bool failed = !e.error.empty() && e.error_generation == generation_;
  if (start && !current && !failed && !e.task && tasks != nullptr) {
    bool needs_read = false;
    std::shared_ptr<const Matrix> resident;
    if (!input) resident = store->resident_layer(static_cast<std::size_t>(frame), layer_, &needs_read);
    e.task_reads = needs_read;
    e.task_generation = generation_;
    e.task = tasks->submit([store, frame, input, layer = layer_, recipe = recipe_, resident]() -> Matrix {
      std::shared_ptr<const Matrix> data = resident;
      if (!input && !data) data = store->layer(static_cast<std::size_t>(frame), layer);  // may read the session file
      if (!input && !data) throw Error("frame " + std::to_string(frame) + " has no layer '" + layer + "'");
      return recipe(store->points(), data.get());
    });
  }
  Lookup out;
  out.layout = e.layout;
  out.current = current;
  out.reading = e.task && e.task_reads;
  out.computing = e.task && !e.task_reads;
  if (failed) out.error = e.error;
  return out;
}

int LocalLayouts::current_frames() const {
  return static_cast<int>(std::count_if(entries_.begin(), entries_.end(),
                                        [&](const Entry& e) { return e.layout && e.generation == generation_; }));
}

bool LocalLayouts::busy() const {
  return std::any_of(entries_.begin(), entries_.end(), [](const Entry& e) { return static_cast<bool>(e.task); });
}

}  // namespace epochscope::ui
