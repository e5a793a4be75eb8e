#pragma once
// The diff shown before a redeploy (graphs/graph_diff.hpp): added, removed and changed operators
// (kind, parallelism, parameters old → new, moved only), edges, and what the savepoint does with
// each stateful operator's state. Redeploying is refused while state would be lost unless the
// user ticks "drop it" (allow_non_restored_state), and while the node would refuse the restore.

#include <QDialog>
#include <optional>

#include "graphs/graph_diff.hpp"

class QCheckBox;
class QDialogButtonBox;
class QTreeWidget;

namespace rivulet::editor {

struct RedeployChoice {
  bool allow_non_restored_state = false;
};

class RedeployDialog : public QDialog {
  Q_OBJECT
 public:
  RedeployDialog(const graphs::GraphDiff& diff, const QString& job, QWidget* parent = nullptr);

  QTreeWidget* tree() const { return tree_; }
  QCheckBox* dropStateBox() const { return drop_state_; }
  // Whether "Redeploy" may be pressed now.
  bool canRedeploy() const;
  RedeployChoice choice() const;

 private:
  void updateButtons();

  graphs::GraphDiff diff_;
  QTreeWidget* tree_ = nullptr;
  QCheckBox* drop_state_ = nullptr;
  QDialogButtonBox* buttons_ = nullptr;
};

// Fills `tree` with the diff, one top-level row per section (tests read it).
void fillDiffTree(QTreeWidget& tree, const graphs::GraphDiff& diff);

// The default presenter: shows the dialog; nullopt when the user cancels.
std::optional<RedeployChoice> askToRedeploy(const graphs::GraphDiff& diff, const QString& job,
                                            QWidget* parent);

}  // namespace rivulet::editor
