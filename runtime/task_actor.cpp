#include "runtime/task_actor.hpp"

#include <exception>
#include <string>

#include "caf/actor_system.hpp"
#include "caf/atom.hpp"
#include "caf/event_based_actor.hpp"
#include "caf/sec.hpp"
#include "runtime/source_runner.hpp"
#include "runtime/task_runner.hpp"

namespace rivulet::runtime {
namespace {

using poll_atom = caf::atom_constant<caf::atom("rvpoll")>;
// A source's output capacity has been gone for ChannelConfig::pause_after_ms (if still so).
using capacity_atom = caf::atom_constant<caf::atom("rvcapacity")>;

// Transport over CAF sends. Credit goes back to whoever sent on the channel: the receiver
// learns its upstream from the first message, so tasks can be spawned downstream-first without
// a second wiring round.
class ActorTransport final : public Transport {
 public:
  ActorTransport(caf::event_based_actor* self, TaskWiring& wiring, std::size_t inputs)
      : self_(self),
        targets_(std::move(wiring.targets)),
        coordinator_(std::move(wiring.coordinator)),
        checkpoints_(std::move(wiring.checkpoints)),
        task_name_(wiring.spec.name),
        upstream_(inputs) {}

  void remember_sender(std::uint32_t input_channel) {
    if (input_channel < upstream_.size() && !upstream_[input_channel]) {
      upstream_[input_channel] = caf::actor_cast<caf::actor>(self_->current_sender());
    }
  }
  void send_downstream(std::uint32_t output_channel, StreamMessage message) override {
    self_->send(targets_[output_channel], std::move(message));
  }
  void send_credit(std::uint32_t input_channel, CreditGrant grant) override {
    if (upstream_[input_channel]) self_->send(upstream_[input_channel], grant);
  }
  void send_checkpoint_ack(CheckpointAck ack) override {
    ack.state_bytes = snapshot_bytes_;
    snapshot_bytes_ = 0;
    if (coordinator_) self_->send(coordinator_, ack);
  }
  bool coordinated() const override { return static_cast<bool>(coordinator_); }
  // Once per task: its stream ended (see TaskEnded).
  void report_ended(TaskId task) {
    if (ended_reported_ || !coordinator_) return;
    ended_reported_ = true;
    self_->send(coordinator_, TaskEnded{task});
  }
  graphs::Result<std::unique_ptr<StateWriter>> checkpoint_writer(
      std::uint64_t checkpoint_id) override {
    if (!checkpoints_) return Transport::checkpoint_writer(checkpoint_id);
    auto writer = checkpoints_->writer(checkpoint_id, task_name_);
    if (!writer) return writer.error();
    snapshot_bytes_ = 0;
    return std::unique_ptr<StateWriter>(
        std::make_unique<CountingWriter>(std::move(writer).value(), snapshot_bytes_));
  }
  // Neighbouring tasks hold strong handles to each other (targets one way, upstream the
  // other); dropping ours on exit breaks the cycle so every actor object can be destroyed
  // (CAF joins a detached actor's thread only then).
  void release() {
    targets_.clear();
    upstream_.clear();
    coordinator_ = caf::actor{};
  }

 private:
  // Counts what a snapshot writes, for the ack (the coordinator's checkpoint size metric).
  class CountingWriter final : public StateWriter {
   public:
    CountingWriter(std::unique_ptr<StateWriter> inner, std::uint64_t& bytes)
        : inner_(std::move(inner)), bytes_(bytes) {}
    graphs::Status write_blob(std::string_view name, std::span<const std::byte> bytes) override {
      bytes_ += bytes.size();
      return inner_->write_blob(name, bytes);
    }
    // Files a backend writes itself (RocksDB) are not counted: the store sizes them later.
    graphs::Result<std::filesystem::path> reserve_directory(std::string_view name) override {
      return inner_->reserve_directory(name);
    }

   private:
    std::unique_ptr<StateWriter> inner_;
    std::uint64_t& bytes_;
  };

  caf::event_based_actor* self_;
  std::vector<caf::actor> targets_;
  caf::actor coordinator_;
  std::shared_ptr<CheckpointStore> checkpoints_;
  std::string task_name_;
  std::uint64_t snapshot_bytes_ = 0;  // of the snapshot being taken, until its ack
  std::vector<caf::actor> upstream_;
  bool ended_reported_ = false;
};

caf::error to_caf_error(const graphs::Error& error) {
  return caf::make_error(caf::sec::runtime_error, error.message);
}

std::shared_ptr<TaskMetrics> ensure_metrics(std::shared_ptr<TaskMetrics> metrics) {
  return metrics ? std::move(metrics) : std::make_shared<TaskMetrics>();
}

class TaskActor final : public caf::event_based_actor {
 public:
  TaskActor(caf::actor_config& cfg, TaskWiring wiring, std::unique_ptr<Operator> op)
      : caf::event_based_actor(cfg),
        id_(wiring.spec.id),
        transport_(this, wiring, wiring.spec.inputs.size()),
        runner_(wiring.spec, std::move(op), transport_, ensure_metrics(std::move(wiring.metrics))) {
  }

  void on_exit() override { transport_.release(); }

