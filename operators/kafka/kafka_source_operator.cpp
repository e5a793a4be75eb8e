#include "operators/kafka/kafka_source_operator.hpp"

#include <algorithm>
#include <cstring>
#include <span>
#include <sstream>

#include "operators/kafka/client_config.hpp"
#include "operators/kafka/dead_letter.hpp"
#include "operators/kafka/partition_assignment.hpp"
#include "operators/kafka/rdkafka_handles.hpp"

namespace rivulet::operators::kafka {
namespace {

constexpr int kMetadataTimeoutMs = 10000;
constexpr int kFirstPollTimeoutMs = 50;
// A periodic discovery blocks the source's thread at most this long; a failed one is retried at
// the next interval (a partition found late is read from its start, so nothing is lost).
constexpr int kDiscoveryTimeoutMs = 2000;
// After broker_timeout_ms without a broker: one metadata request, bounded by this, tells a lost
// cluster from one that came back without librdkafka saying so.
constexpr int kBrokerProbeTimeoutMs = 2000;

const char* reset_policy(OnOffsetOutOfRange policy) {
  switch (policy) {
    case OnOffsetOutOfRange::Earliest:
      return "earliest";
    case OnOffsetOutOfRange::Latest:
      return "latest";
    case OnOffsetOutOfRange::Fail:
      break;
  }
  return "error";  // an RD_KAFKA_RESP_ERR__AUTO_OFFSET_RESET message instead of a silent reset
}

std::int64_t wall_clock_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool cooperative(rd_kafka_t* rk) {
  const char* protocol = rd_kafka_rebalance_protocol(rk);
  return protocol != nullptr && std::strcmp(protocol, "COOPERATIVE") == 0;
}

// "topic 't' partition 3: offset 900 is out of range (the broker holds offsets 0 to 120): ...".
std::string out_of_range(const std::string& topic, std::int32_t partition, std::int64_t wanted,
                         std::int64_t low, std::int64_t high) {
  const std::string range = low >= 0 ? " (the broker holds offsets " + std::to_string(low) +
                                           " to " + std::to_string(high) + ")"
                                     : "";
  return "topic '" + topic + "' partition " + std::to_string(partition) + ": offset " +
         std::to_string(wanted) + " is out of range" + range +
         ": the broker lost data, or the checkpointed or committed offset is from elsewhere; "
         "set on_offset_out_of_range = earliest or latest to continue from there instead";
}

}  // namespace

runtime::SchemaPtr KafkaSource::dead_letter_schema() { return kafka::dead_letter_schema(); }

KafkaSource::KafkaSource(KafkaSourceOptions options)
    : options_(std::move(options)),
      watermarks_(options_.max_out_of_orderness_ms, options_.idle_timeout_ms) {}

KafkaSource::~KafkaSource() { close(); }

std::int64_t KafkaSource::now_ms() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                               epoch_)
      .count();
}

