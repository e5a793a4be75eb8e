#include "editor/nodes/rpc_threads.hpp"

#include <QCoreApplication>

namespace rivulet::editor {

QThreadPool& rpcPool() {
  // Owned by the application, so it is waited for (every call has a timeout) before Qt goes.
  static QThreadPool* pool = [] {
    auto* p = new QThreadPool(QCoreApplication::instance());
    p->setMaxThreadCount(8);
    p->setExpiryTimeout(30000);
    return p;
  }();
  return *pool;
}

void runOffGuiThread(std::function<void()> work) { rpcPool().start(std::move(work)); }

void releaseOffGuiThread(std::shared_ptr<void> object) {
  if (object) runOffGuiThread([object = std::move(object)]() mutable { object.reset(); });
}

void HandleSlot::fill(std::unique_ptr<client::StreamHandle> handle) {
  std::unique_lock lock(mutex_);
  if (!cancelled_) {
    handle_ = std::move(handle);
    return;
  }
  lock.unlock();
  handle.reset();  // cancelled meanwhile: end it right here, on the RPC thread
}

void HandleSlot::cancel() {
  std::unique_ptr<client::StreamHandle> handle;
  {
    std::lock_guard lock(mutex_);
    cancelled_ = true;
    handle = std::move(handle_);
  }
  releaseOffGuiThread(std::shared_ptr<client::StreamHandle>(std::move(handle)));
}

bool HandleSlot::cancelled() const {
  std::lock_guard lock(mutex_);
  return cancelled_;
}

}  // namespace rivulet::editor
