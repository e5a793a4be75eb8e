#pragma once
// Loads operator plugins (plugin_api.hpp) with dlopen and adds their kinds to a registry.
//
// A plugin is trusted code: loading it runs its static initialisers and registration function
// in this process with this process's rights, before any check of what it registers. Load only
// libraries you would run as a program (the node loads them only from its --plugin-dir).
// `path` is a file path (relative to the working directory or absolute), never a name looked
// up on the system's library path.
//
// All or nothing: the plugin registers into a scratch registry first; its kinds are added only
// when none of them is already registered. Plugins stay loaded until the process exits — the
// factories and every operator they create run the plugin's code, and a job may outlive any
// handle we could hand out.

#include <string>
#include <vector>

#include "graphs/result.hpp"
#include "runtime/operator_registry.hpp"

namespace rivulet::runtime {

// Loads the shared library at `path` and registers its operator kinds into `registry`.
// Returns the kinds added, in the plugin's registration order. Errors name the library and say
// what to do (rebuild for another API version, not a plugin, a kind clash).
[[nodiscard]] graphs::Result<std::vector<std::string>> load_plugin(
    const std::string& path, runtime::OperatorRegistry& registry);

}  // namespace rivulet::runtime
