#include "runtime/node/call_pool.hpp"

#include <optional>

namespace rivulet::runtime::node {

CallPool::CallPool(std::string name, std::size_t threads, std::size_t max_queued)
    : name_(std::move(name)), max_queued_(max_queued) {
  threads_.reserve(threads);
  for (std::size_t i = 0; i < threads; ++i) threads_.emplace_back([this] { work(); });
}

CallPool::~CallPool() {
  std::deque<kj::Function<void()>> dropped;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    dropped.swap(queue_);
  }
  wake_.notify_all();
  for (auto& thread : threads_) thread.join();
  // `dropped` goes out of scope here: their fulfillers reject promises nobody waits for.
}

bool CallPool::enqueue(kj::Function<void()> task) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ || queue_.size() >= max_queued_) return false;
    queue_.push_back(kj::mv(task));
  }
  wake_.notify_one();
  return true;
}

void CallPool::work() {
  for (;;) {
    std::optional<kj::Function<void()>> task;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      task.emplace(kj::mv(queue_.front()));
      queue_.pop_front();
    }
    (*task)();
  }
}

}  // namespace rivulet::runtime::node
