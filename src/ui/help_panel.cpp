// The in-app guide (F1 or the "?" button): docs/guide.md, compiled in, shown in a window of its own
// that the user moves, resizes and closes. Headings, paragraphs, bold runs and lists, wrapped.
#include <sstream>
#include <string>
#include <vector>

#include "epochscope/ui/panels.hpp"
#include "epochscope/ui/style.hpp"

namespace epochscope::ui {

extern const char* const kGuideText;

namespace {

// Markdown's **bold** markers dropped: the guide's words, as ImGui shows text (one font).
std::string plain(std::string s) {
  for (std::size_t at = s.find("**"); at != std::string::npos; at = s.find("**")) s.erase(at, 2);
  return s;
}

}  // namespace

void draw_help_window(UiContext& ctx, UiState& state) {
  if (!state.show_help) return;
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  const float em = ImGui::GetFontSize();
  ImGui::SetNextWindowSize(ImVec2(std::min(vp->Size.x * 0.6f, 46 * em), vp->Size.y * 0.8f), ImGuiCond_Appearing);
  ImGui::SetNextWindowPos(ImVec2(vp->Pos.x + vp->Size.x * 0.5f, vp->Pos.y + vp->Size.y * 0.5f), ImGuiCond_Appearing,
                          ImVec2(0.5f, 0.5f));
  ImGui::SetNextWindowBgAlpha(0.98f);
  if (!ImGui::Begin("Guide (F1)", &state.show_help, ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoCollapse)) {
    ImGui::End();
    return;
  }
  ctx.hooks["help_window"] = {{ImGui::GetWindowPos().x, ImGui::GetWindowPos().y},
                              {ImGui::GetWindowPos().x + ImGui::GetWindowSize().x, ImGui::GetWindowPos().y + ImGui::GetWindowSize().y}};
  const ImVec4 heading = to_imvec4(ctx.theme->light ? Rgba8{20, 70, 150, 255} : Rgba8{130, 180, 255, 255});
  std::istringstream in(kGuideText);
  std::string line, paragraph;
  bool bullet = false;
  const auto flush = [&] {
    if (paragraph.empty()) return;
    if (bullet) {
      ImGui::Bullet();
      ImGui::SameLine();
    }
    ImGui::PushTextWrapPos(0);
    ImGui::TextUnformatted(plain(paragraph).c_str());
    ImGui::PopTextWrapPos();
    if (!bullet) ImGui::Spacing();
    paragraph.clear();
    bullet = false;
  };
  while (std::getline(in, line)) {
    if (line.rfind("## ", 0) == 0 || line.rfind("### ", 0) == 0) {
      flush();
      const bool top = line.rfind("## ", 0) == 0;
      if (!top) ImGui::Spacing();
      ImGui::TextColored(heading, "%s", line.substr(top ? 3 : 4).c_str());
      if (top) ImGui::Separator();
    } else if (line.rfind("- ", 0) == 0) {  // a list item (its next lines are indented)
      flush();
      paragraph = line.substr(2);
      bullet = true;
    } else if (line.empty()) {
      flush();
    } else {
      const auto text = line.find_first_not_of(' ');
      paragraph += (paragraph.empty() ? "" : " ") + line.substr(text == std::string::npos ? 0 : text);
    }
  }
  flush();
  ImGui::End();
}

}  // namespace epochscope::ui
