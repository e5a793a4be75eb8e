#include "editor/context_menu.hpp"

#include <QActionGroup>
#include <QCoreApplication>
#include <QMenu>
#include <map>

#include "editor/commands.hpp"
#include "editor/edge_item.hpp"
#include "editor/graph_document.hpp"
#include "editor/graph_scene.hpp"

namespace rivulet::editor {
namespace {

QString tr(const char* text) { return QCoreApplication::translate("CanvasMenu", text); }

void addNodeEntries(QMenu& menu, const CanvasMenuActions& actions) {
  for (QAction* a : {actions.cut, actions.copy, actions.duplicate, actions.remove}) {
    menu.addAction(a);
  }
}

void addEdgeEntries(QMenu& menu, GraphScene& scene, const CanvasMenuActions& actions, int index) {
  menu.addAction(actions.remove);
  GraphDocument& document = scene.document();
  QMenu* partitioning = menu.addMenu(tr("Partitioning"));
  auto* group = new QActionGroup(partitioning);  // one kind at a time, shown as radio items
  for (auto kind : {graphs::PartitioningKind::Forward, graphs::PartitioningKind::Hash,
                    graphs::PartitioningKind::Broadcast, graphs::PartitioningKind::Rebalance}) {
    QAction* a = partitioning->addAction(QString::fromLatin1(graphs::to_string(kind)));
    a->setCheckable(true);
    a->setActionGroup(group);
    a->setChecked(document.graph().edges.at(index).partitioning.kind == kind);
    QObject::connect(a, &QAction::triggered, &document, [&document, index, kind] {
      if (index >= static_cast<int>(document.graph().edges.size())) return;
      graphs::Partitioning p = document.graph().edges[index].partitioning;
      if (p.kind == kind) return;
      p.kind = kind;
      if (kind != graphs::PartitioningKind::Hash) p.key_fields.clear();
      document.undoStack()->push(new SetPartitioningCommand(document, index, p));
    });
  }
  menu.addSeparator();
  QAction* preview = menu.addAction(tr("Preview records"));
  preview->setObjectName(QStringLiteral("actionPreviewRecords"));
  preview->setEnabled(static_cast<bool>(actions.preview_edge));
  if (!actions.preview_edge) preview->setToolTip(tr("Available in monitor mode, on a running job"));
  QObject::connect(preview, &QAction::triggered, &menu,
                   [preview_edge = actions.preview_edge, index] {
                     if (preview_edge) preview_edge(index);
                   });
}

void addCanvasEntries(QMenu& menu, GraphScene& scene, const CanvasMenuActions& actions,
                      const QPointF& scene_pos) {
  QAction* paste = menu.addAction(tr("Paste Here"));
  paste->setEnabled(actions.can_paste && actions.paste_at);
  QObject::connect(paste, &QAction::triggered, &menu,
                   [paste_at = actions.paste_at, scene_pos] { paste_at(scene_pos); });

  QMenu* add = menu.addMenu(tr("Add Operator"));
  add->setToolTipsVisible(true);
  std::map<std::string, QMenu*> groups;  // sorted by category, like the palette
  for (const auto& op : scene.document().catalog().operators) {
    groups.try_emplace(op.category.empty() ? "other" : op.category, nullptr);
  }
  for (auto& [category, group] : groups) {
    group = add->addMenu(QString::fromStdString(category));
    group->setToolTipsVisible(true);
  }
  for (const auto& op : scene.document().catalog().operators) {
    QMenu* group = groups[op.category.empty() ? "other" : op.category];
    QAction* a = group->addAction(QString::fromStdString(op.kind));
    a->setToolTip(QString::fromStdString(op.description));
    QObject::connect(a, &QAction::triggered, &scene,
                     [&scene, kind = op.kind, scene_pos] { scene.addOperator(kind, scene_pos); });
  }
  menu.addSeparator();
  for (QAction* a : {actions.select_all, actions.fit, actions.layout}) menu.addAction(a);
}

}  // namespace

std::unique_ptr<QMenu> buildCanvasMenu(GraphScene& scene, const CanvasMenuActions& actions,
                                       const QPointF& scene_pos, QWidget* parent) {
  auto menu = std::make_unique<QMenu>(parent);
  menu->setToolTipsVisible(true);
  QGraphicsItem* target = scene.graphItemAt(scene_pos);
  if (qgraphicsitem_cast<NodeItem*>(target)) {
    addNodeEntries(*menu, actions);
  } else if (auto* edge = qgraphicsitem_cast<EdgeItem*>(target);
             edge && scene.edgeIndex(edge) >= 0) {
    addEdgeEntries(*menu, scene, actions, scene.edgeIndex(edge));
  } else {
    addCanvasEntries(*menu, scene, actions, scene_pos);
  }
  return menu;
}

}  // namespace rivulet::editor
