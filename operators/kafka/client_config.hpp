#pragma once
// librdkafka configuration from a node's parameters: the settings Rivulet manages, then the
// user's passthrough `properties` ("key=value"). A property Rivulet manages is refused rather
// than silently overridden (the spec says so); a property outside the allow-list
// (client_properties.hpp) is refused, so a graph never loads code or runs a command; a file
// setting is resolved inside the credentials directory; and librdkafka's own message for a bad
// value is reported with the item that caused it.

#include <string>
#include <utility>
#include <vector>

#include "graphs/result.hpp"
#include "operators/kafka/client_properties.hpp"
#include "operators/kafka/rdkafka_handles.hpp"
#include "operators/parameter_reader.hpp"

namespace rivulet::operators::kafka {

struct ClientSettings {
  // Set first, in order; `managed` keys may not appear in `properties`.
  std::vector<std::pair<std::string, std::string>> managed;
  // Rivulet's defaults that users may override through `properties` (e.g. linger.ms).
  std::vector<std::pair<std::string, std::string>> defaults;
  std::vector<std::string> properties;     // "key=value" items from the node
  ClientRole role = ClientRole::Consumer;  // which allow-list applies
  // Where file settings (ssl.ca.location, ...) are read from; empty: none may be set.
  std::string credentials_dir;
};

// Errors read "properties: ..." so the factory can prefix the node and parameter.
graphs::Result<ConfPtr> build_client_config(const ClientSettings& settings);

// Factory-time check: builds the configuration once and reports a problem against the parameter
// that caused it ("properties" for a passthrough item, else "bootstrap_servers").
graphs::Status check_client_config(const ClientSettings& settings, const ParameterReader& params);

}  // namespace rivulet::operators::kafka
