#include "runtime/cli/node_options.hpp"

#include <fmt/format.h>

#include <cstdlib>
#include <ctime>

#include "graphs/control_token.hpp"
#include "runtime/cli/command.hpp"

namespace rivulet::cli {

void add_node_options(CLI::App* command, NodeOptions& options) {
  command->add_option("--node", options.node,
                      "Node address HOST:PORT (default: $RIVULET_NODE, then 127.0.0.1:7400)");
  command->add_option("--token-file", options.token_file,
                      "File holding the node's token (needed when the node has one)");
  command->add_flag("--json", options.json, "Print JSON for scripts instead of a table");
}

std::unique_ptr<client::NodeClient> connect_to_node(const NodeOptions& options) {
  client::ClientConfig config;
  if (!options.node.empty()) {
    config.address = options.node;
  } else if (const char* env = std::getenv("RIVULET_NODE"); env != nullptr && *env != '\0') {
    config.address = env;
  }
  if (!options.token_file.empty()) {
    config.token = value_or_throw(graphs::control::read_token_file(options.token_file), "");
  }
  return value_or_throw(client::NodeClient::connect(config), "");
}

std::string json_string(const std::string& text) {
  std::string out = "\"";
  for (unsigned char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          out += fmt::format("\\u{:04x}", c);
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

std::string format_wall_time(std::int64_t ms) {
  if (ms == 0) return "-";
  std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

}  // namespace rivulet::cli
