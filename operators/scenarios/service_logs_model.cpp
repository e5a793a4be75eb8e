#include "operators/scenarios/service_logs_model.hpp"

#include <algorithm>
#include <array>
#include <string>
#include <vector>

#include "operators/scenarios/scheduled_events.hpp"
#include "operators/scenarios/sim_random.hpp"
#include "operators/spec_builder.hpp"

namespace rivulet::operators::scenarios {
namespace {

using graphs::FieldType;

constexpr double kErrorBurstRate = 0.00002;  // per ordinary line
constexpr double kNewErrorRate = 0.00004;
constexpr double kFailedLoginsRate = 0.00003;
constexpr double kWarnRate = 0.04;
constexpr double kAuthFailedLogin = 0.03;  // of the auth service's lines
constexpr std::size_t kAuth = 0;           // index of the auth service

constexpr std::array<std::string_view, 12> kServices = {
    "auth",    "payments",  "search",  "cart",          "catalog",  "checkout",
    "gateway", "inventory", "profile", "notifications", "shipping", "recommendations"};
constexpr std::array<double, 12> kServiceWeights = {8, 6, 14, 9, 12, 5, 20, 6, 5, 5, 4, 6};
constexpr std::array<std::string_view, 4> kInfo = {
    "request served", "cache hit", "request served from replica", "health check ok"};
constexpr std::array<std::string_view, 3> kWarn = {"slow response", "retrying upstream call",
                                                   "connection pool nearly exhausted"};
constexpr std::array<std::string_view, 4> kErrors = {
    "upstream timeout", "database connection refused", "null reference in handler",
    "out of memory while serialising response"};
constexpr std::array<std::string_view, 5> kExceptions = {
    "IllegalStateException", "SegmentationFault", "DeadlineExceeded", "ConstraintViolation",
    "CertificateExpired"};

struct Line {
  std::uint16_t service = 0;
  std::uint16_t host = 0;
  std::string_view level;
  std::string message;
  std::int64_t status = 200;
  std::uint32_t user = 0;
  std::uint32_t address = 0;  // an IPv4 address as a number
  std::string_view pattern;
};

std::string address_text(std::uint32_t a) {
  return std::to_string(a >> 24) + "." + std::to_string((a >> 16) & 255) + "." +
         std::to_string((a >> 8) & 255) + "." + std::to_string(a & 255);
}

class ServiceLogsModel final : public ScenarioModel {
 public:
  explicit ServiceLogsModel(const ScenarioConfig& config)
      : config_(config),
        random_(config.seed),
        next_line_ms_(static_cast<double>(config.start_time_ms)) {
    for (std::size_t i = 0; i < kServices.size(); ++i)
      error_rates_.push_back(random_.uniform(0.005, 0.03));
  }

  const graphs::Schema& schema() const override { return service_logs_schema(); }
  std::size_t time_field() const override { return 7; }
  std::size_t key_field() const override { return 0; }

  std::int64_t advance() override {
    const auto background = static_cast<std::int64_t>(next_line_ms_);
    if (!scheduled_.empty() && scheduled_.next_time() <= background) {
      current_time_ms_ = scheduled_.next_time();
      current_ = scheduled_.pop();
    } else {
      current_time_ms_ = background;
      current_ = ordinary();
      next_line_ms_ += random_.exponential(1000.0 / config_.rate);
      inject_patterns(background);
    }
    return current_time_ms_;
  }

  void write(runtime::BatchBuilder& out, std::int64_t event_time_ms) const override {
    out.append_string(0, kServices[current_.service]);
    out.append_string(1, std::string(kServices[current_.service]) + "-" +
                             std::to_string(config_.subtask_index) + "-" +
                             std::to_string(current_.host));
    out.append_string(2, current_.level);
    out.append_string(3, current_.message);
    out.append_int64(4, current_.status);
    out.append_string(5, "user-" + std::to_string(current_.user));
    out.append_string(6, address_text(current_.address));
    out.append_int64(7, event_time_ms);
    out.append_string(8, current_.pattern);
  }