graphs::Status KafkaSource::open(const runtime::OperatorContext& context) {
  counters_ = context.counters;
  if (!context.output_schemas.empty() && context.output_schemas[0]) {
    options_.decoder.schema = context.output_schemas[0];
  }
  auto decoder = codecs::make_decoder(options_.decoder);
  if (!decoder) return graphs::Error{options_.name + ": " + decoder.error().message};
  decoder_ = std::move(*decoder);
  records_ = std::make_unique<runtime::BatchBuilder>(options_.decoder.schema, options_.batch_size);
  dead_letters_builder_ = std::make_unique<runtime::BatchBuilder>(dead_letter_schema());
  messages_.resize(options_.batch_size);

  ClientSettings settings;
  settings.managed = {
      {"bootstrap.servers", options_.bootstrap_servers},
      {"group.id", options_.group_id},
      {"enable.auto.commit", "false"},
      {"isolation.level", options_.isolation_level},
      // Start offsets are always explicit numbers or BEGINNING / END (resolve_start_offsets),
      // so this only applies when a start offset is out of range.
      {"auto.offset.reset", reset_policy(options_.on_offset_out_of_range)},
  };
  if (options_.assignment == Assignment::Group && !options_.group_instance_id.empty()) {
    settings.managed.emplace_back("group.instance.id", options_.group_instance_id);
  }
  settings.defaults = {
      {"enable.auto.offset.store", "false"},
      {"enable.partition.eof", options_.stop_at_end ? "true" : "false"},
      // Bounds what librdkafka prefetches per partition while we are paused or slow.
      {"queued.max.messages.kbytes", "16384"},
  };
  if (options_.assignment != Assignment::Group) {
    // Not a group member, so the session timeout bounds nothing but how long a commit waiting
    // for a group coordinator lives, and the consumer's destruction waits for every commit
    // still on its way (45 s by default, with the brokers gone).
    settings.defaults.emplace_back("session.timeout.ms", "6000");
  }
  settings.properties = options_.properties;
  settings.credentials_dir = options_.credentials_dir;
  auto conf = build_client_config(settings);
  if (!conf) return graphs::Error{options_.name + ": " + conf.error().message};
  install(conf->get());
  if (options_.assignment == Assignment::Group) {
    rd_kafka_conf_set_rebalance_cb(conf->get(), &on_rebalance);
  }
  rd_kafka_conf_set_offset_commit_cb(conf->get(), &on_commit);

  char errstr[512];
  consumer_ = rd_kafka_new(RD_KAFKA_CONSUMER, conf->get(), errstr, sizeof errstr);
  if (consumer_ == nullptr) return graphs::Error{options_.name + ": " + errstr};
  (void)conf->release();  // owned by the consumer now
  rd_kafka_poll_set_consumer(consumer_);
  queue_ = rd_kafka_queue_get_consumer(consumer_);

  switch (options_.assignment) {
    case Assignment::Explicit: {
      PartitionListPtr list(
          rd_kafka_topic_partition_list_new(static_cast<int>(options_.partitions.size())));
      for (const auto& [topic, partition] : options_.partitions) {
        rd_kafka_topic_partition_list_add(list.get(), topic.c_str(), partition);
      }
      prepare_assignment(list.get());
      if (failed()) return graphs::Error{options_.name + ": " + message()};
      if (rd_kafka_resp_err_t err = rd_kafka_assign(consumer_, list.get())) {
        return graphs::Error{options_.name + ": assign: " + rd_kafka_err2str(err)};
      }
      assigned_once_ = true;
      break;
    }
    case Assignment::Runtime:
      if (auto found = discover_partitions(kMetadataTimeoutMs, false); !found) return found;
      assigned_once_ = true;
      break;
    case Assignment::Group: {
      // librdkafka subscribes to every matching topic when a name starts with '^'.
      std::vector<std::string> names = options_.topics;
      if (!options_.topic_pattern.empty()) names = {"^" + options_.topic_pattern};
      PartitionListPtr topics(rd_kafka_topic_partition_list_new(static_cast<int>(names.size())));
      for (const std::string& topic : names) {
        rd_kafka_topic_partition_list_add(topics.get(), topic.c_str(), RD_KAFKA_PARTITION_UA);
      }
      if (rd_kafka_resp_err_t err = rd_kafka_subscribe(consumer_, topics.get())) {
        return graphs::Error{options_.name + ": subscribe: " + rd_kafka_err2str(err)};
      }
      break;
    }
  }
  return graphs::Ok{};
}

graphs::Status KafkaSource::discover_partitions(int timeout_ms, bool discovered) {
  last_discovery_ms_ = now_ms();
  auto selection = options_.topic_pattern.empty()
                       ? graphs::Result<TopicSelection>(TopicSelection::names(options_.topics))
                       : TopicSelection::pattern(options_.topic_pattern);
  if (!selection)
    return graphs::Error{options_.name + ": topic_pattern: " + selection.error().message};
  auto owned = owned_partitions(consumer_, *selection, options_.subtask_index, options_.parallelism,
                                timeout_ms);
  if (!owned) return graphs::Error{options_.name + ": " + owned.error().message};
  PartitionListPtr added(rd_kafka_topic_partition_list_new(static_cast<int>(owned->size())));
  for (const auto& [topic, partition] : *owned) {
    if (partitions_.contains(Key{topic, partition})) continue;
    rd_kafka_topic_partition_list_add(added.get(), topic.c_str(), partition);
  }
  if (added->cnt == 0) return graphs::Ok{};
  prepare_assignment(added.get(), discovered);
  if (failed()) return graphs::Error{options_.name + ": " + message()};
  // Incremental: the partitions already read keep their position and prefetched messages.
  if (rd_kafka_error_t* error = rd_kafka_incremental_assign(consumer_, added.get())) {
    std::string text = rd_kafka_error_string(error);
    rd_kafka_error_destroy(error);
    return graphs::Error{options_.name + ": assign: " + text};
  }
  if (paused_) rd_kafka_pause_partitions(consumer_, added.get());
  return graphs::Ok{};
}

