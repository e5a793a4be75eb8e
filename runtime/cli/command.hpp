#pragma once
// Shared plumbing for the `rivulet` command line. Each command group lives in its own file and
// registers itself with a static CommandRegistration, so adding a command (e.g. `rivulet run`)
// means adding one .cpp file to runtime/cli/ and nothing else.

#include <CLI/CLI.hpp>

#include <functional>
#include <stdexcept>
#include <string>
#include <utility>

#include "graphs/result.hpp"

#ifndef RIVULET_VERSION
#define RIVULET_VERSION "unknown"  // set from project(VERSION) by runtime/CMakeLists.txt
#endif

namespace rivulet::cli {

// A failure the user can act on (bad file, bad argument, invalid graph). main() prints
// "rivulet: error: <what>" on one line and exits 1.
class UserError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// What the command line asked for. A command's CLI11 callback stores its action here; main()
// runs it after parsing succeeded, so that parsing and doing stay separate. Returns the exit code.
struct Invocation {
  std::function<int()> action;
};

// Adds one top-level command (with its subcommands) to the application.
using AddCommand = void (*)(CLI::App& app, Invocation& invocation);

// Declare one at namespace scope in the command's file:
//   const rivulet::cli::CommandRegistration registration{"graph", &add_graph_commands};
// Commands appear in `rivulet --help` in alphabetical order.
struct CommandRegistration {
  CommandRegistration(const char* name, AddCommand add);
};

// Makes `command` (a leaf) run `action` when it is the one selected on the command line.
inline void on_selected(CLI::App* command, Invocation& invocation, std::function<int()> action) {
  command->callback([&invocation, action = std::move(action)] { invocation.action = action; });
}

// The value of a Result, or a UserError carrying its message, prefixed with `context` (usually
// the file name) unless the message already mentions it.
template <class T>
T value_or_throw(graphs::Result<T> result, const std::string& context) {
  if (result) return std::move(result).value();
  const std::string& message = result.error().message;
  if (context.empty() || message.find(context) != std::string::npos) throw UserError(message);
  throw UserError(context + ": " + message);
}

}  // namespace rivulet::cli
