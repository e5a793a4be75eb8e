#pragma once
// Where `rivulet run` keeps a job's checkpoints, from --checkpoint-dir and the graphs' runtime
// sections (checkpointDirectory, checkpointIntervalMs):
//
// 1. --checkpoint-dir DIR: DIR, always (a rerun with the same DIR resumes the job).
// 2. A graph's checkpointDirectory (the first graph that sets one), relative to the working
//    directory — when the job runs against an external cluster (--bootstrap), whose topics
//    outlive the process, so the offsets in the checkpoints mean something next time.
// 3. On the embedded broker, whose topics start empty every run, an earlier run's checkpoints
//    would restore offsets into nothing; a graph that asks for checkpoints (a directory or an
//    interval) gets a temporary directory for this run instead, removed at exit: restarts
//    within the run still resume from checkpoints, and exactly-once sinks work.
// 4. Otherwise no checkpoints.

#include <string>
#include <vector>

#include "graphs/graph.hpp"

namespace rivulet::runtime::lifecycle {

struct CheckpointLocation {
  std::string directory;   // empty: none, or `temporary`
  bool temporary = false;  // create a temporary directory for this run
  std::string note;        // one line explaining a choice the user may not expect, or empty
};

CheckpointLocation choose_checkpoint_location(const std::string& checkpoint_dir_flag,
                                              const std::vector<graphs::Graph>& graphs,
                                              bool embedded_broker);

}  // namespace rivulet::runtime::lifecycle
