// Contract: the subcommands of the epochscope executable. Each returns the process exit code:
// 0 success, 1 any other failure (one-line message on stderr), never a crash.
#pragma once

#include <filesystem>
#include <string>

#include "epochscope/data/dataset.hpp"
#include "epochscope/train/trainer.hpp"

namespace epochscope::app {

struct TrainCommand {
  data::DatasetSpec dataset;
  train::TrainOptions options;
  std::filesystem::path out;  ///< empty: a new file under data_home()/sessions
  bool quiet = false;         ///< no progress bar (summary lines only)
};
int run_train(const TrainCommand& cmd);

int run_info(const std::filesystem::path& file, bool json);

struct ExportCommand {
  std::filesystem::path file;
  std::string layer = "output";
  std::string frame = "last";
  std::filesystem::path out;
};
int run_export(const ExportCommand& cmd);

int run_import_npm(const std::filesystem::path& npm_dir, const std::filesystem::path& out, std::uint64_t seed,
                   std::size_t heldout);

/// Parses "last" or a non-negative integer against `count` frames; throws epochscope::Error.
std::size_t parse_frame_choice(const std::string& choice, std::size_t count);

}  // namespace epochscope::app
