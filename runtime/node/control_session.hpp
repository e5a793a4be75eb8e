#pragma once
// One logged-in client's view of the node: graphs/control.capnp's RuntimeNode interface,
// translated into NodeService calls on the server's call pools. Internal to control_server.

#include <kj/timer.h>

#include <cstdint>

#include "graphs/control.capnp.h"
#include "runtime/node/call_pool.hpp"
#include "runtime/node/node_service.hpp"

namespace rivulet::runtime::node {

// Everything a session needs from its server; owned by the server, used on its loop thread.
struct SessionContext {
  NodeService& service;
  CallPool& queries;     // quick reads: info, jobs, status, catalog, metrics, events
  CallPool& operations;  // calls that may block: deploy, stop, cancel, savepoint, preview
  kj::Timer& timer;
  std::uint64_t next_sampler_id = 1;
};

// The capability handed out by a successful login.
graphs::wire::RuntimeNode::Client make_session(SessionContext& context);

}  // namespace rivulet::runtime::node
