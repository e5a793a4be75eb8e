// Hostile input against a real listening control server: random bytes, mutated and truncated
// Cap'n Proto RPC frames, frames announcing huge segments, clients that never log in and a
// client speaking a newer protocol. The node must answer real clients throughout and never
// crash or hang. Bounded by count (a fixed seed makes every run the same inputs); sockets have
// timeouts so a hang fails instead of blocking.

#include <arpa/inet.h>
#include <capnp/message.h>
#include <capnp/rpc-twoparty.h>
#include <capnp/rpc.capnp.h>
#include <capnp/serialize.h>
#include <gtest/gtest.h>
#include <kj/async-io.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <mutex>
#include <random>
#include <string>
#include <vector>

#include "client/node_client.hpp"
#include "fake_node_service.hpp"
#include "graphs/control_wire.hpp"
#include "runtime/node/control_server.hpp"

namespace rivulet::runtime::node {
namespace {

using testing::FakeNodeService;

constexpr int kInputs = 3000;

// A blocking TCP socket to the server with send/receive timeouts.
class Socket {
 public:
  explicit Socket(std::uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    timeval timeout{5, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  }
  ~Socket() { ::close(fd_); }
  bool connected() const { return connected_; }
  void send(const std::string& bytes) { ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL); }
  // True when the server closed the connection (EOF or reset) within the receive timeout.
  bool closed_by_server() {
    char buffer[4096];
    for (;;) {
      ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
      if (n == 0) return true;
      if (n < 0) return errno == ECONNRESET;
    }
  }

 private:
  int fd_ = -1;
  bool connected_ = false;
};

std::string bytes_of(capnp::MessageBuilder& message) {
  auto words = capnp::messageToFlatArray(message);
  auto chars = words.asChars();
  return std::string(chars.begin(), chars.size());
}

// A well-formed conversation start: Bootstrap, then a login call on the bootstrap answer.
std::string valid_frames(std::uint32_t client_version) {
  capnp::MallocMessageBuilder bootstrap;
  bootstrap.initRoot<capnp::rpc::Message>().initBootstrap().setQuestionId(0);
  capnp::MallocMessageBuilder login;
  auto call = login.initRoot<capnp::rpc::Message>().initCall();
  call.setQuestionId(1);
  call.initTarget().initPromisedAnswer().setQuestionId(0);
  call.setInterfaceId(capnp::typeId<graphs::wire::Gateway>());
  call.setMethodId(0);
  auto params = call.initParams().getContent().initAs<graphs::wire::Gateway::LoginParams>();
  params.setClientVersion(client_version);
  params.setToken("not the token");
  return bytes_of(bootstrap) + bytes_of(login);
}

// A segment table announcing `words` words in one segment, followed by a little data.
std::string huge_frame(std::uint32_t words) {
  std::string frame(8, '\0');
  std::uint32_t count = 0;  // segment count minus one
  std::memcpy(frame.data(), &count, 4);
  std::memcpy(frame.data() + 4, &words, 4);
  return frame + std::string(64, 'x');
}

class ControlFuzzTest : public ::testing::Test {
 protected:
  void SetUp() override { start(std::chrono::milliseconds(300)); }

  void start(std::chrono::milliseconds login_timeout) {
    server.reset();
    ControlServerConfig config;
    config.listen = "127.0.0.1:0";
    config.token = "token";
    config.max_message_bytes = std::size_t{1} << 20;
    config.login_timeout = login_timeout;
    config.max_connections = 16;
    config.log = [this](const std::string& line) {
      std::lock_guard lock(log_mutex);
      log.push_back(line);
    };
    auto started = ControlServer::start(service, config);
    ASSERT_TRUE(started) << started.error().message;
    server = std::move(started).value();
  }

  // A real client still gets answers.
  void expect_serving() {
    client::ClientConfig config;
    config.address = "127.0.0.1:" + std::to_string(server->port());
    config.token = "token";
    auto client = client::NodeClient::connect(config);
    ASSERT_TRUE(client) << client.error().message;
    auto jobs = (*client)->jobs();
    ASSERT_TRUE(jobs) << jobs.error().message;
  }

