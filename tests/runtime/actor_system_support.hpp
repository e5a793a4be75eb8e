#pragma once
// One actor-system configuration for the runtime's actor tests: a few scheduler threads are
// enough on a 2-core machine and keep tests that block a worker (slow sinks) from starving.

#include <caf/actor_system_config.hpp>

namespace rivulet::runtime::testing {

inline caf::actor_system_config& test_actor_config() {
  static caf::actor_system_config cfg = [] {
    caf::actor_system_config c;
    c.set("scheduler.max-threads", 3);
    return c;
  }();
  return cfg;
}

}  // namespace rivulet::runtime::testing
