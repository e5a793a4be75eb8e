#include "operators/kafka/client_config.hpp"

#include <algorithm>

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
    if (auto status = set(conf.get(), key, value); !status) {
      return graphs::Error{"properties: '" + item + "': " + status.error().message};
    }
  }
  return conf;
}

graphs::Status check_client_config(const ClientSettings& settings, const ParameterReader& params) {
  auto conf = build_client_config(settings);
  if (conf) return graphs::Ok{};
  const std::string& message = conf.error().message;
  const std::string prefix = "properties: ";
  if (message.rfind(prefix, 0) == 0) return params.error("properties", message.substr(prefix.size()));
  return params.error("bootstrap_servers", message);
}

}  // namespace rivulet::operators::kafka
