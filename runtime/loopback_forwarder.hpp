#pragma once
// A minimal loopback TCP relay used by EmbeddedBroker to offer a fixed port in front of
// librdkafka's mock brokers, whose ports are always ephemeral. One thread, poll(2), byte-for-byte
// relay; it understands nothing of the Kafka protocol.

#include <cstdint>
#include <memory>
#include <thread>
#include <vector>

#include "graphs/result.hpp"

namespace rivulet::runtime {

class LoopbackForwarder {
 public:
  // Listens on 127.0.0.1:port (0 = any free port). Each accepted connection is relayed to the
  // first of `targets` (loopback ports, tried in order) that accepts a connection, so that a
  // broker set down by a fault test does not make the fixed port useless.
  static graphs::Result<std::unique_ptr<LoopbackForwarder>> start(
      std::uint16_t port, std::vector<std::uint16_t> targets);

  ~LoopbackForwarder();
  LoopbackForwarder(const LoopbackForwarder&) = delete;
  LoopbackForwarder& operator=(const LoopbackForwarder&) = delete;

  std::uint16_t port() const { return port_; }

  // Closes the listener and every relayed connection, joins the thread; idempotent.
  void stop();

 private:
  LoopbackForwarder(int listen_fd, std::uint16_t port, int wake_read, int wake_write,
                    std::vector<std::uint16_t> targets);
  void run();
  int connect_upstream() const;

  int listen_fd_;
  std::uint16_t port_;
  int wake_read_;   // self-pipe: stop() writes a byte so that poll() returns
  int wake_write_;
  std::vector<std::uint16_t> targets_;
  std::thread thread_;
};

}  // namespace rivulet::runtime