void KafkaSource::prepare_assignment(rd_kafka_topic_partition_list_t* list, bool discovered) {
  const std::int64_t now = now_ms();
  PartitionListPtr by_time(rd_kafka_topic_partition_list_new(list->cnt));
  for (int i = 0; i < list->cnt; ++i) {
    rd_kafka_topic_partition_t& entry = list->elems[i];
    Key key{entry.topic, entry.partition};
    Partition& state = partitions_[key];
    if (state.next_offset >= 0) {
      entry.offset = state.next_offset;  // re-assigned after a rebalance: continue
    } else if (auto restored = restored_.find(key); restored != restored_.end()) {
      entry.offset = restored->second;
    } else if (discovered || (restoring_ && options_.assignment != Assignment::Group)) {
      // Created while the job ran (now, or after the restored checkpoint): all of it is new.
      // (A group member restoring may be handed partitions another member's state covers.)
      entry.offset = RD_KAFKA_OFFSET_BEGINNING;
    } else {
      switch (options_.start_from) {
        case StartFrom::Earliest:
          entry.offset = RD_KAFKA_OFFSET_BEGINNING;
          break;
        case StartFrom::Latest:
          entry.offset = RD_KAFKA_OFFSET_END;
          break;
        case StartFrom::Committed:
          entry.offset = RD_KAFKA_OFFSET_STORED;  // resolve_start_offsets: earliest if none
          break;
        case StartFrom::Timestamp:
          rd_kafka_topic_partition_list_add(by_time.get(), entry.topic, entry.partition)->offset =
              options_.start_timestamp_ms;
          break;
      }
    }
    watermarks_.add(key, now);
  }
  resolve_start_offsets(list);
  for (int i = 0; i < list->cnt; ++i) {
    rd_kafka_topic_partition_t& entry = list->elems[i];
    Partition& state = partitions_[Key{entry.topic, entry.partition}];
    if (entry.offset >= 0) state.next_offset = entry.offset;
    if (options_.stop_at_end) {
      std::int64_t low = 0;
      std::int64_t high = 0;
      rd_kafka_resp_err_t err = rd_kafka_query_watermark_offsets(
          consumer_, entry.topic, entry.partition, &low, &high, kMetadataTimeoutMs);
      if (err) {  // the next partition's request would wait as long again: stop here
        fail(std::string("reading the end offset of ") + entry.topic + ":" +
             std::to_string(entry.partition) + ": " + rd_kafka_err2str(err));
        return;
      }
      if (entry.offset >= 0 && (entry.offset < low || entry.offset > high)) {
        // Known here already; otherwise librdkafka reports it when fetching (reset_policy).
        switch (options_.on_offset_out_of_range) {
          case OnOffsetOutOfRange::Fail:
            fail(out_of_range(entry.topic, entry.partition, entry.offset, low, high));
            continue;
          case OnOffsetOutOfRange::Earliest:
            entry.offset = low;
            break;
          case OnOffsetOutOfRange::Latest:
            entry.offset = high;
            break;
        }
        state.next_offset = entry.offset;
      }
      state.end_offset = high;
      state.at_end = low == high || entry.offset == RD_KAFKA_OFFSET_END ||
                     (state.next_offset >= 0 && state.next_offset >= high);
    }
  }
  if (by_time->cnt > 0) {
    rd_kafka_resp_err_t err =
        rd_kafka_offsets_for_times(consumer_, by_time.get(), kMetadataTimeoutMs);
    if (err) {
      fail(std::string("finding offsets for start_timestamp: ") + rd_kafka_err2str(err));
      return;
    }
    for (int i = 0; i < by_time->cnt; ++i) {
      const rd_kafka_topic_partition_t& found = by_time->elems[i];
      // -1: no record at or after the timestamp yet; start at the end.
      const std::int64_t offset = found.offset >= 0 ? found.offset : RD_KAFKA_OFFSET_END;
      rd_kafka_topic_partition_list_find(list, found.topic, found.partition)->offset = offset;
      Partition& state = partitions_[Key{found.topic, found.partition}];
      if (offset >= 0) state.next_offset = offset;
      if (options_.stop_at_end && (offset < 0 || offset >= state.end_offset)) state.at_end = true;
    }
  }
  cached_topic_ = nullptr;
}

