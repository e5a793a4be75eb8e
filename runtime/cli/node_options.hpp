#pragma once
// What every command that talks to a running node shares: --node (default $RIVULET_NODE, then
// 127.0.0.1:7400), --token-file and --json, the connection itself, and JSON text helpers.

#include <CLI/CLI.hpp>
#include <memory>
#include <string>

#include "client/node_client.hpp"

namespace rivulet::cli {

struct NodeOptions {
  std::string node;
  std::string token_file;
  bool json = false;
};

// Adds --node, --token-file and --json to `command`.
void add_node_options(CLI::App* command, NodeOptions& options);

// Connected and logged in, or a UserError naming the node.
std::unique_ptr<client::NodeClient> connect_to_node(const NodeOptions& options);

// A JSON string literal (quoted, escaped).
std::string json_string(const std::string& text);
// UTC "2026-12-01T21:41:39Z"; "-" for 0.
std::string format_wall_time(std::int64_t ms);

}  // namespace rivulet::cli
