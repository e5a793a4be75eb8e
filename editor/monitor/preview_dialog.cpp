#include "editor/monitor/preview_dialog.hpp"

#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QScrollBar>
#include <QStandardItemModel>
#include <QTableView>
#include <QVBoxLayout>

#include "editor/schema_text.hpp"

namespace rivulet::editor::monitor {
namespace {

bool sameFieldNames(const graphs::Schema& a, const graphs::Schema& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                    [](const auto& x, const auto& y) { return x.name == y.name; });
}

}  // namespace

PreviewDialog::PreviewDialog(graphs::control::EdgeRef edge, graphs::Schema schema, int max_rows,
                             QWidget* parent)
    : QDialog(parent), edge_(std::move(edge)), max_rows_(std::max(1, max_rows)) {
  setObjectName(QStringLiteral("previewDialog"));
  setWindowTitle(
      tr("Preview %1.%2 → %3.%4")
          .arg(QString::fromStdString(edge_.from_node), QString::fromStdString(edge_.from_port),
               QString::fromStdString(edge_.to_node), QString::fromStdString(edge_.to_port)));
  setModal(false);
  auto* layout = new QVBoxLayout(this);
  model_ = new QStandardItemModel(this);
  table_ = new QTableView(this);
  table_->setObjectName(QStringLiteral("previewTable"));
  table_->setModel(model_);
  table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  table_->horizontalHeader()->setStretchLastSection(true);
  layout->addWidget(table_);
  status_ = new QLabel(this);
  status_->setObjectName(QStringLiteral("previewStatus"));
  layout->addWidget(status_);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  layout->addWidget(buttons);
  resize(720, 420);
  setColumns(schema);
  updateStatus();
}

void PreviewDialog::setColumns(const graphs::Schema& schema) {
  schema_ = schema;
  model_->clear();
  QStringList headers;
  for (const auto& f : schema_) headers << QString::fromStdString(f.name);
  model_->setColumnCount(static_cast<int>(headers.size()));
  model_->setHorizontalHeaderLabels(headers);
  for (int c = 0; c < static_cast<int>(schema_.size()); ++c) {
    model_->horizontalHeaderItem(c)->setToolTip(schemaToText({schema_[c]}));
  }
}

int PreviewDialog::rowCount() const { return model_->rowCount(); }

QStringList PreviewDialog::columns() const {
  QStringList out;
  for (int c = 0; c < model_->columnCount(); ++c) {
    out << model_->headerData(c, Qt::Horizontal).toString();
  }
  return out;
}

QString PreviewDialog::cell(int row, int column) const {
  return model_->data(model_->index(row, column)).toString();
}

void PreviewDialog::append(const graphs::control::PreviewRecords& records) {
  if (closed_) return;
  // The node formats records by the schema it runs; if that is not what the editor computed
  // (the job runs another version of the graph), its columns win — and the user is told.
  if (!records.schema.empty() && !sameFieldNames(records.schema, schema_)) {
    schema_changed_ = !schema_.empty();
    setColumns(records.schema);
  }
  skipped_ += records.skipped;
  const bool at_bottom =
      table_->verticalScrollBar()->value() == table_->verticalScrollBar()->maximum();
  const int columns = model_->columnCount();
  for (const auto& row : records.rows) {
    ++received_;
    if (static_cast<int>(row.size()) != columns) ++malformed_;
    QList<QStandardItem*> items;
    for (int c = 0; c < columns; ++c) {
      items << new QStandardItem(c < static_cast<int>(row.size()) ? QString::fromStdString(row[c])
                                                                  : tr("(missing)"));
    }
    model_->appendRow(items);
  }
  if (const int excess = model_->rowCount() - max_rows_; excess > 0) {
    model_->removeRows(0, excess);
  }
  if (at_bottom) table_->scrollToBottom();  // follow the stream unless the user scrolled up
  updateStatus();
}

QString PreviewDialog::statusText() const { return status_->text(); }

void PreviewDialog::setInterrupted(const QString& reason) {
  if (closed_) return;
  if (!interrupted_) ++interruptions_;
  interrupted_ = true;
  interruption_reason_ = reason;
  end_reason_.clear();
  updateStatus();
}

void PreviewDialog::setResumed() {
  if (closed_ || !interrupted_) return;
  interrupted_ = false;
  updateStatus();
}

void PreviewDialog::setEnded(const QString& reason) {
  if (closed_) return;
  end_reason_ = reason;
  updateStatus();
}

void PreviewDialog::updateStatus() {
  QStringList parts;
  parts << tr("%1 records received, showing the last %2 (at most %3)")
               .arg(received_)
               .arg(model_->rowCount())
               .arg(max_rows_);
  parts << tr("%1 skipped by the rate limit").arg(skipped_);
  if (malformed_) parts << tr("%1 with a wrong number of values").arg(malformed_);
  if (schema_changed_) parts << tr("the running job's schema differs from the editor's graph");
  if (interrupted_) {
    parts << tr("interrupted: %1 — reopening when the node is back").arg(interruption_reason_);
  } else if (interruptions_ > 0) {
    parts << (interruptions_ == 1
                  ? tr("resumed after an interruption (records crossing meanwhile were missed)")
                  : tr("resumed after %1 interruptions (records crossing meanwhile were missed)")
                        .arg(interruptions_));
  }
  if (!end_reason_.isEmpty()) parts << tr("ended: %1").arg(end_reason_);
  status_->setText(parts.join(QStringLiteral(" · ")));
  status_->setStyleSheet(interrupted_ || !end_reason_.isEmpty()
                             ? QStringLiteral("color: #c62828; font-weight: bold")
                             : QString());
}

void PreviewDialog::done(int result) {
  if (!closed_) {
    closed_ = true;
    emit closed();
  }
  QDialog::done(result);
}

}  // namespace rivulet::editor::monitor