void KafkaSource::resolve_start_offsets(rd_kafka_topic_partition_list_t* list) {
  PartitionListPtr committed(rd_kafka_topic_partition_list_new(list->cnt));
  for (int i = 0; i < list->cnt; ++i) {
    const rd_kafka_topic_partition_t& entry = list->elems[i];
    if (entry.offset == RD_KAFKA_OFFSET_STORED) {
      rd_kafka_topic_partition_list_add(committed.get(), entry.topic, entry.partition);
    }
  }
  if (committed->cnt > 0) {
    if (rd_kafka_resp_err_t err =
            rd_kafka_committed(consumer_, committed.get(), kMetadataTimeoutMs)) {
      fail(std::string("reading the committed offsets of group '") + options_.group_id +
           "': " + rd_kafka_err2str(err));
      return;
    }
    for (int i = 0; i < committed->cnt; ++i) {
      const rd_kafka_topic_partition_t& found = committed->elems[i];
      // No committed offset: earliest (Flink's committedOffsets(EARLIEST)).
      rd_kafka_topic_partition_list_find(list, found.topic, found.partition)->offset =
          found.offset >= 0 ? found.offset : RD_KAFKA_OFFSET_BEGINNING;
    }
  }
  // BEGINNING / END as numbers too, so a snapshot taken before the first record still holds
  // every assigned partition's position.
  for (int i = 0; i < list->cnt; ++i) {
    rd_kafka_topic_partition_t& entry = list->elems[i];
    if (entry.offset != RD_KAFKA_OFFSET_BEGINNING && entry.offset != RD_KAFKA_OFFSET_END) continue;
    std::int64_t low = 0;
    std::int64_t high = 0;
    if (rd_kafka_resp_err_t err = rd_kafka_query_watermark_offsets(
            consumer_, entry.topic, entry.partition, &low, &high, kMetadataTimeoutMs)) {
      fail(std::string("reading the offsets of ") + entry.topic + ":" +
           std::to_string(entry.partition) + ": " + rd_kafka_err2str(err));
      return;
    }
    entry.offset = entry.offset == RD_KAFKA_OFFSET_BEGINNING ? low : high;
  }
}

void KafkaSource::fail_out_of_range(const rd_kafka_message_t& message) {
  const std::string topic = message.rkt != nullptr ? rd_kafka_topic_name(message.rkt) : "?";
  std::int64_t wanted = message.offset;
  if (message.rkt != nullptr) {
    if (auto it = partitions_.find(Key{topic, message.partition});
        it != partitions_.end() && it->second.next_offset >= 0) {
      wanted = it->second.next_offset;
    }
  }
  std::int64_t low = -1;
  std::int64_t high = -1;
  if (rd_kafka_query_watermark_offsets(consumer_, topic.c_str(), message.partition, &low, &high,
                                       kDiscoveryTimeoutMs) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    low = high = -1;
  }
  fail(out_of_range(topic, message.partition, wanted, low, high));
}

void KafkaSource::forget(const rd_kafka_topic_partition_list_t* list) {
  for (int i = 0; i < list->cnt; ++i) {
    Key key{list->elems[i].topic, list->elems[i].partition};
    partitions_.erase(key);
    watermarks_.remove(key);
  }
  cached_topic_ = nullptr;
}

void KafkaSource::on_rebalance(rd_kafka_t* /*rk*/, rd_kafka_resp_err_t err,
                               rd_kafka_topic_partition_list_t* partitions, void* opaque) {
  static_cast<KafkaSource*>(static_cast<ClientErrors*>(opaque))->handle_rebalance(err, partitions);
}

