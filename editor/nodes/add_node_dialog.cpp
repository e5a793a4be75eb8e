#include "editor/nodes/add_node_dialog.hpp"

#include <QDialog>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>

#include "graphs/control_token.hpp"

namespace rivulet::editor {

std::optional<NodesPanel::NodeEntry> askForNode(QWidget* parent) {
  QDialog dialog(parent);
  dialog.setWindowTitle(QObject::tr("Add Node"));
  auto* form = new QFormLayout(&dialog);
  auto* address = new QLineEdit(QStringLiteral("127.0.0.1:7400"), &dialog);
  auto* name = new QLineEdit(&dialog);
  name->setPlaceholderText(QObject::tr("(the address)"));
  auto* token = new QLineEdit(&dialog);
  token->setEchoMode(QLineEdit::Password);
  token->setPlaceholderText(QObject::tr("(none)"));
  auto* from_file = new QPushButton(QObject::tr("From file…"), &dialog);
  auto* token_row = new QHBoxLayout;
  token_row->addWidget(token);
  token_row->addWidget(from_file);
  auto* error = new QLabel(&dialog);
  error->setWordWrap(true);
  form->addRow(QObject::tr("Address (host:port)"), address);
  form->addRow(QObject::tr("Name"), name);
  form->addRow(QObject::tr("Token"), token_row);
  form->addRow(error);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
  form->addRow(buttons);
  QObject::connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
  QObject::connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
  QObject::connect(from_file, &QPushButton::clicked, &dialog, [&] {
    const QString path = QFileDialog::getOpenFileName(&dialog, QObject::tr("Token file"));
    if (path.isEmpty()) return;
    auto read = graphs::control::read_token_file(path.toStdString());
    if (read) {
      token->setText(QString::fromStdString(*read));
      error->clear();
    } else {
      error->setText(QString::fromStdString(read.error().message));
    }
  });
  if (dialog.exec() != QDialog::Accepted || address->text().trimmed().isEmpty()) {
    return std::nullopt;
  }
  return NodesPanel::NodeEntry{name->text().trimmed(), address->text().trimmed(),
                               token->text().toStdString()};
}

}  // namespace rivulet::editor
