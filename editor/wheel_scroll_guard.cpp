#include "editor/wheel_scroll_guard.hpp"

#include <QAbstractSpinBox>
#include <QApplication>
#include <QComboBox>
#include <QEvent>
#include <QLineEdit>
#include <QScrollArea>
#include <QScrollBar>

namespace rivulet::editor {

WheelScrollGuard::WheelScrollGuard(QScrollArea& area, QObject* parent)
    : QObject(parent), area_(area) {}

void WheelScrollGuard::guard(QWidget& form) {
  for (QAbstractSpinBox* spin : form.findChildren<QAbstractSpinBox*>()) {
    spin->setFocusPolicy(Qt::StrongFocus);
    spin->installEventFilter(this);
    // The pointer is usually over the spin box's line edit, which gets the turn first.
    if (auto* text = spin->findChild<QLineEdit*>()) text->installEventFilter(this);
  }
  for (QComboBox* combo : form.findChildren<QComboBox*>()) {
    combo->setFocusPolicy(Qt::StrongFocus);
    combo->installEventFilter(this);
  }
}

bool WheelScrollGuard::eventFilter(QObject* watched, QEvent* event) {
  if (event->type() != QEvent::Wheel) return QObject::eventFilter(watched, event);
  // The same turn, given to the inspector's scroll bar: the form moves, the value does not.
  QApplication::sendEvent(area_.verticalScrollBar(), event);
  return true;
}

}  // namespace rivulet::editor