void KafkaSource::handle_rebalance(rd_kafka_resp_err_t err,
                                   rd_kafka_topic_partition_list_t* partitions) {
  const bool incremental = cooperative(consumer_);
  if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
    ++group_assignments_;
    prepare_assignment(partitions);
    if (incremental) {
      if (rd_kafka_error_t* error = rd_kafka_incremental_assign(consumer_, partitions)) {
        fail(std::string("assign: ") + rd_kafka_error_string(error));
        rd_kafka_error_destroy(error);
      }
    } else {
      rd_kafka_assign(consumer_, partitions);
    }
    if (paused_) rd_kafka_pause_partitions(consumer_, partitions);
    assigned_once_ = true;
    return;
  }
  // Revoked (or a rebalance error): hand over our positions so that the next owner, which
  // reads from committed offsets, continues where we stopped instead of re-reading.
  if (err == RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS) commit_positions(false);
  forget(partitions);
  if (incremental) {
    if (rd_kafka_error_t* error = rd_kafka_incremental_unassign(consumer_, partitions)) {
      rd_kafka_error_destroy(error);
    }
  } else {
    rd_kafka_assign(consumer_, nullptr);
  }
}

KafkaSource::Partition& KafkaSource::partition_for(const rd_kafka_message_t& message) {
  if (cached_topic_ != message.rkt || cached_partition_ != message.partition) {
    Key key{rd_kafka_topic_name(message.rkt), message.partition};
    cached_ = partitions_.try_emplace(std::move(key)).first;
    cached_topic_ = message.rkt;
    cached_partition_ = message.partition;
  }
  return cached_->second;
}

void KafkaSource::handle_message(const rd_kafka_message_t& message, std::int64_t now) {
  if (message.err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
    if (message.rkt != nullptr) partition_for(message).at_end = true;
    return;
  }
  if (message.err == RD_KAFKA_RESP_ERR__AUTO_OFFSET_RESET) {
    fail_out_of_range(message);  // only with on_offset_out_of_range = fail (reset = error)
    return;
  }
  if (message.err) {
    // Any other consumer error: permanent ones end the task, transient ones librdkafka retries.
    if (is_permanent(message.err)) {
      fail(std::string(rd_kafka_err2name(message.err)) + ": " + rd_kafka_message_errstr(&message));
    }
    return;
  }
  Partition& partition = partition_for(message);
  partition.next_offset = message.offset + 1;
  if (partition.end_offset >= 0 && partition.next_offset >= partition.end_offset) {
    partition.at_end = true;
  }
  std::int64_t timestamp = rd_kafka_message_timestamp(&message, nullptr);
  if (timestamp < 0) timestamp = wall_clock_ms();  // no Kafka timestamp: ingestion time
  const std::string_view value(static_cast<const char*>(message.payload),
                               message.payload != nullptr ? message.len : 0);
  // Told apart before decoding: a tombstone (no value: a delete marker of a compacted topic)
  // is not an empty value, and neither is "not valid JSON".
  graphs::Status decoded =
      message.payload == nullptr
          ? graphs::Status(graphs::Error{"tombstone: the message has no value (a delete marker)"})
      : message.len == 0
          ? graphs::Status(graphs::Error{"empty value: the message value is 0 bytes"})
          : decoder_->decode(value, *records_, timestamp);
  if (decoded) {
    row_partitions_.push_back(&cached_->first);
    ++records_out_;
    return;
  }
  // A bad record still proves the partition is alive.
  watermarks_.on_record(cached_->first, kNoEventTime, now);
  switch (options_.on_parse_error) {
    case OnParseError::Fail:
      fail("record " + cached_->first.first + ":" + std::to_string(message.partition) + "@" +
           std::to_string(message.offset) + " does not decode: " + decoded.error().message);
      return;
    case OnParseError::Skip:
      ++skipped_;
      if (counters_) counters_->count_skipped(1);
      return;
    case OnParseError::DeadLetter:
      dead_letter(message, partition, decoded.error().message, timestamp);
      return;
  }
}

void KafkaSource::dead_letter(const rd_kafka_message_t& message, Partition& /*partition*/,
                              const std::string& reason, std::int64_t timestamp_ms) {
  append_dead_letter(*dead_letters_builder_, message, cached_->first.first, reason, timestamp_ms,
                     static_cast<std::size_t>(options_.dead_letter_max_bytes));
  ++dead_letters_;
  if (counters_) counters_->count_dead_letters(1);
}

