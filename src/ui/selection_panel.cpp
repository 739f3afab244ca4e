#include "epochscope/ui/selection_panel.hpp"

#include <fmt/format.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "epochscope/core/paths.hpp"
#include "epochscope/ui/panels.hpp"
#include "epochscope/ui/style.hpp"

namespace epochscope::ui {
namespace {

constexpr SelectionColumn kColumns[] = {SelectionColumn::point, SelectionColumn::label, SelectionColumn::predicted,
                                        SelectionColumn::confidence, SelectionColumn::first_correct};

// Writes `text` to a new file in data_home()/exports (through a temporary, renamed when complete).
std::string write_export(const std::string& stem, const std::string& text) {
  const auto dir = data_home() / "exports";
  std::filesystem::create_directories(dir);
  std::filesystem::path path;
  for (int n = 1;; ++n) {
    path = dir / fmt::format("{}-selection-{}.csv", stem, n);
    if (!std::filesystem::exists(path)) break;
  }
  const auto tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary);
    out << text;
    if (!out) throw Error(path.string() + ": write error");
  }
  std::filesystem::rename(tmp, path);
  return path.string();
}

}  // namespace

void SelectionPanel::draw_saved(UiContext& ctx, UiState& state) {
  const auto* points = ctx.points();
  for (std::size_t k = 0; k < ctx.saved_selections.size(); ++k) {
    const auto& s = ctx.saved_selections[k];
    ImGui::PushID(static_cast<int>(k));
    if (ImGui::SmallButton("x")) ctx.selection_requests.push_back({s, true});
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Delete \"%s\" from the session file", s.name.c_str());
    ImGui::SameLine();
    if (ImGui::Selectable(fmt::format("{}  ({} points)", s.name, s.points.size()).c_str())) {
      std::vector<int> pts;
      for (auto p : s.points) {
        if (points != nullptr && p < points->size()) pts.push_back(static_cast<int>(p));
      }
      state.select_points(pts, ImGui::GetIO().KeyShift);
    }
    ctx.hooks["saved_selection_" + s.name] = last_item_rect();
    if (ImGui::IsItemHovered() && !s.note.empty()) ImGui::SetTooltip("%s", s.note.c_str());
    ImGui::PopID();
  }
  // Save the selection under a name (a name saved before is replaced).
  const bool valid = store::plausible_selection_name(name_);
  const bool can = ctx.can_save_selections && !state.selection.empty() && valid;
  ImGui::SetNextItemWidth(std::max(60.0f * em(), ImGui::GetContentRegionAvail().x - ImGui::CalcTextSize("Save as").x -
                                                      3 * ImGui::GetStyle().FramePadding.x - ImGui::GetStyle().ItemSpacing.x));
  ImGui::InputTextWithHint("##selection_name", "name", name_, sizeof name_);
  ctx.hooks["selection_name"] = last_item_rect();
  ImGui::SameLine();
  ImGui::BeginDisabled(!can);
  if (ImGui::SmallButton("Save as")) {
    store::NamedSelection s;
    s.name = name_;
    for (int p : state.selection) s.points.push_back(static_cast<std::uint32_t>(p));
    s.wall_seconds = static_cast<double>(std::chrono::duration_cast<std::chrono::seconds>(
                                             std::chrono::system_clock::now().time_since_epoch()).count());
    ctx.selection_requests.push_back({std::move(s), false});
    name_[0] = 0;
  }
  ImGui::EndDisabled();
  ctx.hooks["selection_save"] = last_item_rect();
  if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled) && !can) {
    ImGui::SetTooltip("%s", !ctx.can_save_selections ? "Selections are saved in the session file: this one is only followed (open it, or its run, to save)"
                            : state.selection.empty() ? "Select points first"
                                                      : "A name of 1 to 64 characters");
  }
  if (!ctx.selections_error.empty()) {
    ImGui::PushTextWrapPos(0);
    ImGui::TextColored(to_imvec4(ctx.theme->bad), "Not saved: %s", ctx.selections_error.c_str());
    ImGui::PopTextWrapPos();
  }
  ImGui::Separator();
}

