#pragma once
// A live sample of the records crossing one edge, in a table whose columns are the edge's
// schema. Bounded: it keeps the newest maxRows() rows. The node's tap is rate-limited and says
// how many records it skipped; the dialog shows that total. Closing the dialog emits closed()
// so its owner drops the tap. When the tap stops it says why: ended (the job finished, the node
// refused it) or interrupted by a lost connection, then resumed once the owner re-opened it —
// the rows kept, the gap counted, so records missed meanwhile are not passed off as none.

#include <QDialog>
#include <cstdint>

#include "editor/control_metatypes.hpp"
#include "graphs/control_types.hpp"

class QLabel;
class QStandardItemModel;
class QTableView;

namespace rivulet::editor::monitor {

class PreviewDialog : public QDialog {
  Q_OBJECT
 public:
  static constexpr int kDefaultMaxRows = 500;

  // `schema` is the edge's schema as the validator computed it (may be empty when unknown: then
  // the first batch's schema names the columns).
  PreviewDialog(graphs::control::EdgeRef edge, graphs::Schema schema,
                int max_rows = kDefaultMaxRows, QWidget* parent = nullptr);

  const graphs::control::EdgeRef& edge() const { return edge_; }
  int maxRows() const { return max_rows_; }
  int rowCount() const;
  QStringList columns() const;
  QString cell(int row, int column) const;
  std::uint64_t skipped() const { return skipped_; }
  std::uint64_t received() const { return received_; }
  QString statusText() const;
  // The tap's state as the owner learns it.
  void setInterrupted(const QString& reason);
  void setResumed();
  void setEnded(const QString& reason);
  bool interrupted() const { return interrupted_; }
  int interruptions() const { return interruptions_; }
  const QString& endReason() const { return end_reason_; }

 public slots:
  void append(const graphs::control::PreviewRecords& records);

 signals:
  void closed();

 protected:
  void done(int result) override;

 private:
  void setColumns(const graphs::Schema& schema);
  void updateStatus();

  graphs::control::EdgeRef edge_;
  graphs::Schema schema_;
  int max_rows_;
  QStandardItemModel* model_ = nullptr;
  QTableView* table_ = nullptr;
  QLabel* status_ = nullptr;
  std::uint64_t skipped_ = 0;
  std::uint64_t received_ = 0;
  std::uint64_t malformed_ = 0;
  bool schema_changed_ = false;
  bool closed_ = false;
  bool interrupted_ = false;
  int interruptions_ = 0;
  QString interruption_reason_;
  QString end_reason_;
};

}  // namespace rivulet::editor::monitor