void KafkaSource::flush_batches(runtime::SourceCollector& out) {
  const std::int64_t now = now_ms();
  runtime::BatchPtr batch;
  if (!records_->empty()) {
    batch = records_->finish();
    // Rows of one partition come in runs: one watermark update per run.
    std::span<const std::int64_t> times = batch->event_times();
    std::size_t start = 0;
    while (start < times.size()) {
      const Key* key = row_partitions_[start];
      std::int64_t highest = times[start];
      std::size_t end = start + 1;
      for (; end < times.size() && row_partitions_[end] == key; ++end) {
        highest = std::max(highest, times[end]);
      }
      watermarks_.on_record(*key, highest, now);
      start = end;
    }
    row_partitions_.clear();
  }
  // Idleness ends before the data, the watermark follows the data it covers.
  PartitionWatermarks::Merged merged = watermarks_.advance(now, paused_);
  if (merged.idle) out.mark_idle(*merged.idle);
  if (batch) out.emit(0, std::move(batch));
  if (!dead_letters_builder_->empty()) out.emit(1, dead_letters_builder_->finish());
  if (merged.watermark) out.emit_watermark(*merged.watermark);
}

void KafkaSource::poll(runtime::SourceCollector& out, std::size_t max_batches) {
  throw_if_failed(options_.name);
  for (std::size_t b = 0; b < std::max<std::size_t>(max_batches, 1); ++b) {
    const ssize_t n = rd_kafka_consume_batch_queue(queue_, b == 0 ? kFirstPollTimeoutMs : 0,
                                                   messages_.data(), messages_.size());
    if (n < 0) {
      throw KafkaError(options_.name + ": consume: " + rd_kafka_err2str(rd_kafka_last_error()));
    }
    const std::int64_t now = now_ms();
    bool fetched = false;
    for (ssize_t i = 0; i < n; ++i) {
      MessagePtr message(messages_[static_cast<std::size_t>(i)]);
      fetched = fetched || message->err == RD_KAFKA_RESP_ERR_NO_ERROR;
      handle_message(*message, now);
    }
    if (fetched) brokers_reachable();  // a record came from a broker (an error may not have)
    throw_if_failed(options_.name);
    flush_batches(out);
    if (static_cast<std::size_t>(n) < messages_.size()) break;  // caught up
  }
  check_brokers();
  // An instance without partitions (more instances than partitions) must not hold back
  // downstream event time.
  if (partitions_.empty() && assigned_once_ && !idle_without_partitions_) {
    idle_without_partitions_ = true;
    out.mark_idle(true);
  } else if (!partitions_.empty() && idle_without_partitions_) {
    idle_without_partitions_ = false;
    if (!watermarks_.all_idle()) out.mark_idle(false);
  }
  if (options_.assignment == Assignment::Runtime && options_.discovery_interval_ms > 0 &&
      now_ms() - last_discovery_ms_ >= options_.discovery_interval_ms) {
    // A failed lookup (broker briefly away) is retried at the next interval.
    (void)discover_partitions(kDiscoveryTimeoutMs, true);
    throw_if_failed(options_.name);
  }
  if (commit_due_ || (options_.commit_interval_ms > 0 &&
                      now_ms() - last_commit_ms_ >= options_.commit_interval_ms)) {
    commit_positions(true);
  }
  // The last poll of a bounded source (nothing more to read) reports too: its lag then stays
  // what is shown.
  report_lag(!has_more());
}

