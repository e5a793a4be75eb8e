// A shared library that is not a Rivulet plugin (it lacks the registration entry point).
#include <cstdint>

extern "C" __attribute__((visibility("default"))) std::uint32_t rivulet_plugin_api_version() {
  return 1;
}