 private:
  template <std::size_t N>
  std::string_view pick(const std::array<std::string_view, N>& items) {
    return items[static_cast<std::size_t>(random_.uniform_int(0, N - 1))];
  }
  std::uint32_t random_address() {  // 10.0.0.0/8 clients
    return (10u << 24) | static_cast<std::uint32_t>(random_.uniform_int(0, (1 << 24) - 1));
  }
  std::uint32_t random_user() { return static_cast<std::uint32_t>(random_.uniform_int(1, 50'000)); }

  Line error_line(std::uint16_t service, std::string_view pattern) {
    Line l;
    l.service = service;
    l.host = static_cast<std::uint16_t>(random_.uniform_int(1, 3));
    l.level = "ERROR";
    l.message = std::string(pick(kErrors));
    l.status = random_.bernoulli(0.5) ? 500 : 503;
    l.user = random_user();
    l.address = random_address();
    l.pattern = pattern;
    return l;
  }

  Line failed_login(std::uint32_t address, std::string_view pattern) {
    Line l;
    l.service = kAuth;
    l.host = static_cast<std::uint16_t>(random_.uniform_int(1, 3));
    l.level = "WARN";
    l.user = random_user();
    l.message = "login failed";
    l.status = 401;
    l.address = address;
    l.pattern = pattern;
    return l;
  }

  Line ordinary() {
    const auto service = static_cast<std::uint16_t>(random_.weighted(kServiceWeights));
    if (service == kAuth && random_.bernoulli(kAuthFailedLogin))
      return failed_login(random_address(), "");
    if (random_.bernoulli(error_rates_[service])) return error_line(service, "");
    Line l;
    l.service = service;
    l.host = static_cast<std::uint16_t>(random_.uniform_int(1, 3));
    l.user = random_user();
    l.address = random_address();
    l.pattern = "";
    if (random_.bernoulli(kWarnRate)) {
      l.level = "WARN";
      l.message = std::string(pick(kWarn));
      l.status = 429;
    } else {
      l.level = "INFO";
      l.message = service == kAuth ? "login succeeded" : std::string(pick(kInfo));
      l.status = 200;
    }
    return l;
  }

  void inject_patterns(std::int64_t now) {
    const double scale = config_.pattern_scale;
    if (random_.bernoulli(kErrorBurstRate * scale)) {
      const auto service = static_cast<std::uint16_t>(random_.uniform_int(1, kServices.size() - 1));
      const std::int64_t span = random_.uniform_int(60'000, 120'000);
      const std::int64_t lines = random_.uniform_int(100, 200);
      for (std::int64_t i = 0; i < lines; ++i) {
        scheduled_.schedule(now + random_.uniform_int(0, span), error_line(service, "error_burst"));
      }
    }
    if (random_.bernoulli(kNewErrorRate * scale)) {
      const auto service = static_cast<std::uint16_t>(random_.uniform_int(0, kServices.size() - 1));
      Line l = error_line(service, "new_error");
      // Never one of the usual messages: a fresh exception with its own code.
      l.message = "unhandled " + std::string(pick(kExceptions)) + " (code " +
                  std::to_string(config_.subtask_index) + "-" + std::to_string(new_errors_++) + ")";
      const std::int64_t lines = random_.uniform_int(1, 5);
      for (std::int64_t i = 0; i < lines; ++i)
        scheduled_.schedule(now + random_.uniform_int(0, 30'000), l);
    }
    if (random_.bernoulli(kFailedLoginsRate * scale)) {
      // From outside the clients' network, so an injected attacker never shares an address with
      // the ordinary failed logins.
      const std::uint32_t address = (203u << 24) | (0u << 16) | (113u << 8) |
                                    static_cast<std::uint32_t>(random_.uniform_int(1, 254));
      const std::int64_t lines = random_.uniform_int(20, 40);
      for (std::int64_t i = 0; i < lines; ++i) {
        scheduled_.schedule(now + random_.uniform_int(0, 60'000),
                            failed_login(address, "failed_logins"));
      }
    }
  }

  ScenarioConfig config_;
  SimRandom random_;
  double next_line_ms_;
  std::vector<double> error_rates_;
  std::uint64_t new_errors_ = 0;
  ScheduledEvents<Line> scheduled_;
  std::int64_t current_time_ms_ = 0;
  Line current_;
};

}  // namespace

const graphs::Schema& service_logs_schema() {
  static const graphs::Schema schema = {
      spec::field("service", FieldType::String),   spec::field("host", FieldType::String),
      spec::field("level", FieldType::String),     spec::field("message", FieldType::String),
      spec::field("status", FieldType::Int64),     spec::field("user", FieldType::String),
      spec::field("source_ip", FieldType::String), spec::field("ts", FieldType::Timestamp),
      spec::field("pattern", FieldType::String)};
  return schema;
}

std::unique_ptr<ScenarioModel> make_service_logs_model(const ScenarioConfig& config) {
  return std::make_unique<ServiceLogsModel>(config);
}

}  // namespace rivulet::operators::scenarios
