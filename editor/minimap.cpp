#include "editor/minimap.hpp"

#include <QEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QScrollBar>

namespace rivulet::editor {
namespace {
constexpr int kWidth = 220;
constexpr int kHeight = 140;
constexpr int kMargin = 12;
}  // namespace

Minimap::Minimap(QGraphicsView& main_view)
    : QGraphicsView(main_view.scene(), main_view.viewport()), main_(main_view) {
  setFixedSize(kWidth, kHeight);
  setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  setInteractive(false);  // items cannot be selected or moved from here
  setRenderHint(QPainter::Antialiasing, false);
  setFrameShape(QFrame::Box);
  setBackgroundBrush(palette().color(QPalette::Base));
  setToolTip(tr("Overview: click to move the view"));
  // Scene changes come in bursts (a paste, a layout): refit once per burst.
  refit_timer_.setSingleShot(true);
  refit_timer_.setInterval(100);
  connect(&refit_timer_, &QTimer::timeout, this, &Minimap::refit);
  connect(main_.scene(), &QGraphicsScene::changed, &refit_timer_, qOverload<>(&QTimer::start));
  for (QScrollBar* bar : {main_.horizontalScrollBar(), main_.verticalScrollBar()}) {
    connect(bar, &QScrollBar::valueChanged, this, &Minimap::updateVisibility);
    connect(bar, &QScrollBar::rangeChanged, this, &Minimap::updateVisibility);
  }
  main_.viewport()->installEventFilter(this);
  refit();
}

void Minimap::refit() {
  bounds_ = scene()->itemsBoundingRect();
  if (!bounds_.isEmpty()) {
    setSceneRect(bounds_.adjusted(-200, -200, 200, 200));
    fitInView(sceneRect(), Qt::KeepAspectRatio);
  }
  updateVisibility();
}

void Minimap::updateVisibility() {
  // Only worth its corner when part of the graph is off screen; disabled means switched off in
  // the View menu.
  const QRectF visible = main_.mapToScene(main_.viewport()->rect()).boundingRect();
  setVisible(isEnabled() && !bounds_.isEmpty() && !visible.contains(bounds_));
  move(main_.viewport()->width() - kWidth - kMargin, main_.viewport()->height() - kHeight - kMargin);
  viewport()->update();
}

void Minimap::changeEvent(QEvent* event) {
  // The system switched between light and dark: the brush was taken from the old palette.
  if (event->type() == QEvent::PaletteChange) setBackgroundBrush(palette().color(QPalette::Base));
  QGraphicsView::changeEvent(event);
}

bool Minimap::eventFilter(QObject* watched, QEvent* event) {
  if (watched == main_.viewport() && event->type() == QEvent::Resize) updateVisibility();
  return QGraphicsView::eventFilter(watched, event);
}

void Minimap::drawForeground(QPainter* painter, const QRectF&) {
  const QRectF visible = main_.mapToScene(main_.viewport()->rect()).boundingRect();
  QColor fill = palette().color(QPalette::Highlight);
  fill.setAlpha(40);
  painter->setPen(QPen(palette().color(QPalette::Highlight), 0));
  painter->setBrush(fill);
  painter->drawRect(visible);
}

void Minimap::mousePressEvent(QMouseEvent* event) {
  main_.centerOn(mapToScene(event->position().toPoint()));
  event->accept();
}

void Minimap::mouseMoveEvent(QMouseEvent* event) {
  if (event->buttons() & Qt::LeftButton) main_.centerOn(mapToScene(event->position().toPoint()));
  event->accept();
}

void Minimap::wheelEvent(QWheelEvent* event) { event->accept(); }  // never scroll the overview

}  // namespace rivulet::editor
