#pragma once
// Loads operator plugins (plugin_api.hpp) with dlopen and adds their kinds to a registry.
//
// All or nothing: the plugin registers into a scratch registry first; its kinds are added only
// when none of them is already registered. Plugins stay loaded until the process exits — the
// factories and every operator they create run the plugin's code, and a job may outlive any
// handle we could hand out.

#include <string>
#include <vector>

#include "graphs/result.hpp"
#include "runtime/operator_registry.hpp"

namespace rivulet::operators {

// Loads the shared library at `path` and registers its operator kinds into `registry`.
// Returns the kinds added, in the plugin's registration order. Errors name the library and say
// what to do (rebuild for another API version, not a plugin, a kind clash).
graphs::Result<std::vector<std::string>> load_plugin(const std::string& path,
                                                     runtime::OperatorRegistry& registry);

}  // namespace rivulet::operators
