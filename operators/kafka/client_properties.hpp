#pragma once
// Which librdkafka properties a graph may pass through a Kafka node's `properties` parameter.
// A graph is untrusted input (it travels to nodes over the network), and some librdkafka
// settings load code or run commands (plugin.library.paths, ssl.engine.location, ssl.providers,
// sasl.kerberos.kinit.cmd). So the pass-through is an allow-list of client settings, declared in
// the catalog (ParameterSpec::allowed_keys / path_keys) so that `rivulet graph validate`, the
// editor and a node all refuse the same items, and enforced again when the client is built.
//
// Settings that name a file (certificates, keys, keytabs) are allowed as paths relative to a
// credentials directory the node (or `rivulet run`) configures; nothing outside it is read.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rivulet::operators::kafka {

enum class ClientRole { Consumer, Producer };

// Plain client settings a graph may set for this kind of client (not the ones Rivulet manages,
// which each operator refuses with its own message).
const std::vector<std::string>& allowed_client_properties(ClientRole role);

// Settings whose value is a file: relative to the credentials directory.
const std::vector<std::string>& credential_file_properties();

// Why a property is never allowed, for the ones that load code or run commands; nullopt for
// anything else.
std::optional<std::string> refusal_reason(std::string_view key);

}  // namespace rivulet::operators::kafka
