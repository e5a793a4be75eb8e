#pragma once
// `rivulet run`'s job loop for other commands that run graphs locally the same way (live table,
// embedded broker unless a bootstrap is given, clean stop on Ctrl-C): `rivulet generate` and
// `rivulet demo` build their graphs in memory and hand them over here.

#include <string>
#include <vector>

#include "graphs/graph.hpp"

namespace rivulet::cli {

struct LocalRun {
  std::vector<std::string> graph_files;  // loaded first
  std::vector<graphs::Graph> graphs;     // then these, named in messages by graph_names
  std::vector<std::string> graph_names;
  std::string bootstrap;  // empty: the embedded broker with the graphs' topics
  std::vector<std::string> sets;
  double for_seconds = 0;
  std::vector<std::string> show;  // topics whose records are printed
  bool quiet = false;
};

// The exit code, as `rivulet run` returns it; throws UserError like it.
int run_locally(const LocalRun& request);

}  // namespace rivulet::cli
