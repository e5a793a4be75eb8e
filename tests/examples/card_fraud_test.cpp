// examples/card-fraud/card-fraud.json end to end on a real broker process: `rivulet generate
// fraud` writes seeded transactions with injected patterns (and malformed messages), `rivulet
// run` runs the pipeline over them until the topic's end, and the alerts read back
// read_committed are compared with what SQLite (Debian's sqlite3, independent of Rivulet)
// computes from the same transactions: the large-amount and impossible-travel alerts exactly,
// the velocity alerts by their injected card-testing bursts, the dead letters by count, and no
// alert twice.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <set>
#include <string>
#include <vector>

#include "use_case_test_support.hpp"

namespace rivulet::examples {
namespace {

using namespace std::chrono_literals;

constexpr int kPartitions = 4;

TEST(CardFraudExample, AlertsMatchWhatSqliteComputesFromTheSameTransactions) {
  TempDir dir("rivulet-card-fraud-test");
  bench::BrokerProcess broker(
      RIVULET_CLI, {"--topic", "transactions:" + std::to_string(kPartitions), "--topic",
                    "card-alerts:" + std::to_string(kPartitions), "--topic", "transactions-dlq:1",
                    "--topic", "transactions-late:2"});
  const std::string bootstrap = broker.bootstrap_servers();
  runtime::processtest::ChildProcess generate({RIVULET_CLI,
                                               "generate",
                                               "fraud",
                                               "--count",
                                               "40000",
                                               "--seed",
                                               "7",
                                               "--speedup",
                                               "0",
                                               "--malformed-rate",
                                               "0.005",
                                               "--bootstrap",
                                               bootstrap,
                                               "--set",
                                               "pattern_scale=15",
                                               "--set",
                                               "late_probability=0",
                                               "--set",
                                               "start_time=1760000000000",
                                               "--quiet"});
  const auto generated = generate.wait(90s);
  ASSERT_TRUE(generated.has_value()) << "rivulet generate did not end";
  ASSERT_EQ(*generated, 0) << generate.err();

  runtime::processtest::ChildProcess run(
      {RIVULET_CLI, "run", std::string(RIVULET_SOURCE_DIR) + "/examples/card-fraud/card-fraud.json",
       "--bootstrap", bootstrap, "--checkpoint-dir", (dir / "chk").string(), "--set",
       "transactions.stop_at_end=true", "--quiet"});
  const auto ran = run.wait(180s);
  ASSERT_TRUE(ran.has_value()) << "rivulet run did not end: " << run.err();
  ASSERT_EQ(*ran, 0) << run.err();

  auto transactions = runtime::kafkatest::consume_committed(bootstrap, "transactions", kPartitions);
  auto alerts = runtime::kafkatest::consume_committed(bootstrap, "card-alerts", kPartitions);
  auto dead = runtime::kafkatest::consume_committed(bootstrap, "transactions-dlq", 1);
  ASSERT_TRUE(transactions && alerts && dead) << "a topic's end was not reached";
  ASSERT_EQ(transactions->size(), 40000u);

  const Sqlite db(dir / "fraud.db", dir / "query.sql");
  const std::string load =
      "CREATE TABLE raw(seq INTEGER PRIMARY KEY, value TEXT);\n"
      "CREATE TABLE alert_raw(seq INTEGER PRIMARY KEY, value TEXT);\nBEGIN;\n" +
      inserts("raw", *transactions) + inserts("alert_raw", *alerts) +
      "COMMIT;\n"
      // The pipeline's schema: a message is a transaction if it is JSON with an integer ts.
      "CREATE VIEW tx AS SELECT seq, json_extract(value, '$.card_id') AS card,"
      " json_extract(value, '$.country') AS country,"
      " json_extract(value, '$.latitude') AS lat, json_extract(value, '$.longitude') AS lon,"
      " json_extract(value, '$.amount') AS amount, json_extract(value, '$.ts') AS ts,"
      " json_extract(value, '$.pattern') AS pattern FROM raw"
      " WHERE json_valid(value) AND json_type(value, '$.ts') = 'integer';\n"
      "CREATE VIEW alerts AS SELECT json_extract(value, '$.card_id') AS card,"
      " json_extract(value, '$.rule') AS rule, json_extract(value, '$.ts') AS ts,"
      " json_extract(value, '$.pattern') AS pattern FROM alert_raw;\n";
  ASSERT_EQ(db.run(load), std::vector<std::string>{});
  auto one = [&](const std::string& query) { return db.one(query); };
  auto rows = [&](const std::string& query) { return db.rows(query); };

  // Dead letters: every message that is not a transaction, no more.
  const std::string malformed =
      one("SELECT count(*) FROM raw WHERE seq NOT IN (SELECT seq FROM tx)");
  EXPECT_EQ(std::to_string(dead->size()), malformed);
  EXPECT_GT(std::stoi(malformed), 100);

  // No alert twice (exactly once through the transactional sinks).
  EXPECT_EQ(one("SELECT count(*) FROM (SELECT card, rule, ts, count(*) AS n FROM alerts GROUP BY "
                "card, rule, ts HAVING n > 1)"),
            "0");

  // Large amounts: exactly the transactions above 1,500, each injected one among them.
  EXPECT_EQ(rows("SELECT card || '@' || ts FROM alerts WHERE rule = 'large_amount' ORDER BY 1"),
            rows("SELECT card || '@' || ts FROM tx WHERE amount > 1500 ORDER BY 1"));
  EXPECT_EQ(one("SELECT count(*) FROM tx WHERE pattern = 'high_amount' AND amount <= 1500"), "0");
  EXPECT_GT(std::stoi(one("SELECT count(*) FROM alerts WHERE rule = 'large_amount'")), 20);

  // Impossible travel: consecutive transactions of a card (event-time order, ties by arrival)
  // more than 500 km apart and faster than 1,000 km/h, within a day — the haversine in SQL.
  const std::string travel =
      "WITH o AS (SELECT card, ts, lat, lon, LAG(lat) OVER w AS plat, LAG(lon) OVER w AS plon,"
      " LAG(ts) OVER w AS pts FROM tx WINDOW w AS (PARTITION BY card ORDER BY ts, seq)),"
      " d AS (SELECT card, ts, pts, 2 * 6371.0 * asin(sqrt(min(1.0, max(0.0,"
      " sin(radians(lat - plat) / 2) * sin(radians(lat - plat) / 2) + cos(radians(plat)) *"
      " cos(radians(lat)) * sin(radians(lon - plon) / 2) * sin(radians(lon - plon) / 2)))))"
      " AS km FROM o WHERE pts IS NOT NULL AND ts - pts <= 86400000)"
      " SELECT card || '@' || ts FROM d WHERE km > 500 AND km * 3600000.0 > 1000.0 * max(ts - "
      "pts, 1) ORDER BY 1";
  const std::vector<std::string> expected_travel = rows(travel);
  EXPECT_EQ(
      rows("SELECT card || '@' || ts FROM alerts WHERE rule = 'impossible_travel' ORDER BY 1"),
      expected_travel);
  // Every injected impossible transaction is among them (the one after it, back home, too),
  // unless its card has no valid transaction before it (that one was replaced by a malformed
  // message: nothing to compare with).
  const std::set<std::string> travel_set(expected_travel.begin(), expected_travel.end());
  for (const std::string& injected :
       rows("SELECT card || '@' || ts FROM tx t WHERE pattern = 'impossible_travel' AND EXISTS "
            "(SELECT 1 FROM tx p WHERE p.card = t.card AND p.ts < t.ts)")) {
    if (travel_set.contains(injected)) continue;
    const std::string card = injected.substr(0, injected.find('@'));
    std::string history;
    for (const std::string& line :
         rows("SELECT ts || ' ' || country || ' ' || lat || ' ' || lon || ' ' || pattern FROM tx "
              "WHERE card = " +
              quoted(card) + " ORDER BY ts, seq")) {
      history += "\n  " + line;
    }
    ADD_FAILURE() << injected << " was not alerted; the card's transactions:" << history;
  }
  EXPECT_GT(travel_set.size(), 20u);

  // False positives — alerts on transactions without an injected pattern, the rates the README
  // states. Impossible travel reports the pair's pattern (the first transaction back home after
  // an injected one abroad is impossible too): none. Large amounts: ordinary transactions above
  // 1,500 happen (log-normal amounts), at most 5 % of those alerts.
  EXPECT_EQ(one("SELECT count(*) FROM alerts WHERE rule = 'impossible_travel' AND pattern = ''"),
            "0");
  const double amount_false_positives = std::stod(
      one("SELECT 1.0 * sum(pattern = '') / count(*) FROM alerts WHERE rule = 'large_amount'"));
  std::cout << "large_amount false positives: " << amount_false_positives << '\n';
  EXPECT_LE(amount_false_positives, 0.05);

  // Velocity: every card with 6 transactions within a minute is alerted, and every alert has
  // injected card testing within its minute (no false positive).
  EXPECT_EQ(one("SELECT count(*) FROM alerts a WHERE rule = 'velocity' AND NOT EXISTS (SELECT 1 "
                "FROM tx t WHERE t.card = a.card AND t.pattern = 'card_testing' AND t.ts > a.ts - "
                "60000 AND t.ts <= a.ts)"),
            "0");
  EXPECT_EQ(rows("SELECT DISTINCT card FROM alerts WHERE rule = 'velocity' ORDER BY 1"),
            rows("SELECT DISTINCT card FROM (SELECT card, count(*) OVER (PARTITION BY card ORDER "
                 "BY ts RANGE BETWEEN 59999 PRECEDING AND CURRENT ROW) AS n FROM tx) WHERE n >= 6 "
                 "ORDER BY 1"));
  EXPECT_GT(std::stoi(one("SELECT count(*) FROM alerts WHERE rule = 'velocity'")), 20);
}

}  // namespace
}  // namespace rivulet::examples
