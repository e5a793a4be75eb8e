#include "runtime/cli/plugin_options.hpp"

#include <CLI/CLI.hpp>

#include "operators/builtin_catalog.hpp"
#include "operators/plugin_loader.hpp"
#include "runtime/cli/command.hpp"

namespace rivulet::cli {

void add_plugin_option(CLI::App& command, std::shared_ptr<std::vector<std::string>> plugins) {
  command.add_option("--plugin", *plugins,
                     "Load operator kinds from a plugin shared library (repeatable)");
}

runtime::OperatorRegistry registry_with_plugins(const std::vector<std::string>& plugins) {
  runtime::OperatorRegistry registry = operators::builtin_registry();
  for (const std::string& plugin : plugins) {
    value_or_throw(operators::load_plugin(plugin, registry), plugin);
  }
  return registry;
}

}  // namespace rivulet::cli
