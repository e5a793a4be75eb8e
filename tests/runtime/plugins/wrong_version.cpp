// A plugin built for a future plugin API: the loader must refuse it before calling it.
#include <cstdint>

extern "C" __attribute__((visibility("default"))) std::uint32_t rivulet_plugin_api_version() {
  return 999;
}
extern "C" __attribute__((visibility("default"))) int rivulet_register_operators(void*,
                                                                                 std::uint32_t) {
  return 0;
}
