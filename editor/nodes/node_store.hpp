#pragma once
// The runtime nodes the editor remembers. Name and address go to QSettings ("nodes/list"); a
// token never does. It goes to the platform keychain (QtKeychain: the Secret Service, KWallet,
// macOS Keychain, Windows Credential Store) when the build has QtKeychain and a keychain answers;
// otherwise, and whenever the keychain fails, to a file only its user may read or write (0600,
// in a 0700 directory under QStandardPaths::AppConfigLocation, "node-tokens/"), read back with
// the same check the CLI applies to --token-file (graphs/control_token.hpp). QSettings records
// only where each token is.
//
// Keychain calls are asynchronous (a desktop may ask the user to unlock it): storeToken and
// loadToken answer through a callback on the calling (GUI) thread.

#include <QObject>
#include <QString>
#include <functional>
#include <string>
#include <vector>

#include "graphs/result.hpp"

namespace rivulet::editor {

enum class TokenPlace { None, Keychain, File };

struct RememberedNode {
  QString name;  // shown in the Nodes panel; the address when empty
  QString address;
  TokenPlace token = TokenPlace::None;
  bool operator==(const RememberedNode&) const = default;
};

class NodeStore {
 public:
  // `token_dir` empty: AppConfigLocation/node-tokens.
  explicit NodeStore(QString token_dir = {});

  std::vector<RememberedNode> nodes() const;
  // Adds or replaces the node with this address (its token place is kept).
  void remember(const QString& name, const QString& address);
  // Forgets the node and deletes its token wherever it is.
  void remove(const QString& address);

  // Stores (or, when empty, deletes) the node's token: keychain first, the private file as the
  // fallback. `done` gets where it went, or why it could not be stored at all.
  void storeToken(const QString& address, const std::string& token,
                  std::function<void(const graphs::Result<TokenPlace>&)> done);
  // The stored token ("" when none), from where storeToken put it.
  void loadToken(const QString& address,
                 std::function<void(const graphs::Result<std::string>&)> done) const;

  // Whether the build has QtKeychain and a session bus to reach a keychain through. Without
  // one (headless machines, the tests) tokens go straight to the private file.
  static bool keychainAvailable();

  // The file backend, also used directly by the fallback.
  [[nodiscard]] graphs::Status writeTokenFile(const QString& address, const std::string& token);
  [[nodiscard]] graphs::Result<std::string> readTokenFile(const QString& address) const;
  QString tokenPath(const QString& address) const;
  const QString& tokenDirectory() const { return token_dir_; }

 private:
  void setPlace(const QString& address, TokenPlace place);
  void save(const std::vector<RememberedNode>& nodes) const;
  QString token_dir_;
};

}  // namespace rivulet::editor
