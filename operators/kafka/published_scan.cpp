#include "operators/kafka/published_scan.hpp"

#include <librdkafka/rdkafka.h>

#include <charconv>
#include <set>
#include <string_view>

#include "operators/kafka/client_config.hpp"
#include "operators/kafka/client_errors.hpp"
#include "operators/kafka/rdkafka_handles.hpp"

namespace rivulet::operators::kafka {
namespace {

std::string_view header(rd_kafka_headers_t* headers, const char* name) {
  const void* value = nullptr;
  std::size_t size = 0;
  if (headers == nullptr ||
      rd_kafka_header_get_last(headers, name, &value, &size) != RD_KAFKA_RESP_ERR_NO_ERROR ||
      value == nullptr) {
    return {};
  }
  return {static_cast<const char*>(value), size};
}

// Closes and destroys the consumer on every path.
struct ConsumerCloser {
  void operator()(rd_kafka_t* consumer) const { close_consumer(consumer); }
};

}  // namespace

graphs::Result<PublishedCounts> count_published(const PublishedScanRequest& request) {
  PublishedCounts counts;
  if (request.scan_from.empty()) return counts;
  ClientSettings settings;
  settings.managed = {
      {"bootstrap.servers", request.bootstrap_servers},
      {"group.id", request.sink_id + ".scan"},  // assign() only: nothing is committed
      {"enable.auto.commit", "false"},
      {"isolation.level", "read_committed"},
      {"enable.partition.eof", "true"},
      {"auto.offset.reset", "earliest"},
      // The scan reads to the partition ends and stops: librdkafka's default 500 ms fetch wait
      // would be spent on every empty fetch at the end (about 0.5 s of each exactly-once
      // recovery, docs/benchmarks.md "Runtime node").
      {"fetch.wait.max.ms", "10"},
  };
  settings.credentials_dir = request.credentials_dir;
  // Connection and security settings apply to this consumer too; the rest of the sink's
  // properties are producer settings librdkafka would warn about.
  for (const std::string& item : request.properties) {
    static constexpr std::string_view kShared[] = {
        "security.",  "sasl.",     "ssl.", "socket.", "client.", "broker.",
        "reconnect.", "metadata.", "api.", "debug",   "log"};
    std::string_view key = std::string_view(item).substr(0, item.find('='));
    while (!key.empty() && key.front() == ' ') key.remove_prefix(1);
    for (std::string_view prefix : kShared) {
      if (key.starts_with(prefix)) {
        settings.properties.push_back(item);
        break;
      }
    }
  }
  auto conf = build_client_config(settings);
  if (!conf) return graphs::Error{"scan of '" + request.topic + "': " + conf.error().message};
  char errstr[512];
  rd_kafka_t* raw = rd_kafka_new(RD_KAFKA_CONSUMER, conf->get(), errstr, sizeof errstr);
  if (raw == nullptr) return graphs::Error{"scan of '" + request.topic + "': " + errstr};
  (void)conf->release();
  std::unique_ptr<rd_kafka_t, ConsumerCloser> consumer(raw);

  PartitionListPtr partitions(
      rd_kafka_topic_partition_list_new(static_cast<int>(request.scan_from.size())));
  std::set<std::int32_t> remaining;
  for (std::size_t p = 0; p < request.scan_from.size(); ++p) {
    const auto partition = static_cast<std::int32_t>(p);
    rd_kafka_topic_partition_list_add(partitions.get(), request.topic.c_str(), partition)->offset =
        request.scan_from[p] >= 0 ? request.scan_from[p] : RD_KAFKA_OFFSET_BEGINNING;
    remaining.insert(partition);
  }
  if (auto err = rd_kafka_assign(consumer.get(), partitions.get())) {
    return graphs::Error{"scan of '" + request.topic + "': assign: " + rd_kafka_err2str(err)};
  }
  const auto deadline = std::chrono::steady_clock::now() + request.timeout;
  while (!remaining.empty()) {
    if (std::chrono::steady_clock::now() > deadline) {
      return graphs::Error{"scan of '" + request.topic + "': did not reach the end of " +
                           std::to_string(remaining.size()) + " partition(s) within " +
                           std::to_string(request.timeout.count()) + " ms"};
    }
    MessagePtr message(rd_kafka_consumer_poll(consumer.get(), 200));
    if (!message) continue;
    if (message->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
      remaining.erase(message->partition);
      continue;
    }
    if (message->err) {
      if (is_permanent(message->err)) {
        return graphs::Error{"scan of '" + request.topic + "': " + rd_kafka_err2str(message->err)};
      }
      continue;  // transient: librdkafka retries
    }
    rd_kafka_headers_t* headers = nullptr;
    if (rd_kafka_message_headers(message.get(), &headers) != RD_KAFKA_RESP_ERR_NO_ERROR) continue;
    if (header(headers, kSinkHeader) != request.sink_id) continue;
    const std::string_view epoch_text = header(headers, kEpochHeader);
    std::uint64_t epoch = 0;
    const auto parsed =
        std::from_chars(epoch_text.data(), epoch_text.data() + epoch_text.size(), epoch);
    if (parsed.ec != std::errc{} || parsed.ptr != epoch_text.data() + epoch_text.size()) continue;
    ++counts[{epoch, message->partition}];
  }
  return counts;
}

}  // namespace rivulet::operators::kafka
