// Contract: the subcommands of the epochscope executable. Each returns the process exit code:
// 0 success, 1 any other failure (one-line message on stderr), never a crash.
#pragma once

#include <filesystem>
#include <string>

#include "epochscope/data/dataset.hpp"
#include "epochscope/jobs/methods.hpp"
#include "epochscope/train/landscape.hpp"
#include "epochscope/train/trainer.hpp"

namespace epochscope::app {

struct TrainCommand {
  data::DatasetSpec dataset;
  train::TrainOptions options;
  std::filesystem::path out;  ///< empty: a new file under data_home()/sessions; with a sweep, the directory
  bool quiet = false;         ///< no progress bar (summary lines only)
  /// `--sweep NAME=V1,V2,...`: one run per value of one option (sweep_options() names them), one
  /// after another, each its own session out/NAME-V.epochscope. Empty: a single run.
  std::string sweep_name;
  std::vector<std::string> sweep_values;
};
int run_train(const TrainCommand& cmd);

/// The options a sweep can vary: "momentum, lr, batch-size, seed, width, dropout".
const char* sweep_options();
/// Parses "NAME=V1,V2,..." into cmd.sweep_name and cmd.sweep_values, checking every value as the
/// option itself would (throws epochscope::Error with a one-line reason).
void parse_sweep(const std::string& spec, TrainCommand& cmd);
/// Trains the sweep's runs one after another (creating the directory cmd.out); stops at the first
/// run that fails or is stopped, and returns its exit code (0 when all finished).
int run_sweep(const TrainCommand& cmd);

int run_info(const std::filesystem::path& file, bool json);

/// `info --follow`: prints each frame of a session another process is appending to as it lands.
struct FollowCommand {
  std::filesystem::path file;
  bool json = false;          ///< one JSON object per frame and line (else the train command's line)
  double timeout = 0;         ///< stop after this many seconds without a new frame (0 = never)
  std::size_t frames = 0;     ///< stop after this many frames (0 = never)
  double poll_seconds = 0.1;  ///< how often the file is looked at
};
/// Ends at the writer's end record, --frames, --timeout, SIGINT or SIGTERM: 0 (1 when the timeout
/// passed before any frame, or a record is damaged).
int run_follow(const FollowCommand& cmd);

struct ExportCommand {
  std::filesystem::path file;
  std::string layer = "output";
  std::string frame = "last";
  std::filesystem::path out;
};
int run_export(const ExportCommand& cmd);

/// `neurons`: the class x unit matrix of mean activations of one layer at one frame, as CSV.
struct NeuronsCommand {
  std::filesystem::path file;
  std::string layer;
  std::string frame = "last";
  std::string order = "unit";  ///< unit (index order), class (by preferred class), selectivity
  std::filesystem::path out;
};
int run_neurons(const NeuronsCommand& cmd);

struct TrajectoryCommand {
  std::vector<std::filesystem::path> files;  ///< one run, or several to share one PCA basis
  std::filesystem::path out;
};
/// Writes step, epoch, loss and the top 12 principal components of the parameter snapshots as CSV
/// (several files: one basis for all of them and a leading `run` column, the file's stem).
int run_trajectory(const TrajectoryCommand& cmd);

/// `landscape`: the training loss over the plane of the path in parameter space, from a session's
/// parameter snapshots (format 1.7), as CSV (kind,frame,epoch,a,b,loss). A session without snapshots,
/// or whose model cannot be rebuilt, fails with a one-line message naming the file (exit 1).
struct LandscapeCommand {
  std::filesystem::path file;
  train::LandscapeOptions options{.threads = 0};  ///< the command uses every core unless told
  std::filesystem::path out;
};
int run_landscape(const LandscapeCommand& cmd);

/// `import-tensorboard`: PyTorch SummaryWriter.add_embedding() logs as a session, a frame per step.
struct ImportTensorboardCommand {
  std::filesystem::path logdir;
  std::string tag;           ///< which embedding (needed when the log holds several)
  std::string label_column;  ///< metadata column (name or number) the labels come from; default the first
  std::filesystem::path out;
};
int run_import_tensorboard(const ImportTensorboardCommand& cmd);

struct ProjectCommand {
  std::filesystem::path file;
  std::string method;
  std::string layer = "output";
  std::string frames = "last";  ///< "all" (the coherent chain), "last" or a frame index
  int dims = 2;
  std::uint64_t seed = 1;
  int threads = 0;              ///< 0 = every core
  jobs::MethodSettings settings;
  std::filesystem::path out;    ///< .csv or .msgpack; empty: figures only
  bool json = false;            ///< per-frame figures as one JSON array on stdout
  bool independent = false;     ///< with frames "all": each frame from scratch (no warm start)
  bool quiet = false;
  /// Non-empty: lay out only these points (a file of point indices, one per line; one frame only),
  /// e.g. the same subsample a peer gets in `make bench`.
  std::filesystem::path points;
  /// Non-empty: t-SNE's or UMAP's starting layout, used as given (one frame only): N x dims numbers,
  /// a .f32 file (little-endian float32, row-major) or text (one point per line, comma- or space-
  /// separated), in the order of the points laid out (--points' order when given).
  std::filesystem::path init_file;
};
int run_project(const ProjectCommand& cmd);

int run_import_npm(const std::filesystem::path& npm_dir, const std::filesystem::path& out, std::uint64_t seed,
                   std::size_t heldout);

/// Parses "last" or a non-negative integer against `count` frames; throws epochscope::Error.
std::size_t parse_frame_choice(const std::string& choice, std::size_t count);

}  // namespace epochscope::app
