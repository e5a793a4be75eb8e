#pragma once
// The threads the editor's node RPCs run on, and the two pieces that carry their results back
// safely. NodeClient calls block (up to their timeouts) and stream callbacks run on the client's
// own thread, so neither may touch widgets: calls run on rpcPool(), and everything they produce
// reaches the GUI thread through a Mailbox as a queued call.

#include <QObject>
#include <QThreadPool>
#include <functional>
#include <memory>
#include <mutex>

#include "client/node_client.hpp"

namespace rivulet::editor {

// Shared by every node connection; its threads are not the GUI thread. Several threads, so a
// savepoint that takes seconds does not hold up the next jobs() poll.
QThreadPool& rpcPool();

// Runs `work` on rpcPool().
void runOffGuiThread(std::function<void()> work);

// Delivers functions from any thread to `receiver`'s thread as queued calls, until close():
// the receiver calls close() first thing in its destructor, and Qt drops calls already queued
// for an object when it is destroyed, so nothing runs on a dead receiver.
class Mailbox {
 public:
  explicit Mailbox(QObject* receiver) : receiver_(receiver) {}
  void post(std::function<void()> fn) {
    std::lock_guard lock(mutex_);
    if (receiver_ != nullptr) {
      QMetaObject::invokeMethod(receiver_, std::move(fn), Qt::QueuedConnection);
    }
  }
  void close() {
    std::lock_guard lock(mutex_);
    receiver_ = nullptr;
  }

 private:
  std::mutex mutex_;
  QObject* receiver_;
};

// Where a stream handle (subscription, preview tap, event watch) lands once the node answered.
// The GUI thread may cancel before or after that; either way the handle is dropped off the GUI
// thread and never on the client's own thread (NodeClient's rule).
class HandleSlot {
 public:
  // On an RPC thread, with the node's answer.
  void fill(std::unique_ptr<client::StreamHandle> handle);
  // On the GUI thread: ends the stream (now, or as soon as the handle arrives).
  void cancel();
  bool cancelled() const;

 private:
  mutable std::mutex mutex_;
  std::unique_ptr<client::StreamHandle> handle_;
  bool cancelled_ = false;
};

// Drops a client or handle on an RPC thread: destroying them joins or calls into the client's
// thread, which the GUI thread should not wait for.
void releaseOffGuiThread(std::shared_ptr<void> object);

}  // namespace rivulet::editor
