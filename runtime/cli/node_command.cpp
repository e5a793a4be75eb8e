// `rivulet node`: the long-running runtime node. The job manager (runtime/node/job_manager.hpp)
// runs the deployed jobs and keeps them under --data-dir; the control server
// (runtime/node/control_server.hpp) serves graphs/control.capnp to the CLI and the editor.
// The first SIGINT/SIGTERM stops every running job with a savepoint into the data dir (the next
// start resumes them from it); a second one exits at once.

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <ctime>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "graphs/control_token.hpp"
#include "runtime/cli/command.hpp"
#include "runtime/metrics/prometheus_exporter.hpp"
#include "runtime/node/control_server.hpp"
#include "runtime/node/job_manager.hpp"

namespace rivulet::cli {
namespace {

struct NodeArguments {
  std::string listen = "127.0.0.1:7400";
  std::string data_dir;
  std::string bootstrap;
  std::string token_file;
  std::string plugin_dir;
  std::string file_root;
  std::string credentials_dir;
  std::string metrics_listen;
};

// The host part of HOST:PORT ("[::1]:7400" -> "::1").
std::string host_of(const std::string& listen) {
  const auto colon = listen.rfind(':');
  std::string host = colon == std::string::npos ? listen : listen.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  return host;
}

int run_node(const NodeArguments& args) {
  std::string token;
  if (!args.token_file.empty()) {
    token = value_or_throw(graphs::control::read_token_file(args.token_file), args.token_file);
  } else if (!runtime::node::is_loopback_host(host_of(args.listen))) {
    throw UserError("--listen " + args.listen +
                    " is not a loopback address: a node listening there needs --token-file");
  }

  // Stop signals are taken by sigtimedwait below, never by a handler on a random thread: block
  // them before any thread (CAF, librdkafka, kj) exists, so every thread inherits the mask.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  runtime::node::NodeConfig config;
  config.data_dir = args.data_dir;
  config.bootstrap_servers = args.bootstrap;
  config.plugin_dir = args.plugin_dir;
  config.file_root = args.file_root;
  config.credentials_dir = args.credentials_dir;
  std::unique_ptr<runtime::node::JobManager> jobs =
      value_or_throw(runtime::node::JobManager::open(config), "data dir " + args.data_dir);

  runtime::node::ControlServerConfig server_config;
  server_config.listen = args.listen;
  server_config.token = token;
  server_config.log = [](const std::string& line) {
    std::cerr << "rivulet node: " << line << std::endl;
  };
  std::unique_ptr<runtime::node::ControlServer> server =
      value_or_throw(runtime::node::ControlServer::start(*jobs, server_config), args.listen);

  // Prometheus samples with their own sampler id, so its rates do not disturb subscribers'.
  constexpr std::uint64_t kPrometheusSampler = ~std::uint64_t{0};
  std::unique_ptr<runtime::PrometheusExporter> exporter;
  if (!args.metrics_listen.empty()) {
    runtime::node::JobManager& manager = *jobs;
    exporter = value_or_throw(runtime::PrometheusExporter::start(
                                  args.metrics_listen,
                                  [&manager] {
                                    std::vector<runtime::node::JobMetrics> samples;
                                    for (const runtime::node::JobSummary& job : manager.jobs()) {
                                      auto metrics = manager.metrics(job.id, kPrometheusSampler);
                                      if (metrics) samples.push_back(std::move(*metrics));
                                    }
                                    return samples;
                                  }),
                              "--metrics-listen " + args.metrics_listen);
    std::cerr << "rivulet node: Prometheus metrics on " << host_of(args.metrics_listen) << ':'
              << exporter->port() << "/metrics" << std::endl;
  }

  const runtime::node::NodeInfo info = jobs->info();
  std::cerr << "rivulet node: listening on " << host_of(args.listen) << ':' << server->port()
            << ", data dir " << args.data_dir;
  if (!info.bootstrap_servers.empty()) {
    std::cerr << ", Kafka at " << info.bootstrap_servers
              << (args.bootstrap.empty() ? " (embedded broker)" : "");
  }
  std::cerr << "; Ctrl-C stops with savepoints" << std::endl;

  for (;;) {
    const int signal = sigwaitinfo(&stop_signals, nullptr);
    if (signal == SIGINT || signal == SIGTERM) break;
  }
  std::cerr << "rivulet node: stopping: savepoints of the running jobs into the data dir; "
               "Ctrl-C again exits at once"
            << std::endl;
  // The shutdown blocks (savepoints, bounded by the node's savepoint timeout) beside a watcher
  // for the second signal, which ends the process without waiting.
  std::atomic<bool> done{false};
  std::thread watcher([&stop_signals, &done] {
    while (!done.load()) {
      timespec wait{0, 200'000'000};
      const int signal = sigtimedwait(&stop_signals, nullptr, &wait);
      if (signal == SIGINT || signal == SIGTERM) {
        std::cerr << "rivulet node: exiting without waiting" << std::endl;
        std::_Exit(1);
      }
    }
  });
  server.reset();  // no new calls while the jobs stop
  exporter.reset();
  jobs->shutdown();
  jobs.reset();
  done.store(true);
  watcher.join();
  std::cerr << "rivulet node: stopped" << std::endl;
  return 0;
}

void add_node_command(CLI::App& app, Invocation& invocation) {
  CLI::App* node = app.add_subcommand(
      "node", "Run a runtime node: accepts graphs over the control API and runs them as jobs");
  auto args = std::make_shared<NodeArguments>();
  node->add_option("--listen", args->listen,
                   "HOST:PORT of the control API (default 127.0.0.1:7400; a non-loopback "
                   "address needs --token-file)");
  node->add_option("--data-dir", args->data_dir,
                   "Where the node keeps its jobs, their checkpoints and savepoints; jobs that "
                   "were running resume from here on the next start")
      ->required();
  node->add_option("--bootstrap", args->bootstrap,
                   "Kafka bootstrap servers of the jobs' Kafka nodes (default: host the embedded "
                   "broker, reported by `rivulet status`)");
  node->add_option("--token-file", args->token_file,
                   "File holding the token every client must present (readable by its owner "
                   "only)");
  node->add_option("--plugin-dir", args->plugin_dir,
                   "Load operator plugins from this directory only (the libraries are trusted)");
  node->add_option(
      "--file-root", args->file_root,
      "Directory that file_source / file_sink paths of deployed graphs are confined to "
      "(no '..', absolute or symlink escapes); default: <data-dir>/files");
  node->add_option("--credentials-dir", args->credentials_dir,
                   "Directory that Kafka client settings naming a file (ssl.ca.location, "
                   "ssl.key.location, sasl.kerberos.keytab, ...) in deployed graphs are read "
                   "from, as paths relative to it; default: none (such settings are refused)");
  node->add_option("--metrics-listen", args->metrics_listen,
                   "HOST:PORT to serve Prometheus metrics on (GET /metrics); default: none");
  node->footer(
      "The first Ctrl-C or SIGTERM stops every running job with a savepoint into the data dir "
      "and exits 0; the next start resumes them. A second one exits at once.");
  on_selected(node, invocation, [args] { return run_node(*args); });
}

const CommandRegistration registration{"node", &add_node_command};

}  // namespace
}  // namespace rivulet::cli