  FakeNodeService service;
  bool logged(const std::string& text) {
    std::lock_guard lock(log_mutex);
    for (const auto& line : log) {
      if (line.find(text) != std::string::npos) return true;
    }
    return false;
  }

  std::mutex log_mutex;
  std::vector<std::string> log;
  std::unique_ptr<ControlServer> server;
};

TEST_F(ControlFuzzTest, RandomMutatedTruncatedAndHugeFramesNeverBreakTheNode) {
  std::mt19937 random(20261201);
  const std::string valid = valid_frames(graphs::control::kCurrentControlVersion);
  for (int i = 0; i < kInputs; ++i) {
    std::string input;
    switch (i % 4) {
      case 0: {  // random bytes
        input.resize(random() % 2048);
        for (char& c : input) c = static_cast<char>(random());
        break;
      }
      case 1: {  // valid frames with a few bytes changed
        input = valid;
        int flips = 1 + static_cast<int>(random() % 8);
        for (int f = 0; f < flips; ++f) {
          input[random() % input.size()] = static_cast<char>(random());
        }
        break;
      }
      case 2:  // valid frames cut short
        input = valid.substr(0, random() % valid.size());
        break;
      case 3:  // a segment larger than the limit, or absurdly large
        input = huge_frame(i % 8 == 3 ? 0xFFFFFFFFu : (2u << 20) / 8 + random() % 1000);
        break;
    }
    Socket socket(server->port());
    ASSERT_TRUE(socket.connected()) << "input " << i;
    socket.send(input);
    if (i % 250 == 0) expect_serving();
  }
  expect_serving();
  EXPECT_TRUE(logged("refused a login from 127.0.0.1:")) << "mutated logins reach the gateway";
}

TEST_F(ControlFuzzTest, AFrameOverTheSizeLimitIsRefusedFromItsSegmentTable) {
  // No login timeout to speak of: only the size limit can close these connections.
  start(std::chrono::hours(1));
  for (std::uint32_t words : {(2u << 20) / 8, 0x10000000u, 0xFFFFFFFFu}) {
    Socket socket(server->port());
    ASSERT_TRUE(socket.connected());
    socket.send(huge_frame(words));
    EXPECT_TRUE(socket.closed_by_server()) << words << " words";
  }
  expect_serving();
}

TEST_F(ControlFuzzTest, AClientThatNeverLogsInIsClosedAndDoesNotBlockOthers) {
  Socket slow(server->port());
  ASSERT_TRUE(slow.connected());
  slow.send(valid_frames(1).substr(0, 5));  // half a frame, then silence
  expect_serving();
  EXPECT_TRUE(slow.closed_by_server());
}

TEST_F(ControlFuzzTest, ConnectionsBeyondTheLimitAreRefusedUntilOthersGo) {
  std::vector<std::unique_ptr<Socket>> idle;
  for (int i = 0; i < 16; ++i) idle.push_back(std::make_unique<Socket>(server->port()));
  Socket extra(server->port());
  EXPECT_TRUE(extra.closed_by_server());
  for (auto& s : idle) EXPECT_TRUE(s->closed_by_server());  // login timeout
  idle.clear();
  expect_serving();
}

TEST_F(ControlFuzzTest, ANewerClientIsRefusedNamingBothVersions) {
  auto io = kj::setupAsyncIo();
  auto address =
      io.provider->getNetwork().parseAddress("127.0.0.1", server->port()).wait(io.waitScope);
  auto stream = address->connect().wait(io.waitScope);
  capnp::TwoPartyClient rpc(*stream);
  auto gateway = rpc.bootstrap().castAs<graphs::wire::Gateway>();
  auto request = gateway.loginRequest();
  request.setClientVersion(graphs::control::kCurrentControlVersion + 1);
  request.setToken("token");
  auto response = request.send().wait(io.waitScope);
  std::string error = response.getError().cStr();
  EXPECT_NE(error.find("version " + std::to_string(graphs::control::kCurrentControlVersion + 1)),
            std::string::npos)
      << error;
  EXPECT_NE(error.find("(" + std::to_string(graphs::control::kCurrentControlVersion) + ")"),
            std::string::npos)
      << error;
  EXPECT_EQ(response.getServerVersion(), graphs::control::kCurrentControlVersion);
}

}  // namespace
}  // namespace rivulet::runtime::node
