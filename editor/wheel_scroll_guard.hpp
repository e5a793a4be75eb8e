#pragma once
// Mouse-wheel turns over the inspector's spin boxes and drop-downs scroll the inspector instead
// of changing the value under the pointer: scrolling through a long form must never edit it.
// The fields take focus by click or Tab only (Qt::StrongFocus), never by the wheel.

#include <QObject>

class QScrollArea;
class QWidget;

namespace rivulet::editor {

class WheelScrollGuard : public QObject {
 public:
  explicit WheelScrollGuard(QScrollArea& area, QObject* parent = nullptr);

  // Guards every spin box and drop-down inside `form` (call again after rebuilding it).
  void guard(QWidget& form);

 protected:
  bool eventFilter(QObject* watched, QEvent* event) override;

 private:
  QScrollArea& area_;
};

}  // namespace rivulet::editor
