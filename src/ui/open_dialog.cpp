// The "Open session" dialog: an in-app file browser (no Debian package offers a native dialog) with
// the folder's sessions and subfolders, a path field, and the recently opened files. The listing is
// read on a worker; the dialog shows "reading..." meanwhile. Opening (or comparing) is a request the
// app carries out, with the same one-line message as the command line when the file is no session.
#include <fmt/core.h>

#include <algorithm>
#include <cstring>

#include "epochscope/ui/panels.hpp"
#include "epochscope/ui/style.hpp"

namespace epochscope::ui {
namespace {

void hook(UiContext& ctx, const std::string& name) {
  const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
  ctx.hooks[name] = {{a.x, a.y}, {b.x, b.y}};
}

void set_path(OpenDialogState& d, const std::string& p) {
  std::snprintf(d.path, sizeof(d.path), "%s", p.c_str());
}

void browse(UiContext& ctx, const std::filesystem::path& dir) {
  auto& d = ctx.open_dialog;
  std::error_code ec;
  d.dir = std::filesystem::absolute(dir.empty() ? std::filesystem::path(".") : dir, ec).lexically_normal();
  if (!d.dir.has_filename() && d.dir != d.dir.root_path()) d.dir = d.dir.parent_path();
  if (ctx.tasks != nullptr) d.listing = ctx.tasks->submit([dir] { return list_directory(dir); });
}

std::string size_text(std::uintmax_t bytes) {
  if (bytes >= 1000000) return fmt::format("{:.1f} MB", static_cast<double>(bytes) / 1e6);
  return fmt::format("{:.0f} kB", static_cast<double>(bytes) / 1e3);
}

}  // namespace

void open_session_dialog(UiContext& ctx, bool compare, const std::filesystem::path& start) {
  auto& d = ctx.open_dialog;
  d.show = true;
  d.compare = compare;
  d.path[0] = '\0';
  browse(ctx, d.dir.empty() ? start : d.dir);
}

void draw_open_dialog(UiContext& ctx) {
  auto& d = ctx.open_dialog;
  const char* title = "Open session##open_dialog";
  if (std::exchange(d.show, false)) ImGui::OpenPopup(title);
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  ImGui::SetNextWindowSize(ImVec2(std::min(640 * em(), vp->Size.x * 0.9f), std::min(520 * em(), vp->Size.y * 0.85f)),
                           ImGuiCond_Appearing);
  ImGui::SetNextWindowPos(ImVec2(vp->Pos.x + vp->Size.x / 2, vp->Pos.y + vp->Size.y / 2), ImGuiCond_Appearing, ImVec2(0.5f, 0.5f));
  if (!ImGui::BeginPopupModal(title, nullptr, ImGuiWindowFlags_NoSavedSettings)) return;
  const ImVec2 wmin = ImGui::GetWindowPos(), wsize = ImGui::GetWindowSize();
  ctx.hooks["open_dialog"] = {{wmin.x, wmin.y}, {wmin.x + wsize.x, wmin.y + wsize.y}};
  ImGui::TextDisabled("%s", d.compare ? "A run over the same tracked points, to compare with the one shown"
                                      : "A session file (.epochscope) to show");
  // The folder, one level up, and its entries.
  if (ImGui::ArrowButton("##up", ImGuiDir_Up) && d.dir != d.dir.root_path()) browse(ctx, d.dir.parent_path());
  hook(ctx, "open_up");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("The folder above");
  ImGui::SameLine();
  ImGui::TextUnformatted(d.dir.string().c_str());
  const float footer = ImGui::GetFrameHeightWithSpacing() * 2 + ImGui::GetStyle().ItemSpacing.y;
  const float recent_h = ctx.recent.empty() ? 0.0f
      : ImGui::GetTextLineHeightWithSpacing() * static_cast<float>(std::min<std::size_t>(ctx.recent.size(), 4) + 1);
  ImGui::BeginChild("entries", ImVec2(0, -(footer + recent_h)), true);
  bool open_now = false;
  if (d.listing && !d.listing->ready()) {
    ImGui::TextDisabled("reading %s ...", d.dir.string().c_str());
    ctx.animating = true;
  } else if (d.listing && d.listing->failed()) {
    ImGui::TextColored(to_imvec4(ctx.theme->bad), "%s", d.listing->error().c_str());
  } else if (d.listing) {
    const auto& listing = d.listing->value();
    int sessions = 0;
    for (const auto& e : listing.entries) {
      if (!e.directory && !e.session) continue;  // folders and sessions only
      const std::string label = e.directory ? e.name + "/" : e.name;
      const auto full = (listing.dir / e.name).string();
      const bool selected = !e.directory && full == d.path;
      if (ImGui::Selectable(label.c_str(), selected, ImGuiSelectableFlags_AllowDoubleClick)) {
        if (e.directory) {
          browse(ctx, listing.dir / e.name);
        } else {
          set_path(d, full);
          open_now = ImGui::IsMouseDoubleClicked(ImGuiMouseButton_Left);
        }
      }
      hook(ctx, "open_entry_" + e.name);
      if (!e.directory) {
        ++sessions;
        ImGui::SameLine(ImGui::GetContentRegionAvail().x - 80 * em());
        ImGui::TextDisabled("%s", size_text(e.bytes).c_str());
      }
    }
    if (sessions == 0) ImGui::TextDisabled("no session files here");
  }
  ImGui::EndChild();
  if (!ctx.recent.empty()) {
    ImGui::TextDisabled("recent");
    for (std::size_t i = 0; i < std::min<std::size_t>(ctx.recent.size(), 4); ++i) {
      if (ImGui::Selectable(ctx.recent[i].c_str(), ctx.recent[i] == d.path, ImGuiSelectableFlags_AllowDoubleClick)) {
        set_path(d, ctx.recent[i]);
        open_now = ImGui::IsMouseDoubleClicked(ImGuiMouseButton_Left);
      }
      hook(ctx, fmt::format("open_recent_{}", i));
    }
  }
  ImGui::SetNextItemWidth(-1);
  ImGui::InputTextWithHint("##path", "or type a path", d.path, sizeof(d.path));
  hook(ctx, "open_path");
  const bool can_open = d.path[0] != '\0';
  if (!can_open) ImGui::BeginDisabled();
  if (ImGui::Button(d.compare ? "Compare" : "Open", ImVec2(110 * em(), 0))) open_now = true;
  hook(ctx, "open_ok");
  if (!can_open) ImGui::EndDisabled();
  ImGui::SameLine();
  if (ImGui::Button("Cancel", ImVec2(110 * em(), 0)) || ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape))) {
    ImGui::CloseCurrentPopup();
  }
  hook(ctx, "open_cancel");
  if (open_now && can_open) {
    ctx.open_request = OpenRequest{d.path, d.compare};
    ImGui::CloseCurrentPopup();
  }
  ImGui::EndPopup();
}

}  // namespace epochscope::ui
