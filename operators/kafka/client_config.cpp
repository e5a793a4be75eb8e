#include "operators/kafka/client_config.hpp"

#include <algorithm>
#include <filesystem>
#include <system_error>

namespace rivulet::operators::kafka {
namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  return text;
}

graphs::Status set(rd_kafka_conf_t* conf, const std::string& key, const std::string& value) {
  char errstr[512];
  if (rd_kafka_conf_set(conf, key.c_str(), value.c_str(), errstr, sizeof errstr) !=
      RD_KAFKA_CONF_OK) {
    return graphs::Error{errstr};
  }
  return graphs::Ok{};
}

bool contains(const std::vector<std::string>& list, std::string_view key) {
  return std::find(list.begin(), list.end(), key) != list.end();
}

// A file setting's value, relative to the credentials directory, as the absolute path inside
// it; refused when it is absolute, climbs with "..", or leaves the directory through a symlink.
graphs::Result<std::string> credential_path(const std::string& key, const std::string& value,
                                            const std::string& credentials_dir) {
  namespace fs = std::filesystem;
  const fs::path relative(value);
  const std::string what = "properties: '" + key + "' names a file";
  if (value.empty() || relative.is_absolute()) {
    return graphs::Error{what + ": give a path relative to the credentials directory, not '" +
                         value + "'"};
  }
  for (const fs::path& part : relative) {
    if (part == "..") return graphs::Error{what + ": '..' is not allowed in '" + value + "'"};
  }
  if (credentials_dir.empty()) {
    return graphs::Error{what +
                         ", and no credentials directory is configured (rivulet node "
                         "--credentials-dir DIR, rivulet run --credentials-dir DIR)"};
  }
  std::error_code error;
  fs::path base = fs::weakly_canonical(fs::path(credentials_dir), error);
  if (base.filename().empty()) base = base.parent_path();  // "dir/" ends in an empty element
  const fs::path resolved = fs::weakly_canonical(base / relative, error);
  if (error) return graphs::Error{what + ": " + error.message()};
  auto [base_end, resolved_at] =
      std::mismatch(base.begin(), base.end(), resolved.begin(), resolved.end());
  if (base_end != base.end()) {
    return graphs::Error{what + ": '" + value + "' leaves the credentials directory"};
  }
  (void)resolved_at;
  return resolved.string();
}

}  // namespace

graphs::Result<ConfPtr> build_client_config(const ClientSettings& settings) {
  ConfPtr conf(rd_kafka_conf_new());
  for (const auto& [key, value] : settings.managed) {
    if (auto status = set(conf.get(), key, value); !status) return status.error();
  }
  for (const auto& [key, value] : settings.defaults) {
    if (auto status = set(conf.get(), key, value); !status) return status.error();
  }
  for (const std::string& item : settings.properties) {
    const std::size_t equals = item.find('=');
    if (equals == std::string::npos) {
      return graphs::Error{"properties: '" + item + "' is not of the form key=value"};
    }
    const std::string key(trim(std::string_view(item).substr(0, equals)));
    const std::string value(trim(std::string_view(item).substr(equals + 1)));
    if (key.empty()) return graphs::Error{"properties: '" + item + "' has an empty key"};
    const bool reserved = std::any_of(settings.managed.begin(), settings.managed.end(),
                                      [&](const auto& managed) { return managed.first == key; });
    if (reserved) {
      return graphs::Error{"properties: '" + key +
                           "' is managed by Rivulet (set it through the node's parameters)"};
    }
    if (auto reason = refusal_reason(key)) {
      return graphs::Error{"properties: '" + key + "' is not allowed: " + *reason};
    }
    std::string setting = value;
    if (contains(credential_file_properties(), key)) {
      auto path = credential_path(key, value, settings.credentials_dir);
      if (!path) return path.error();
      setting = std::move(*path);
    } else if (!contains(allowed_client_properties(settings.role), key)) {
      return graphs::Error{"properties: '" + key + "' is not an allowed Kafka " +
                           (settings.role == ClientRole::Consumer ? "consumer" : "producer") +
                           " property (see the operator reference for the allowed ones)"};
    }
    if (auto status = set(conf.get(), key, setting); !status) {
      return graphs::Error{"properties: '" + item + "': " + status.error().message};
    }
  }
  // librdkafka runs `kinit` through the shell to refresh Kerberos tickets, with the principal
  // substituted into the command; 0 turns that off (the host keeps its tickets fresh). A build
  // without GSSAPI has no such setting, and then nothing to turn off.
  (void)set(conf.get(), "sasl.kerberos.min.time.before.relogin", "0");
  return conf;
}

graphs::Status check_client_config(const ClientSettings& settings, const ParameterReader& params) {
  auto conf = build_client_config(settings);
  if (conf) return graphs::Ok{};
  const std::string& message = conf.error().message;
  const std::string prefix = "properties: ";
  if (message.rfind(prefix, 0) == 0)
    return params.error("properties", message.substr(prefix.size()));
  return params.error("bootstrap_servers", message);
}

}  // namespace rivulet::operators::kafka