  caf::behavior make_behavior() override {
    if (auto status = runner_.open(); !status) {
      quit(to_caf_error(status.error()));
      return {};
    }
    if (runner_.finished() && !transport_.coordinated()) {
      quit();
      return {};
    }
    if (runner_.finished()) transport_.report_ended(id_);
    return {
        [this](StreamMessage& message) {
          transport_.remember_sender(message.channel);
          if (auto status = runner_.on_message(std::move(message)); !status) {
            return quit(to_caf_error(status.error()));
          }
          drain();
        },
        [this](const CreditGrant& grant) {
          runner_.on_credit(grant);
          drain();
        },
        [this](const CheckpointComplete& complete) {
          if (auto status = runner_.on_checkpoint_complete(complete.checkpoint_id); !status) {
            quit(to_caf_error(status.error()));
          }
        },
        [this](const SnapshotEnded& snapshot) {
          if (auto status = runner_.snapshot_ended(snapshot.checkpoint_id); !status) {
            quit(to_caf_error(status.error()));
          }
        },
        [this](const FinishTask&) { finish(); },
    };
  }

 private:
  void drain() {
    if (auto status = runner_.drain(); !status) return quit(to_caf_error(status.error()));
    if (!runner_.finished()) return;
    if (transport_.coordinated()) {
      transport_.report_ended(id_);  // the coordinator sends FinishTask when the job is settled
    } else {
      quit();
    }
  }

  void finish() {
    try {
      runner_.close();
    } catch (const std::exception& e) {
      return quit(caf::make_error(caf::sec::runtime_error, std::string("close: ") + e.what()));
    }
    quit();
  }

  TaskId id_;
  ActorTransport transport_;
  TaskRunner runner_;
};

class SourceActor final : public caf::event_based_actor {
 public:
  SourceActor(caf::actor_config& cfg, TaskWiring wiring, std::unique_ptr<SourceOperator> op)
      : caf::event_based_actor(cfg),
        id_(wiring.spec.id),
        transport_(this, wiring, 0),
        runner_(wiring.spec, std::move(op), transport_, ensure_metrics(std::move(wiring.metrics))) {
  }

  void on_exit() override { transport_.release(); }

  caf::behavior make_behavior() override {
    if (auto status = runner_.open(); !status) {
      quit(to_caf_error(status.error()));
      return {};
    }
    schedule_poll();
    // Polling is a message to ourselves rather than a loop, so credit grants, barriers and
    // stop requests interleave with polls in mailbox order.
    return {
        [this](poll_atom) {
          poll_scheduled_ = false;
          step();
        },
        [this](const CreditGrant& grant) {
          runner_.on_credit(grant);
          schedule_poll();
        },
        [this](capacity_atom, std::uint64_t starvation) {
          try {
            runner_.on_capacity_timeout(starvation);
          } catch (const std::exception& e) {
            quit(caf::make_error(caf::sec::runtime_error, std::string("pause: ") + e.what()));
          }
        },
        [this](const InjectBarrier& inject) {
          if (auto status = runner_.inject_barrier(inject.barrier, inject.halt_after); !status) {
            quit(to_caf_error(status.error()));
          }
        },
        [this](const SnapshotEnded& snapshot) {
          if (auto status = runner_.snapshot_ended(snapshot.checkpoint_id); !status) {
            quit(to_caf_error(status.error()));
          }
        },
        [this](const ResumeSource&) {
          runner_.resume();
          schedule_poll();
        },
        [this](const FinishTask&) {
          try {
            runner_.close();
          } catch (const std::exception& e) {
            return quit(
                caf::make_error(caf::sec::runtime_error, std::string("close: ") + e.what()));
          }
          quit();
        },
        [this](const CheckpointComplete& complete) {
          if (auto status = runner_.on_checkpoint_complete(complete.checkpoint_id); !status) {
            quit(to_caf_error(status.error()));
          }
        },
        [this](const StopSource&) {
          runner_.request_stop();
          schedule_poll();
        },
    };
  }

 private:
  void schedule_poll() {
    if (poll_scheduled_) return;
    poll_scheduled_ = true;
    send(this, poll_atom::value);
  }
  void step() {
    auto result = runner_.step();
    if (!result) return quit(to_caf_error(result.error()));
    switch (*result) {
      case SourceRunner::Step::Continue:
        schedule_poll();
        break;
      case SourceRunner::Step::WaitForCredit:
        // The next CreditGrant schedules a poll; if none comes in time, the source is told.
        if (auto wait = runner_.capacity_timeout(); wait && armed_for_ != runner_.starvation()) {
          armed_for_ = runner_.starvation();
          delayed_send(this, *wait, capacity_atom::value, armed_for_);
        }
        break;
      case SourceRunner::Step::Finished:
        if (transport_.coordinated()) {
          transport_.report_ended(id_);  // the coordinator sends FinishTask
        } else {
          quit();
        }
        break;
    }
  }

  TaskId id_;
  ActorTransport transport_;
  SourceRunner runner_;
  bool poll_scheduled_ = false;
  std::uint64_t armed_for_ = 0;  // the shortage of capacity a capacity_atom is on its way for
};

}  // namespace

caf::actor spawn_task(caf::actor_system& system, TaskWiring wiring, std::unique_ptr<Operator> op) {
  return system.spawn<TaskActor>(std::move(wiring), std::move(op));
}

caf::actor spawn_source_task(caf::actor_system& system, TaskWiring wiring,
                             std::unique_ptr<SourceOperator> op) {
  return system.spawn<SourceActor, caf::detached>(std::move(wiring), std::move(op));
}

}  // namespace rivulet::runtime