void KafkaSource::report_lag(bool now_or_never) {
  if (counters_ == nullptr || consumer_ == nullptr) return;
  const std::int64_t now = now_ms();
  if (!now_or_never && last_lag_report_ms_ >= 0 &&
      now - last_lag_report_ms_ < options_.lag_report_interval_ms) {
    return;
  }
  last_lag_report_ms_ = now;
  // librdkafka's position steps over transaction markers (control records are never handed to
  // us), so a read_committed reader that caught up shows 0 and not 1 per transaction marker.
  PartitionListPtr positions(
      rd_kafka_topic_partition_list_new(static_cast<int>(partitions_.size())));
  for (const auto& [key, partition] : partitions_) {
    rd_kafka_topic_partition_list_add(positions.get(), key.first.c_str(), key.second);
  }
  if (rd_kafka_position(consumer_, positions.get()) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    positions.reset();
  }
  std::vector<runtime::PartitionLagEntry> lag;
  lag.reserve(partitions_.size());
  for (const auto& [key, partition] : partitions_) {
    std::int64_t next = partition.next_offset;
    if (positions) {
      const rd_kafka_topic_partition_t* found =
          rd_kafka_topic_partition_list_find(positions.get(), key.first.c_str(), key.second);
      if (found != nullptr && found->offset > next) next = found->offset;
    }
    std::int64_t low = -1;
    std::int64_t high = -1;
    if (rd_kafka_get_watermark_offsets(consumer_, key.first.c_str(), key.second, &low, &high) !=
            RD_KAFKA_RESP_ERR_NO_ERROR ||
        high < 0 || next < 0) {
      continue;
    }
    lag.push_back({key.first, key.second, std::max<std::int64_t>(0, high - next)});
  }
  counters_->report_lag(std::move(lag));
}

bool KafkaSource::has_more() const {
  if (!options_.stop_at_end) return true;
  if (partitions_.empty()) return !assigned_once_;
  return std::any_of(partitions_.begin(), partitions_.end(),
                     [](const auto& entry) { return !entry.second.at_end; });
}

void KafkaSource::on_capacity(bool available) {
  if (consumer_ == nullptr || paused_ == !available) return;
  paused_ = !available;
  rd_kafka_topic_partition_list_t* assignment = nullptr;
  if (rd_kafka_assignment(consumer_, &assignment) != RD_KAFKA_RESP_ERR_NO_ERROR) return;
  PartitionListPtr owned(assignment);
  if (paused_) {
    rd_kafka_pause_partitions(consumer_, assignment);
  } else {
    rd_kafka_resume_partitions(consumer_, assignment);
    watermarks_.touch_all(now_ms());
  }
}

