// examples/iot-sensors/iot-sensors.json end to end on a real broker process: `rivulet generate
// iot` writes seeded readings of 100 devices with spikes, drifts and silences injected (and
// malformed messages), `rivulet run` runs the pipeline to the topic's end, and its outputs read
// back read_committed are compared with what SQLite computes from the same readings: the
// per-minute statistics and the 5-sigma anomalies exactly, the silences by the gaps in each
// device's readings, the dead letters by count, nothing twice.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "use_case_test_support.hpp"

namespace rivulet::examples {
namespace {

using namespace std::chrono_literals;

constexpr int kPartitions = 4;

TEST(IotSensorsExample, OutputsMatchWhatSqliteComputesFromTheSameReadings) {
  TempDir dir("rivulet-iot-sensors-test");
  bench::BrokerProcess broker(
      RIVULET_CLI, {"--topic", "sensor-readings:" + std::to_string(kPartitions), "--topic",
                    "device-stats:" + std::to_string(kPartitions), "--topic",
                    "device-alerts:" + std::to_string(kPartitions), "--topic",
                    "sensor-readings-dlq:1", "--topic", "sensor-readings-late:2"});
  const std::string bootstrap = broker.bootstrap_servers();
  // 100 devices (20 readings/s x 5 s), 40,000 readings: about 33 minutes of event time.
  runtime::processtest::ChildProcess generate({RIVULET_CLI,
                                               "generate",
                                               "iot",
                                               "--rate",
                                               "20",
                                               "--count",
                                               "40000",
                                               "--seed",
                                               "3",
                                               "--speedup",
                                               "0",
                                               "--malformed-rate",
                                               "0.005",
                                               "--bootstrap",
                                               bootstrap,
                                               "--set",
                                               "pattern_scale=5",
                                               "--set",
                                               "late_probability=0",
                                               "--set",
                                               "start_time=1760000000000",
                                               "--quiet"});
  const auto generated = generate.wait(90s);
  ASSERT_TRUE(generated.has_value()) << "rivulet generate did not end";
  ASSERT_EQ(*generated, 0) << generate.err();
  runtime::processtest::ChildProcess run(
      {RIVULET_CLI, "run",
       std::string(RIVULET_SOURCE_DIR) + "/examples/iot-sensors/iot-sensors.json", "--bootstrap",
       bootstrap, "--checkpoint-dir", (dir / "chk").string(), "--set", "readings.stop_at_end=true",
       "--quiet"});
  const auto ran = run.wait(180s);
  ASSERT_TRUE(ran.has_value()) << "rivulet run did not end: " << run.err();
  ASSERT_EQ(*ran, 0) << run.err();

  auto readings = runtime::kafkatest::consume_committed(bootstrap, "sensor-readings", kPartitions);
  auto stats = runtime::kafkatest::consume_committed(bootstrap, "device-stats", kPartitions);
  auto alerts = runtime::kafkatest::consume_committed(bootstrap, "device-alerts", kPartitions);
  auto dead = runtime::kafkatest::consume_committed(bootstrap, "sensor-readings-dlq", 1);
  ASSERT_TRUE(readings && stats && alerts && dead) << "a topic's end was not reached";
  ASSERT_EQ(readings->size(), 40000u);

  const Sqlite db(dir / "iot.db", dir / "query.sql");
  const std::string load =
      "CREATE TABLE raw(seq INTEGER PRIMARY KEY, value TEXT);\n"
      "CREATE TABLE stats_raw(seq INTEGER PRIMARY KEY, value TEXT);\n"
      "CREATE TABLE alert_raw(seq INTEGER PRIMARY KEY, value TEXT);\nBEGIN;\n" +
      inserts("raw", *readings) + inserts("stats_raw", *stats) + inserts("alert_raw", *alerts) +
      "COMMIT;\n"
      "CREATE VIEW r AS SELECT seq, json_extract(value, '$.device_id') AS device,"
      " json_extract(value, '$.value') AS v, json_extract(value, '$.ts') AS ts,"
      " json_extract(value, '$.pattern') AS pattern FROM raw"
      " WHERE json_valid(value) AND json_type(value, '$.ts') = 'integer';\n"
      "CREATE VIEW alerts AS SELECT json_extract(value, '$.device_id') AS device,"
      " json_extract(value, '$.kind') AS kind, json_extract(value, '$.ts') AS ts,"
      " json_extract(value, '$.pattern') AS pattern FROM alert_raw;\n";
  ASSERT_EQ(db.run(load), std::vector<std::string>{});

  // Dead letters: every message that is not a reading.
  const std::string malformed =
      db.one("SELECT count(*) FROM raw WHERE seq NOT IN (SELECT seq FROM r)");
  EXPECT_EQ(std::to_string(dead->size()), malformed);
  EXPECT_GT(std::stoi(malformed), 100);
  EXPECT_EQ(db.one("SELECT count(*) FROM (SELECT device, kind, ts, count(*) AS n FROM alerts GROUP "
                   "BY 1, 2, 3 HAVING n > 1)"),
            "0");

  // Per device and minute: min, average, maximum and count, to 6 decimals.
  EXPECT_EQ(db.rows("SELECT json_extract(value, '$.device_id') || ' ' || json_extract(value, "
                    "'$.window_start') || ' ' || printf('%.6f %.6f %.6f', json_extract(value, "
                    "'$.min_value'), json_extract(value, '$.avg_value'), json_extract(value, "
                    "'$.max_value')) || ' ' || json_extract(value, '$.readings') FROM stats_raw "
                    "ORDER BY 1"),
            db.rows("SELECT device || ' ' || (ts / 60000 * 60000) || ' ' || printf('%.6f %.6f "
                    "%.6f', min(v), avg(v), max(v)) || ' ' || count(*) FROM r GROUP BY device, ts "
                    "/ 60000 ORDER BY 1"));
  EXPECT_GT(stats->size(), 3000u);

  // Anomalies: more than 5 standard deviations (population) from the device's previous 60
  // readings, once there are 20, in arrival order (a device's readings stay on one partition).
  const std::vector<std::string> expected_anomalies = db.rows(
      "WITH w AS (SELECT device, ts, v, avg(v) OVER p AS m, avg(v * v) OVER p AS m2, count(*) "
      "OVER p AS n FROM r WINDOW p AS (PARTITION BY device ORDER BY seq ROWS BETWEEN 60 "
      "PRECEDING AND 1 PRECEDING)) SELECT device || '@' || ts FROM w WHERE n >= 20 AND m2 - m * m "
      "> 0 AND abs(v - m) > 5 * sqrt(m2 - m * m) ORDER BY 1");
  EXPECT_EQ(db.rows("SELECT device || '@' || ts FROM alerts WHERE kind = 'anomaly' ORDER BY 1"),
            expected_anomalies);
  EXPECT_EQ(db.one("SELECT count(*) FROM alerts WHERE kind = 'anomaly' AND pattern = ''"), "0")
      << "an ordinary reading scored as an anomaly";
  EXPECT_GT(expected_anomalies.size(), 20u);

  // Silences: a device whose next reading (event time) comes 30 s or more later is reported
  // once, with its last reading; one silent at the end is reported only if the watermark got
  // 30 s past it, so those are checked to be silent up to the end at least.
  const std::vector<std::string> closed = db.rows(
      "WITH o AS (SELECT device, ts, LEAD(ts) OVER (PARTITION BY device ORDER BY ts, seq) AS nts "
      "FROM r) SELECT device || '@' || ts FROM o WHERE nts - ts >= 30000 ORDER BY 1");
  const std::vector<std::string> reported =
      db.rows("SELECT device || '@' || ts FROM alerts WHERE kind = 'silent' ORDER BY 1");
  const std::set<std::string> reported_set(reported.begin(), reported.end());
  for (const std::string& silence : closed) {
    EXPECT_TRUE(reported_set.contains(silence)) << silence << " was not reported silent";
  }
  const std::set<std::string> closed_set(closed.begin(), closed.end());
  const std::vector<std::string> last_readings = db.rows(
      "SELECT device || '@' || max(ts) FROM r GROUP BY device HAVING max(ts) + 30000 <= (SELECT "
      "max(ts) FROM r)");
  const std::set<std::string> trailing(last_readings.begin(), last_readings.end());
  for (const std::string& report : reported) {
    EXPECT_TRUE(closed_set.contains(report) || trailing.contains(report))
        << report << " was reported silent without a 30 s gap after it";
  }
  EXPECT_GT(closed.size(), 10u);
}

}  // namespace
}  // namespace rivulet::examples
