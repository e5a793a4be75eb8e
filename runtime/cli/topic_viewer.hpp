#pragma once
// `rivulet run --show TOPIC`: a read_committed consumer that collects the records arriving on
// some topics so the run command can print them under its table (how the demo shows fraud
// alerts as they are produced). Runs on its own thread; the run command takes the lines.

#include <atomic>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace rivulet::cli {

class TopicViewer {
 public:
  // from_beginning: read each partition from its start (a fresh embedded broker), else only
  // what arrives from now on (an existing cluster's history is not ours to print).
  TopicViewer(std::string bootstrap_servers, std::vector<std::string> topics, bool from_beginning);
  ~TopicViewer();  // stops the thread and closes the consumer
  TopicViewer(const TopicViewer&) = delete;
  TopicViewer& operator=(const TopicViewer&) = delete;

  // Lines ("topic: value") that arrived since the last call, oldest first.
  std::vector<std::string> take();
  // Records seen so far, and any client error worth telling the user.
  std::uint64_t received() const { return received_.load(); }
  std::string error() const;

 private:
  void run();

  std::string bootstrap_;
  std::vector<std::string> topics_;
  bool from_beginning_;
  std::atomic<bool> stop_{false};
  std::atomic<std::uint64_t> received_{0};
  mutable std::mutex mutex_;
  std::deque<std::string> lines_;  // bounded: a flood keeps only the newest
  std::string error_;
  std::thread thread_;
};

}  // namespace rivulet::cli
