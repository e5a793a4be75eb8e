#include "graphs/control_types.hpp"

namespace rivulet::graphs::control {

std::string to_string(JobState state) {
  switch (state) {
    case JobState::Created:
      return "created";
    case JobState::Running:
      return "running";
    case JobState::Restarting:
      return "restarting";
    case JobState::Stopping:
      return "stopping";
    case JobState::Finished:
      return "finished";
    case JobState::Failed:
      return "failed";
    case JobState::Cancelled:
      return "cancelled";
  }
  return "unknown";
}

std::string to_string(JobEventKind kind) {
  switch (kind) {
    case JobEventKind::Started:
      return "started";
    case JobEventKind::CheckpointCompleted:
      return "checkpoint completed";
    case JobEventKind::CheckpointFailed:
      return "checkpoint failed";
    case JobEventKind::Restarted:
      return "restarted";
    case JobEventKind::Failed:
      return "failed";
    case JobEventKind::Finished:
      return "finished";
    case JobEventKind::Cancelled:
      return "cancelled";
    case JobEventKind::SavepointTaken:
      return "savepoint taken";
  }
  return "unknown";
}

std::string to_string(CheckpointStatus status) {
  switch (status) {
    case CheckpointStatus::InProgress:
      return "in progress";
    case CheckpointStatus::Completed:
      return "completed";
    case CheckpointStatus::Failed:
      return "failed";
  }
  return "unknown";
}

}  // namespace rivulet::graphs::control
