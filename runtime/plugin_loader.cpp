#include "runtime/plugin_loader.hpp"

#include <dlfcn.h>

#include <filesystem>
#include <system_error>

#include "runtime/plugin_api.hpp"

namespace rivulet::runtime {
namespace {

graphs::Error plugin_error(const std::string& path, const std::string& message) {
  return graphs::Error{"plugin '" + path + "': " + message};
}

}  // namespace

graphs::Result<std::vector<std::string>> load_plugin(const std::string& path,
                                                     runtime::OperatorRegistry& registry) {
  // dlopen searches LD_LIBRARY_PATH and the system's library directories for a name without a
  // '/': "--plugin libfoo.so" could load some other library than the file the user pointed at.
  // An absolute path is only ever that file.
  std::error_code ec;
  const std::filesystem::path resolved = std::filesystem::absolute(path, ec);
  if (ec || path.empty()) return plugin_error(path, "cannot load: not a valid path");
  // RTLD_NOW: an unresolved symbol (a plugin built against another Rivulet) fails here with
  // its name, not later in the middle of a job. RTLD_LOCAL: plugins cannot clash with each other.
  void* handle = ::dlopen(resolved.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* reason = ::dlerror();
    return plugin_error(path, std::string("cannot load: ") + (reason ? reason : "unknown error"));
  }
  auto version = reinterpret_cast<RivuletPluginVersionFn>(::dlsym(handle, kPluginVersionSymbol));
  auto entry = reinterpret_cast<RivuletRegisterOperatorsFn>(::dlsym(handle, kPluginEntrySymbol));
  if (version == nullptr || entry == nullptr) {
    ::dlclose(handle);  // nothing of it ran: safe to unload
    return plugin_error(path, std::string("not a Rivulet operator plugin: it does not export ") +
                                  (version == nullptr ? kPluginVersionSymbol : kPluginEntrySymbol) +
                                  " (define it with RIVULET_DEFINE_PLUGIN from "
                                  "runtime/plugin_api.hpp)");
  }
  const std::uint32_t plugin_version = version();
  if (plugin_version != kPluginApiVersion) {
    ::dlclose(handle);
    return plugin_error(path, "built for plugin API version " + std::to_string(plugin_version) +
                                  ", this Rivulet provides version " +
                                  std::to_string(kPluginApiVersion) +
                                  "; rebuild the plugin against this Rivulet's headers");
  }

  runtime::OperatorRegistry scratch;
  const int status = entry(&scratch, kPluginApiVersion);
  if (status != kPluginOk) {
    // Its code ran and may have left state behind (static objects): keep it loaded.
    std::string why = "its registration returned " + std::to_string(status);
    if (status == kPluginRegistrationFailed) why = "its registration function failed";
    if (status == kPluginException) why = "its registration function threw an exception";
    if (status == kPluginVersionMismatch) {
      why = "it refused plugin API version " + std::to_string(kPluginApiVersion);
    }
    return plugin_error(path, why);
  }
  graphs::Catalog added = scratch.catalog();
  if (added.operators.empty()) return plugin_error(path, "it registers no operator kinds");
  for (const graphs::OperatorSpec& spec : added.operators) {
    if (registry.find(spec.kind) != nullptr) {
      return plugin_error(path, "operator kind '" + spec.kind + "' is already registered");
    }
  }
  std::vector<std::string> kinds;
  for (graphs::OperatorSpec& spec : added.operators) {
    const runtime::OperatorFactory* factory = scratch.factory(spec.kind);
    std::string kind = spec.kind;
    graphs::Status ok =
        registry.add(std::move(spec), factory ? *factory : runtime::OperatorFactory{});
    if (!ok) return plugin_error(path, ok.error().message);
    kinds.push_back(std::move(kind));
  }
  return kinds;
}

}  // namespace rivulet::runtime
