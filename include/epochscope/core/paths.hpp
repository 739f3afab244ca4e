// Contract: where epochscope keeps per-user files. Nothing is ever written into the working
// directory unless the user names a path there.
#pragma once

#include <filesystem>

namespace epochscope {

/// $EPOCHSCOPE_DATA_HOME, else $XDG_DATA_HOME/epochscope, else ~/.local/share/epochscope.
/// Holds the converted datasets (mnist/) and, by default, sessions (sessions/).
std::filesystem::path data_home();

/// $XDG_CONFIG_HOME/epochscope, else ~/.config/epochscope.
std::filesystem::path config_home();

}  // namespace epochscope