void SelectionPanel::draw(UiContext& ctx, UiState& state, const std::vector<LayoutColumns>& layouts) {
  const auto* points = ctx.points();
  if (points == nullptr || ctx.frames.empty()) return;
  if (saving_ && saving_->ready()) {
    status_ = saving_->failed() ? "Not saved: " + saving_->error() : "Saved " + saving_->value();
    saving_.reset();
  }
  draw_saved(ctx, state);
  if (state.selection.empty()) {
    ImGui::PushTextWrapPos(0);
    ImGui::TextDisabled("Select points to list them here: click (Shift adds), Ctrl + drag a lasso (Shift adds, "
                        "Alt takes away), or click a confusion-matrix cell.");
    ImGui::PopTextWrapPos();
    return;
  }
  const auto* frame = ctx.frames[static_cast<std::size_t>(std::clamp(state.frame, 0, ctx.frame_count() - 1))].get();
  bool resort = false;
  if (rows_of_ != state.selection || frame_ != frame || frames_ != ctx.frame_count()) {
    rows_ = selection_rows(*points, ctx.frames, state.selection, state.frame);
    rows_of_ = state.selection;
    frame_ = frame;
    frames_ = ctx.frame_count();
    resort = true;
  }
  ImGui::Text("%zu selected", rows_.size());
  ImGui::SameLine();
  ImGui::BeginDisabled(saving_ != nullptr || ctx.tasks == nullptr);
  if (ImGui::SmallButton("Save CSV")) {
    const std::string stem = ctx.session_file.empty() ? std::string("run") : ctx.session_file.stem().string();
    saving_ = ctx.tasks->submit([stem, text = selection_csv(*points, rows_, layouts)] { return write_export(stem, text); });
    status_ = "Saving...";
  }
  ImGui::EndDisabled();
  ctx.hooks["selection_csv"] = last_item_rect();
  if (!status_.empty()) {
    ImGui::PushTextWrapPos(0);
    ImGui::TextDisabled("%s", status_.c_str());
    ImGui::PopTextWrapPos();
  }
  const bool images = ctx.atlas != nullptr;
  const float thumb = 22.0f * em();
  const ImGuiTableFlags flags = ImGuiTableFlags_Sortable | ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY |
                                ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_SizingFixedFit;
  const float height = std::min(260.0f * em(), (thumb + 4) * static_cast<float>(rows_.size() + 1) + 8);
  if (!ImGui::BeginTable("selection", images ? 6 : 5, flags, ImVec2(0, height))) return;
  ImGui::TableSetupScrollFreeze(0, 1);
  if (images) ImGui::TableSetupColumn("", ImGuiTableColumnFlags_NoSort, thumb);
  ImGui::TableSetupColumn("#", ImGuiTableColumnFlags_DefaultSort, 0.0f, 0);
  ImGui::TableSetupColumn("true", 0, 0.0f, 1);
  ImGui::TableSetupColumn("pred.", 0, 0.0f, 2);
  ImGui::TableSetupColumn("conf.", 0, 0.0f, 3);
  ImGui::TableSetupColumn("first ok", 0, 0.0f, 4);
  ImGui::TableHeadersRow();
  if (ImGuiTableSortSpecs* specs = ImGui::TableGetSortSpecs()) {
    if ((specs->SpecsDirty || resort) && specs->SpecsCount > 0) {
      column_ = kColumns[std::clamp(static_cast<int>(specs->Specs[0].ColumnUserID), 0, 4)];
      ascending_ = specs->Specs[0].SortDirection != ImGuiSortDirection_Descending;
      sort_rows(rows_, column_, ascending_);
      specs->SpecsDirty = false;
    }
  }
  const int inspected = state.selection[static_cast<std::size_t>(std::clamp(state.inspected, 0, static_cast<int>(state.selection.size()) - 1))];
  ImGuiListClipper clipper;
  clipper.Begin(static_cast<int>(rows_.size()), thumb + 4);
  auto class_name = [&](int c) { return c >= 0 && c < points->class_count() ? points->class_names[static_cast<std::size_t>(c)].c_str() : "-"; };
  while (clipper.Step()) {
    for (int r = clipper.DisplayStart; r < clipper.DisplayEnd; ++r) {
      const SelectionRow& row = rows_[static_cast<std::size_t>(r)];
      ImGui::TableNextRow(0, thumb + 4);
      ImGui::PushID(row.point);
      ImGui::TableNextColumn();
      if (images) {
        draw_point_image(ctx, row.point, thumb);
        ImGui::TableNextColumn();
      }
      // The index spans the row: a click anywhere makes this point the inspected one.
      if (ImGui::Selectable(std::to_string(row.point).c_str(), row.point == inspected,
                            ImGuiSelectableFlags_SpanAllColumns, ImVec2(0, thumb))) {
        const auto it = std::find(state.selection.begin(), state.selection.end(), row.point);
        if (it != state.selection.end()) state.inspected = static_cast<int>(it - state.selection.begin());
      }
      if (r < 8) ctx.hooks[fmt::format("selection_row_{}", r)] = last_item_rect();
      ImGui::TableNextColumn();
      ImGui::TextColored(to_imvec4(ctx.theme->class_color(row.label)), "%s", class_name(row.label));
      ImGui::TableNextColumn();
      if (row.predicted >= 0) {
        ImGui::TextColored(to_imvec4(row.predicted == row.label ? ctx.theme->class_color(row.predicted) : ctx.theme->bad), "%s",
                           class_name(row.predicted));
      } else {
        ImGui::TextDisabled("-");
      }
      ImGui::TableNextColumn();
      if (row.confidence >= 0) ImGui::Text("%.0f%%", 100 * row.confidence);
      else ImGui::TextDisabled("-");
      ImGui::TableNextColumn();
      if (row.first_correct >= 0) ImGui::Text("%d", row.first_correct);
      else ImGui::TextDisabled("never");
      ImGui::PopID();
    }
  }
  ImGui::EndTable();
  ctx.selection_rows.clear();
  for (const auto& row : rows_) ctx.selection_rows.push_back(row.point);
}

}  // namespace epochscope::ui
