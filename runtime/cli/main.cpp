// `rivulet`: entry point. Builds the CLI11 application from the registered commands, maps every
// outcome to the exit-code convention (0 success, 1 user error with one line on stderr) and makes
// sure no exception escapes.

#include <algorithm>
#include <cctype>
#include <csignal>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "graphs/printable.hpp"
#include "runtime/cli/command.hpp"

namespace rivulet::cli {
namespace {

struct Registered {
  std::string name;
  AddCommand add;
};

// A function-local static, so registrations from other files' static initialisers never see it
// uninitialised.
std::vector<Registered>& registry() {
  static std::vector<Registered> commands;
  return commands;
}

// Error text must stay on one line so scripts can rely on it; other control characters (from a
// graph file's ids or names) are escaped so they cannot recolour the terminal.
std::string one_line(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  std::string out;
  for (char c : text) {
    if (c == '\n') {
      out += "; ";
    } else if (c != '\r') {
      out += c;
    }
  }
  return graphs::printable(out);
}

void print_error(const std::string& message) {
  std::cerr << "rivulet: error: " << one_line(message) << std::endl;
}

// The most deeply selected command ("validate" in `rivulet graph validate ...`).
const CLI::App& selected_command(const CLI::App& app) {
  const CLI::App* current = &app;
  while (!current->get_subcommands().empty()) current = current->get_subcommands().front();
  return *current;
}

// "rivulet graph validate", to point at the right --help.
std::string selected_command_path(const CLI::App& app) {
  std::string path = app.get_name();
  const CLI::App* current = &app;
  while (!current->get_subcommands().empty()) {
    current = current->get_subcommands().front();
    path += " " + current->get_name();
  }
  return path;
}

// CLI11's wording, except that words CLI11 could not place are named as an unknown command or
// option (CLI11 would complain about a missing subcommand instead).
std::string describe(const CLI::ParseError& error, const CLI::App& app) {
  auto leftovers = app.remaining(true);
  bool misplaced = dynamic_cast<const CLI::ExtrasError*>(&error) != nullptr ||
                   dynamic_cast<const CLI::RequiredError*>(&error) != nullptr;
  if (misplaced && !leftovers.empty() && !leftovers.front().empty()) {
    const std::string& word = leftovers.front();
    if (word.front() == '-') return "unknown option '" + word + "'";
    // A command without subcommands got one argument too many.
    if (selected_command(app).get_subcommands({}).empty()) {
      return "unexpected argument '" + word + "'";
    }
    std::string path = selected_command_path(app);
    std::string under = path == app.get_name() ? "" : path.substr(app.get_name().size() + 1) + " ";
    return "unknown command '" + under + word + "'";
  }
  std::string message = error.what();
  // "Could not convert ..." → "could not convert ...", but leave "FILE is required" alone.
  if (message.size() > 1 && std::isupper(static_cast<unsigned char>(message[0])) &&
      std::islower(static_cast<unsigned char>(message[1]))) {
    message[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(message[0])));
  }
  return message;
}

int run(int argc, char** argv) {
  CLI::App app{"Rivulet: build, check and run stream-processing graphs.", "rivulet"};
  app.set_version_flag("--version", "rivulet " RIVULET_VERSION, "Print the version and exit");
  app.require_subcommand(1);
  app.footer("Run 'rivulet <command> --help' for the options of a command.");

  Invocation invocation;
  auto commands = registry();
  std::sort(commands.begin(), commands.end(),
            [](const Registered& a, const Registered& b) { return a.name < b.name; });
  for (const Registered& command : commands) command.add(app, invocation);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    if (error.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) {
      app.exit(error);  // --help or --version: prints to stdout
      return 0;
    }
    print_error(describe(error, app) + " (see '" + selected_command_path(app) + " --help')");
    return 1;
  }
  return invocation.action ? invocation.action() : 0;
}

}  // namespace

CommandRegistration::CommandRegistration(const char* name, AddCommand add) {
  registry().push_back({name, add});
}

}  // namespace rivulet::cli

int main(int argc, char** argv) {
  using rivulet::cli::print_error;
  // A closed pipe on stdout (`rivulet run ... | head`) makes writes fail with EPIPE instead of
  // killing the process mid-job: `rivulet run` then stops its job as on Ctrl-C and exits
  // quietly, other commands just end. Sockets (librdkafka, Cap'n Proto) want this too.
  std::signal(SIGPIPE, SIG_IGN);
  try {
    return rivulet::cli::run(argc, argv);
  } catch (const rivulet::cli::UserError& error) {
    print_error(error.what());
  } catch (const std::exception& error) {
    print_error(std::string("internal error: ") + error.what());
  } catch (...) {
    print_error("internal error (unknown exception)");
  }
  return 1;
}