void KafkaSource::check_brokers() {
  if (options_.broker_timeout_ms <= 0) return;
  const std::int64_t since = all_brokers_down_since_ns();
  if (since == 0) return;
  const std::int64_t down_ms = (steady_ns() - since) / 1'000'000;
  if (down_ms < options_.broker_timeout_ms) return;
  // librdkafka says nothing when a broker comes back (an idle partition fetches nothing to
  // prove it): ask one.
  const rd_kafka_metadata_t* metadata = nullptr;
  if (rd_kafka_metadata(consumer_, 0, nullptr, &metadata, kBrokerProbeTimeoutMs) ==
      RD_KAFKA_RESP_ERR_NO_ERROR) {
    rd_kafka_metadata_destroy(metadata);
    brokers_reachable();
    return;
  }
  const std::string last = last_transient();
  fail("no Kafka broker of " + options_.bootstrap_servers + " reachable for " +
       std::to_string((steady_ns() - since) / 1'000'000'000) + " s (broker_timeout is " +
       std::to_string(options_.broker_timeout_ms) + " ms)" + (last.empty() ? "" : ": " + last));
  throw_if_failed(options_.name);
}

void KafkaSource::on_commit(rd_kafka_t* /*rk*/, rd_kafka_resp_err_t /*err*/,
                            rd_kafka_topic_partition_list_t* /*offsets*/, void* opaque) {
  static_cast<KafkaSource*>(static_cast<ClientErrors*>(opaque))->commit_in_flight_ = false;
}

void KafkaSource::commit_positions(bool async) {
  last_commit_ms_ = now_ms();
  if (consumer_ == nullptr) return;
  // A commit made while no broker is reachable waits in librdkafka for a group coordinator,
  // and the consumer's destruction waits for every such commit (about 45 s with the mock
  // cluster, one per checkpoint): so at most one is on its way, and none while the brokers are
  // known to be gone. The next one carries the newer offsets anyway (poll() sends it).
  if (async && (commit_in_flight_ || all_brokers_down_since_ns() != 0)) {
    commit_due_ = true;
    return;
  }
  commit_due_ = false;
  PartitionListPtr list(rd_kafka_topic_partition_list_new(static_cast<int>(partitions_.size())));
  for (const auto& [key, partition] : partitions_) {
    if (partition.next_offset < 0) continue;
    rd_kafka_topic_partition_list_add(list.get(), key.first.c_str(), key.second)->offset =
        partition.next_offset;
  }
  if (list->cnt == 0) return;
  // Monitoring only: a failed commit changes nothing about what we read.
  if (rd_kafka_commit(consumer_, list.get(), async ? 1 : 0) == RD_KAFKA_RESP_ERR_NO_ERROR &&
      async) {
    commit_in_flight_ = true;  // until on_commit (served by the next poll)
  }
}

std::map<std::pair<std::string, std::int32_t>, std::int64_t> KafkaSource::positions() const {
  std::map<Key, std::int64_t> result;
  for (const auto& [key, partition] : partitions_) result[key] = partition.next_offset;
  return result;
}

graphs::Status KafkaSource::snapshot(std::uint64_t /*checkpoint_id*/,
                                     runtime::StateWriter& writer) {
  // One "topic<TAB>partition<TAB>offset" line per partition with a known position: Kafka topic
  // names cannot contain tabs or line breaks.
  std::string text;
  for (const auto& [key, partition] : partitions_) {
    if (partition.next_offset < 0) continue;
    text += key.first + '\t' + std::to_string(key.second) + '\t' +
            std::to_string(partition.next_offset) + '\n';
  }
  graphs::Status written =
      writer.write_blob("offsets", std::as_bytes(std::span<const char>(text.data(), text.size())));
  if (!written) return written;
  commit_positions(true);
  return graphs::Ok{};
}

graphs::Status KafkaSource::restore(runtime::StateReader& reader) {
  if (!reader.has_blob("offsets")) return graphs::Ok{};
  auto bytes = reader.read_blob("offsets");
  if (!bytes) return bytes.error();
  restoring_ = true;
  std::istringstream lines(
      std::string(reinterpret_cast<const char*>(bytes->data()), bytes->size()));
  std::string line;
  while (std::getline(lines, line)) {
    const std::size_t first = line.find('\t');
    const std::size_t second = line.find('\t', first + 1);
    if (first == std::string::npos || second == std::string::npos) {
      return graphs::Error{options_.name + ": malformed offsets state line '" + line + "'"};
    }
    try {
      const Key key{
          line.substr(0, first),
          static_cast<std::int32_t>(std::stol(line.substr(first + 1, second - first - 1)))};
      const std::int64_t offset = std::stoll(line.substr(second + 1));
      // Called once per saved instance: a partition two instances saved (a group rebalance
      // between their barriers) resumes at the further offset rather than reading twice.
      auto [it, added] = restored_.try_emplace(key, offset);
      if (!added) it->second = std::max(it->second, offset);
    } catch (const std::exception&) {
      return graphs::Error{options_.name + ": malformed offsets state line '" + line + "'"};
    }
  }
  if (consumer_ == nullptr) return graphs::Ok{};
  // Already reading: move the assigned partitions to the restored offsets.
  PartitionListPtr seek(rd_kafka_topic_partition_list_new(static_cast<int>(restored_.size())));
  for (const auto& [key, offset] : restored_) {
    auto it = partitions_.find(key);
    if (it == partitions_.end()) continue;
    it->second.next_offset = offset;
    rd_kafka_topic_partition_list_add(seek.get(), key.first.c_str(), key.second)->offset = offset;
  }
  if (seek->cnt > 0) {
    if (rd_kafka_error_t* error =
            rd_kafka_seek_partitions(consumer_, seek.get(), kMetadataTimeoutMs)) {
      std::string text = rd_kafka_error_string(error);
      rd_kafka_error_destroy(error);
      return graphs::Error{options_.name + ": seek: " + text};
    }
  }
  return graphs::Ok{};
}

void KafkaSource::close() {
  if (consumer_ == nullptr) return;
  // For lag monitoring only, so not waited for: a synchronous commit has no bound of its own,
  // and a source closes also because its brokers are gone (then commit_positions() sends
  // nothing). close_consumer() gives it (and the group's farewell) a few seconds.
  commit_positions(true);
  if (queue_ != nullptr) rd_kafka_queue_destroy(queue_);
  queue_ = nullptr;
  close_consumer(consumer_);
  consumer_ = nullptr;
}

}  // namespace rivulet::operators::kafka
