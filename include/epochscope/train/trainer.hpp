// Contract: trains a model (models.hpp: cnn by default) on its own thread and publishes one immutable frame per epoch (frame 0 is
// the untrained network) into an EpochStore, each with the first convolution's weights when the model
// has one and the full parameter vector (unless told not to). Torch stays behind this header (pimpl): including it costs nothing. Pause, resume and stop
// work from any thread; stop takes effect within a batch (well under a second). progress() never
// blocks training.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "epochscope/core/core_loans.hpp"
#include "epochscope/data/dataset.hpp"
#include "epochscope/store/epoch_store.hpp"
#include "epochscope/train/models.hpp"

namespace epochscope::train {

enum class OptimizerKind { adam, sgd };

/// Defaults make learning visibly gradual over the whole run on the 8,000-image MNIST (see README):
/// large batches and a small Adam step, so held-out accuracy after epoch 1 is far below its final
/// value and still rising in the last epochs.
struct TrainOptions {
  int epochs = 45;
  int batch_size = 512;
  double learning_rate = 1e-4;
  OptimizerKind optimizer = OptimizerKind::adam;
  double momentum = 0.9;        ///< SGD only
  std::uint64_t seed = 1;       ///< weights, shuffling, dropout and the tracked sample
  int threads = 0;              ///< libtorch intra-op threads; 0 = every core
  std::size_t tracked = 10000;  ///< points whose activations every frame records
  int eval_batch = 1000;        ///< images per forward pass when recording a frame
  int nice = 0;                 ///< added to the training thread's niceness (the window uses 5)
  /// When set, each step runs on `threads` minus the cores borrowed now (at least 1): the window's
  /// layout workers borrow theirs while they compute (core/core_loans.hpp). Default none.
  std::shared_ptr<const CoreLoans> loans;
  store::MemoryOptions memory;  ///< how much of the frames the store keeps resident once saved
  /// A parameter-space snapshot (a 256-number sketch, store/trajectory.hpp) every this many
  /// optimisation steps, and one before the first: the default run (16 steps an epoch, 45 epochs)
  /// gives 721 snapshots, 0.7 MB.
  int snapshot_every = 1;
  /// Every frame keeps the network's full parameter vector (store::ParameterSnapshot, format 1.7),
  /// for the plane of the path and the loss landscape over it (train/landscape.hpp). The default cnn:
  /// 121,930 values, 488 KB a frame in memory (22 MB over 46 frames, never evicted) and about 203 KB
  /// a frame in the session file (9.4 MB over 46 frames). Default true.
  bool keep_parameters = true;
  ModelOptions model;               ///< which network: the default CNN unless told
  /// The layers every frame records (model_layers() names); empty = every layer of the model.
  std::vector<std::string> layers;
};

enum class TrainState { idle, running, paused, finished, stopped, failed };

/// A consistent-enough view of the training loop, read lock-free.
struct TrainProgress {
  TrainState state = TrainState::idle;
  int epoch = 0;       ///< epoch in progress (1-based) or last finished
  int epochs = 0;
  int batch = 0;       ///< batches done in the current epoch
  int batches = 0;     ///< batches per epoch
  double loss = 0;     ///< running mean training loss of the current epoch
  double accuracy = 0; ///< running training accuracy of the current epoch
  double images_per_second = 0;
  double elapsed_seconds = 0;
};

/// The shape of the tracked points' inputs.
InputShape input_shape(const store::PointSet& points);
/// model_description(input_shape(points), model): what session metadata records.
std::string model_description(const store::PointSet& points, const ModelOptions& model = {});

const char* to_string(TrainState s);
const char* to_string(OptimizerKind k);

class Trainer {
 public:
  /// Builds the tracked point set and an empty store whose layers are the model's (or the chosen
  /// subset). Throws epochscope::Error on bad options.
  Trainer(data::Dataset dataset, TrainOptions options);
  ~Trainer();  ///< stops and joins
  Trainer(const Trainer&) = delete;
  Trainer& operator=(const Trainer&) = delete;

  const TrainOptions& options() const;
  std::shared_ptr<store::EpochStore> store() const;

  void start();
  void pause();
  void resume();
  /// Asks the thread to stop; returns at once.
  void request_stop();
  /// Waits for the thread to end.
  void join();

  TrainProgress progress() const;
  /// The failure that ended training (state failed), else empty.
  std::string error() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace epochscope::train
