// `rivulet broker`: runs the embedded Kafka broker until SIGINT or SIGTERM.

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "runtime/cli/command.hpp"
#include "runtime/embedded_broker.hpp"

namespace rivulet::cli {
namespace {

struct BrokerArguments {
  int port = 0;
  int brokers = 1;
  std::vector<std::string> topics;
};

int run_broker(const BrokerArguments& args) {
  runtime::BrokerOptions options;
  options.port = static_cast<std::uint16_t>(args.port);
  options.brokers = args.brokers;
  for (const std::string& spec : args.topics) {
    options.topics.push_back(value_or_throw(runtime::parse_topic_spec(spec), ""));
  }

  // Block the stop signals before librdkafka starts its threads: threads inherit the mask, so
  // SIGINT/SIGTERM stay pending for sigwait() below instead of being delivered to (and killing
  // the process from) an arbitrary thread. No signal handler, so nothing runs in signal context.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  auto broker = value_or_throw(runtime::EmbeddedBroker::start(options), "");

  // The one line scripts and tests parse; flushed now because stdout is usually a pipe.
  std::cout << "bootstrap.servers=" << broker->bootstrap_servers() << std::endl;
  if (::isatty(STDERR_FILENO)) {
    std::cerr << "rivulet: embedded broker running (" << options.brokers
              << (options.brokers == 1 ? " broker" : " brokers") << "); Ctrl-C stops it"
              << std::endl;
  }

  int received = 0;
  while (sigwait(&stop_signals, &received) != 0) {
  }
  broker->stop();
  return 0;
}

void add_broker_command(CLI::App& app, Invocation& invocation) {
  CLI::App* broker = app.add_subcommand(
      "broker", "Run an in-memory Kafka broker on loopback (librdkafka's mock cluster)");
  broker->footer(
      "Prints 'bootstrap.servers=127.0.0.1:PORT[,...]' on stdout once ready and runs until "
      "SIGINT or SIGTERM. Data lives in memory only.");
  auto args = std::make_shared<BrokerArguments>();
  broker
      ->add_option("--port", args->port,
                   "Fixed bootstrap port on 127.0.0.1, forwarded to the mock brokers "
                   "(default 0: the brokers' own ephemeral ports)")
      ->check(CLI::Range(0, 65535));
  broker->add_option("--brokers", args->brokers, "Number of brokers (ids 1..N)")
      ->check(CLI::Range(1, runtime::kMaxBrokers));
  broker->add_option("--topic", args->topics,
                     "Create topic NAME with PARTITIONS partitions (NAME:PARTITIONS; repeatable; "
                     "other topics are auto-created with 4 partitions)");
  on_selected(broker, invocation, [args] { return run_broker(*args); });
}

const CommandRegistration registration{"broker", &add_broker_command};

}  // namespace
}  // namespace rivulet::cli
