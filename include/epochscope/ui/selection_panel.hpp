// Contract: the Selection panel (right column): the selected points as a sortable table (thumbnail,
// index, true and predicted class, confidence at the frame shown, first epoch classified correctly;
// ui/selection_table.hpp), a click on a row makes that point the inspected one (the inspector shows
// it and every view traces and rings it), and "Save CSV" writes the table with every shown view's
// layout coordinates to data_home()/exports/ on the task runner (never on the window's thread).
// Above it, the session's named selections: click one to select its points (Shift adds), save the
// current selection under a name, delete one; the app writes them into the session file.
#pragma once

#include <string>
#include <vector>

#include "epochscope/jobs/tasks.hpp"
#include "epochscope/ui/context.hpp"
#include "epochscope/ui/selection_table.hpp"
#include "epochscope/ui/ui_state.hpp"

namespace epochscope::ui {

class SelectionPanel {
 public:
  /// `layouts`: what the views on screen show now, for the CSV.
  void draw(UiContext& ctx, UiState& state, const std::vector<LayoutColumns>& layouts);

 private:
  std::vector<SelectionRow> rows_;
  std::vector<int> rows_of_;           ///< the selection the rows were made of
  const void* frame_ = nullptr;         ///< and the frame
  int frames_ = 0;
  SelectionColumn column_ = SelectionColumn::point;
  bool ascending_ = true;
  jobs::TaskPtr<std::string> saving_;  ///< the CSV being written; its value is the path
  std::string status_;
  char name_[65] = {};                 ///< the name being typed for "Save as"

  void draw_saved(UiContext& ctx, UiState& state);
};

}  // namespace epochscope::ui
