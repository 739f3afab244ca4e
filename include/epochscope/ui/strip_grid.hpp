// Contract: how a depth strip lays its panels out (no ImGui): the number of columns of a grid of n
// panels over an area that makes each panel's shorter side longest (ties: fewer columns).
#pragma once

namespace epochscope::ui {

int strip_columns(int n, float width, float height);

}  // namespace epochscope::ui
