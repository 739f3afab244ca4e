// Contract: the selection as a table (no ImGui here: the rows, their order and their CSV). A row per
// selected point: its index, true and predicted class and the confidence of the prediction at the
// frame shown, and the epoch it was first classified correctly (-1: never so far), sortable by any
// column (ties by index). The CSV has the same columns plus each view's layout coordinates of the
// point at the frame shown (a header column per view and axis, e.g. "umap_hidden_x").
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "epochscope/core/matrix.hpp"
#include "epochscope/store/frame.hpp"

namespace epochscope::ui {

struct SelectionRow {
  int point = 0;
  int label = 0;
  int predicted = -1;       ///< -1: the frame predicts nothing
  double confidence = -1;   ///< p(predicted) at the frame; -1 unknown
  int first_correct = -1;   ///< epoch of the first frame that classified it correctly; -1 never
};

enum class SelectionColumn { point, label, predicted, confidence, first_correct };

/// The rows of `selection` (indices outside the points are skipped) at frame `frame` of `frames`.
std::vector<SelectionRow> selection_rows(const store::PointSet& points, const std::vector<store::FramePtr>& frames,
                                         const std::vector<int>& selection, int frame);

/// Sorts in place by `column`, ascending or not; ties by point index (ascending).
void sort_rows(std::vector<SelectionRow>& rows, SelectionColumn column, bool ascending);

/// A view's layout for the CSV: its column prefix ("umap_hidden") and positions (N x 2 or 3).
struct LayoutColumns {
  std::string name;
  std::shared_ptr<const Matrix> positions;
};

/// A CSV field in double quotes, its quotes doubled.
std::string csv_quoted(const std::string& value);

/// The CSV text: index,true,predicted,confidence,first_correct_epoch[,<view>_x,<view>_y[,<view>_z]]...
/// (classes by name, quoted; empty cells for what is unknown).
std::string selection_csv(const store::PointSet& points, const std::vector<SelectionRow>& rows,
                          const std::vector<LayoutColumns>& layouts);

}  // namespace epochscope::ui
