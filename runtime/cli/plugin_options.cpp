#include "runtime/cli/plugin_options.hpp"

#include <CLI/CLI.hpp>

#include "runtime/builtin_operators.hpp"
#include "runtime/cli/command.hpp"
#include "runtime/plugin_loader.hpp"

namespace rivulet::cli {

void add_plugin_option(CLI::App& command, std::shared_ptr<std::vector<std::string>> plugins) {
  command.add_option(
      "--plugin", *plugins,
      "Load operator kinds from the plugin shared library at this path (repeatable; a bare "
      "name is a file in the working directory, never searched on the library path). "
      "The library is trusted code: it runs in this process with your rights");
}

runtime::OperatorRegistry registry_with_plugins(const std::vector<std::string>& plugins) {
  runtime::OperatorRegistry registry = runtime::builtin_operators();
  for (const std::string& plugin : plugins) {
    value_or_throw(runtime::load_plugin(plugin, registry), plugin);
  }
  return registry;
}

}  // namespace rivulet::cli
