#pragma once
// The public interface of a Rivulet operator plugin: a shared library that registers operator
// kinds (spec + factory) into the registry the CLI builds jobs from, loaded by
// plugin_loader.hpp (`rivulet run --plugin LIB`, `rivulet catalog export --plugin LIB`).
//
// A plugin is C++ against Rivulet's own headers (OperatorSpec, runtime::Operator,
// RecordBatch, BatchBuilder) and calls into the host for their non-inline functions, so it must
// be built with the same compiler and against the same Rivulet version. The API version below
// makes a mismatch an error message instead of a crash; it changes whenever any type a plugin
// sees changes layout or meaning.
//
// A plugin defines one function `graphs::Status register_my_operators(runtime::OperatorRegistry&)` and
//   RIVULET_DEFINE_PLUGIN(register_my_operators)
// which exports the two C-linkage entry points below. See examples/plugins/sample/.

#include <cstdint>

#include "graphs/result.hpp"
#include "runtime/operator_registry.hpp"

#define RIVULET_PLUGIN_API_VERSION 1

namespace rivulet::runtime {

inline constexpr std::uint32_t kPluginApiVersion = RIVULET_PLUGIN_API_VERSION;

// The exported symbols, looked up by name with dlsym.
inline constexpr const char* kPluginVersionSymbol = "rivulet_plugin_api_version";
inline constexpr const char* kPluginEntrySymbol = "rivulet_register_operators";

// Return codes of the entry point.
enum PluginStatus : int {
  kPluginOk = 0,
  kPluginRegistrationFailed = 1,  // the plugin's registration function returned an Error
  kPluginVersionMismatch = 2,     // the host's API version is not the plugin's
  kPluginException = 3,           // registration threw
};

}  // namespace rivulet::runtime

extern "C" {
// Which plugin API the library was built against (checked before anything else is called).
using RivuletPluginVersionFn = std::uint32_t (*)();
// Registers the plugin's kinds; `api_version` is the host's. Returns a PluginStatus.
using RivuletRegisterOperatorsFn = int (*)(rivulet::runtime::OperatorRegistry* registry,
                                           std::uint32_t api_version);
}

// Exceptions must not cross the C boundary: they become kPluginException.
#define RIVULET_DEFINE_PLUGIN(register_function)                                                  \
  extern "C" __attribute__((visibility("default"))) std::uint32_t rivulet_plugin_api_version() {  \
    return RIVULET_PLUGIN_API_VERSION;                                                            \
  }                                                                                               \
  extern "C" __attribute__((visibility("default"))) int rivulet_register_operators(               \
      ::rivulet::runtime::OperatorRegistry* registry, std::uint32_t api_version) {              \
    if (api_version != RIVULET_PLUGIN_API_VERSION || registry == nullptr) {                       \
      return ::rivulet::runtime::kPluginVersionMismatch;                                        \
    }                                                                                             \
    try {                                                                                         \
      return register_function(*registry).ok() ? ::rivulet::runtime::kPluginOk                  \
                                               : ::rivulet::runtime::kPluginRegistrationFailed; \
    } catch (...) {                                                                               \
      return ::rivulet::runtime::kPluginException;                                              \
    }                                                                                             \
  }
