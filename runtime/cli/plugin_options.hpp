#pragma once
// `--plugin LIB` (repeatable) for every command that needs the operator registry: the built-in
// operators plus those of each plugin, loaded in the order given.

#include <memory>
#include <string>
#include <vector>

#include "runtime/operator_registry.hpp"

namespace CLI {
class App;
}

namespace rivulet::cli {

// Adds the repeatable --plugin option to `command`; the paths land in `*plugins`.
void add_plugin_option(CLI::App& command, std::shared_ptr<std::vector<std::string>> plugins);

// runtime::builtin_operators() plus every plugin; a plugin that fails to load is a UserError.
runtime::OperatorRegistry registry_with_plugins(const std::vector<std::string>& plugins);

}  // namespace rivulet::cli
