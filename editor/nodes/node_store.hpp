#pragma once
// The runtime nodes the editor remembers. Name and address go to QSettings ("nodes/list");
// a token never does: it goes to a file only its user may read or write (0600, in a 0700
// directory under QStandardPaths::AppConfigLocation, "node-tokens/"), one per node, read back
// with the same check the CLI applies to --token-file (graphs/control_token.hpp).
//
// Debian packages QtKeychain (qtkeychain-qt6-dev), but a keychain needs a running secret service,
// which the test machines and headless nodes do not have; the private file is what works
// everywhere, and is what ssh does for keys.

#include <QString>
#include <string>
#include <vector>

#include "graphs/result.hpp"

namespace rivulet::editor {

struct RememberedNode {
  QString name;  // shown in the Nodes panel; the address when empty
  QString address;
  bool has_token = false;
  bool operator==(const RememberedNode&) const = default;
};

class NodeStore {
 public:
  // `token_dir` empty: AppConfigLocation/node-tokens.
  explicit NodeStore(QString token_dir = {});

  std::vector<RememberedNode> nodes() const;
  // Adds or replaces the node with this address; an empty token removes a stored one.
  [[nodiscard]] graphs::Status add(const RememberedNode& node, const std::string& token);
  void remove(const QString& address);
  // The stored token, "" when the node has none.
  [[nodiscard]] graphs::Result<std::string> token(const QString& address) const;
  QString tokenPath(const QString& address) const;
  const QString& tokenDirectory() const { return token_dir_; }

 private:
  void save(const std::vector<RememberedNode>& nodes) const;
  QString token_dir_;
};

}  // namespace rivulet::editor
