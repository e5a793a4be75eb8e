#pragma once
// Runs NodeService calls off the control server's event loop. Some of them block for a long
// time (stop with a savepoint waits for the job to end), and none of them may stall the loop
// that serves every other client; the answer comes back as a kj promise fulfilled from the
// worker thread.

#include <kj/async.h>
#include <kj/debug.h>
#include <kj/function.h>

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace rivulet::runtime::node {

class CallPool {
 public:
  // `name` appears in the "busy" message; at most `max_queued` calls wait for a thread.
  CallPool(std::string name, std::size_t threads, std::size_t max_queued);
  ~CallPool();  // finishes the running calls, drops the queued ones
  CallPool(const CallPool&) = delete;
  CallPool& operator=(const CallPool&) = delete;

  // Call on the event loop's thread. `call` runs on a worker; an exception it throws rejects
  // the promise. A full queue rejects at once (OVERLOADED) rather than growing without bound.
  template <class Call>
  auto run(Call&& call) -> kj::Promise<decltype(call())> {
    using T = decltype(call());
    // The value travels in `slot`, the fulfiller only signals: kj's cross-thread fulfiller of a
    // value type trips GCC's maybe-uninitialized analysis at -O3.
    auto slot = std::make_shared<std::optional<T>>();
    auto paf = kj::newPromiseAndCrossThreadFulfiller<void>();
    bool queued = enqueue(
        [call = std::forward<Call>(call), slot, fulfiller = kj::mv(paf.fulfiller)]() mutable {
          try {
            slot->emplace(call());
            fulfiller->fulfill();
          } catch (const std::exception& e) {
            fulfiller->reject(KJ_EXCEPTION(FAILED, "the node failed to answer", e.what()));
          } catch (...) {
            fulfiller->reject(KJ_EXCEPTION(FAILED, "the node failed to answer"));
          }
        });
    if (!queued) {
      return KJ_EXCEPTION(OVERLOADED, "the node is busy; try again", name_);
    }
    return paf.promise.then([slot]() -> T { return std::move(**slot); });
  }

 private:
  bool enqueue(kj::Function<void()> task);
  void work();

  std::string name_;
  std::size_t max_queued_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<kj::Function<void()>> queue_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace rivulet::runtime::node
