#include "editor/nodes/node_store.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSettings>
#include <QStandardPaths>
#include <algorithm>
#include <cerrno>
#include <cstring>

#include "graphs/control_token.hpp"

#ifdef RIVULET_HAVE_QTKEYCHAIN
#include <qt6keychain/keychain.h>
#endif

namespace rivulet::editor {
namespace {

const QString kListKey = QStringLiteral("nodes/list");
const QString kKeychainService = QStringLiteral("rivulet-editor node token");

QString place_text(TokenPlace place) {
  switch (place) {
    case TokenPlace::Keychain:
      return QStringLiteral("keychain");
    case TokenPlace::File:
      return QStringLiteral("file");
    case TokenPlace::None:
      break;
  }
  return QString();
}

TokenPlace parse_place(const QString& text) {
  if (text == QLatin1String("keychain")) return TokenPlace::Keychain;
  if (text == QLatin1String("file")) return TokenPlace::File;
  return TokenPlace::None;
}

std::string errno_text() { return std::strerror(errno); }

// Writes `token` to `path` through a private temporary file and a rename, so the token is never
// in a file others could read, not even for a moment, and a crash leaves the old one whole.
graphs::Status write_private(const QString& path, const std::string& token) {
  const std::string final_path = path.toStdString();
  const std::string temp = final_path + ".tmp";
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return graphs::Error{"cannot write the token file " + temp + ": " + errno_text()};
  // The umask cannot widen 0600, but an older file of that name could have other bits.
  bool ok = ::fchmod(fd, 0600) == 0;
  const std::string text = token + "\n";
  ok = ok && ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ok = ::fsync(fd) == 0 && ok;
  ::close(fd);
  if (!ok || ::rename(temp.c_str(), final_path.c_str()) != 0) {
    const std::string why = errno_text();
    ::unlink(temp.c_str());
    return graphs::Error{"cannot write the token file " + final_path + ": " + why};
  }
  return graphs::Ok{};
}

}  // namespace

NodeStore::NodeStore(QString token_dir) : token_dir_(std::move(token_dir)) {
  if (token_dir_.isEmpty()) {
    token_dir_ = QStandardPaths::writableLocation(QStandardPaths::AppConfigLocation) +
                 QStringLiteral("/node-tokens");
  }
}

std::vector<RememberedNode> NodeStore::nodes() const {
  std::vector<RememberedNode> out;
  QSettings settings;
  const int count = settings.beginReadArray(kListKey);
  for (int i = 0; i < count; ++i) {
    settings.setArrayIndex(i);
    RememberedNode node;
    node.name = settings.value(QStringLiteral("name")).toString();
    node.address = settings.value(QStringLiteral("address")).toString();
    node.token = parse_place(settings.value(QStringLiteral("tokenIn")).toString());
    if (!node.address.isEmpty()) out.push_back(node);
  }
  settings.endArray();
  return out;
}

void NodeStore::save(const std::vector<RememberedNode>& nodes) const {
  QSettings settings;
  settings.remove(kListKey);
  settings.beginWriteArray(kListKey, static_cast<int>(nodes.size()));
  for (int i = 0; i < static_cast<int>(nodes.size()); ++i) {
    settings.setArrayIndex(i);
    settings.setValue(QStringLiteral("name"), nodes[i].name);
    settings.setValue(QStringLiteral("address"), nodes[i].address);
    settings.setValue(QStringLiteral("tokenIn"), place_text(nodes[i].token));
  }
  settings.endArray();
}

void NodeStore::remember(const QString& name, const QString& address) {
  auto list = nodes();
  for (RememberedNode& n : list) {
    if (n.address == address) {
      n.name = name;
      save(list);
      return;
    }
  }
  list.push_back({name, address, TokenPlace::None});
  save(list);
}

void NodeStore::setPlace(const QString& address, TokenPlace place) {
  auto list = nodes();
  for (RememberedNode& n : list) {
    if (n.address == address) n.token = place;
  }
  save(list);
}

void NodeStore::remove(const QString& address) {
  auto list = nodes();
  list.erase(std::remove_if(list.begin(), list.end(),
                            [&](const RememberedNode& n) { return n.address == address; }),
             list.end());
  save(list);
  QFile::remove(tokenPath(address));
#ifdef RIVULET_HAVE_QTKEYCHAIN
  if (keychainAvailable()) {
    auto* job = new QKeychain::DeletePasswordJob(kKeychainService);  // deletes itself
    job->setKey(address);
    job->start();
  }
#endif
}

bool NodeStore::keychainAvailable() {
#ifdef RIVULET_HAVE_QTKEYCHAIN
  // Every Linux keychain is reached over the session bus; without one a job can only fail.
#ifdef Q_OS_LINUX
  return !qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS");
#else
  return true;
#endif
#else
  return false;
#endif
}

void NodeStore::storeToken(const QString& address, const std::string& token,
                           std::function<void(const graphs::Result<TokenPlace>&)> done) {
  // Callbacks may run after this store is gone: they work on a copy (a directory path).
  NodeStore store = *this;
  auto to_file = [store, address, token, done]() mutable {
    if (token.empty()) {
      QFile::remove(store.tokenPath(address));
      store.setPlace(address, TokenPlace::None);
      done(TokenPlace::None);
      return;
    }
    if (auto written = store.writeTokenFile(address, token); !written) {
      done(written.error());
      return;
    }
    store.setPlace(address, TokenPlace::File);
    done(TokenPlace::File);
  };
#ifdef RIVULET_HAVE_QTKEYCHAIN
  if (keychainAvailable()) {
    QKeychain::Job* job = nullptr;
    if (token.empty()) {
      job = new QKeychain::DeletePasswordJob(kKeychainService);
    } else {
      auto* write = new QKeychain::WritePasswordJob(kKeychainService);
      write->setTextData(QString::fromStdString(token));
      job = write;
    }
    job->setKey(address);
    QObject::connect(
        job, &QKeychain::Job::finished,
        [store, address, token, done, to_file](QKeychain::Job* finished) mutable {
          const bool ok = finished->error() == QKeychain::NoError ||
                          (token.empty() && finished->error() == QKeychain::EntryNotFound);
          if (!ok) {
            to_file();  // no keychain after all (locked, refused, no service): the private file
            return;
          }
          QFile::remove(store.tokenPath(address));  // an older copy in a file goes
          const TokenPlace place = token.empty() ? TokenPlace::None : TokenPlace::Keychain;
          store.setPlace(address, place);
          done(place);
        });
    job->start();
    return;
  }
#endif
  to_file();
}

void NodeStore::loadToken(const QString& address,
                          std::function<void(const graphs::Result<std::string>&)> done) const {
  TokenPlace place = TokenPlace::None;
  for (const RememberedNode& n : nodes()) {
    if (n.address == address) place = n.token;
  }
  if (place == TokenPlace::None && QFileInfo::exists(tokenPath(address))) place = TokenPlace::File;
  switch (place) {
    case TokenPlace::None:
      done(std::string());
      return;
    case TokenPlace::File:
      done(readTokenFile(address));
      return;
    case TokenPlace::Keychain:
      break;
  }
#ifdef RIVULET_HAVE_QTKEYCHAIN
  auto* job = new QKeychain::ReadPasswordJob(kKeychainService);
  job->setKey(address);
  QObject::connect(job, &QKeychain::Job::finished, [address, done](QKeychain::Job* finished) {
    auto* read = static_cast<QKeychain::ReadPasswordJob*>(finished);
    if (read->error() != QKeychain::NoError) {
      done(graphs::Error{"the token of node " + address.toStdString() +
                         " is not in the keychain: " + read->errorString().toStdString()});
      return;
    }
    done(read->textData().toStdString());
  });
  job->start();
#else
  done(graphs::Error{"the token of node " + address.toStdString() +
                     " is in a keychain, but this build has no keychain support"});
#endif
}

graphs::Status NodeStore::writeTokenFile(const QString& address, const std::string& token) {
  // 0700: the directory's listing (which nodes have tokens) is private too.
  if (!QDir().mkpath(token_dir_) || ::chmod(token_dir_.toStdString().c_str(), 0700) != 0) {
    return graphs::Error{"cannot create the token directory " + token_dir_.toStdString()};
  }
  return write_private(tokenPath(address), token);
}

graphs::Result<std::string> NodeStore::readTokenFile(const QString& address) const {
  const QString path = tokenPath(address);
  if (!QFileInfo::exists(path)) return std::string();
  return graphs::control::read_token_file(path.toStdString());
}

QString NodeStore::tokenPath(const QString& address) const {
  // The address may hold ':' and '/': name the file by its hash.
  const QByteArray hash =
      QCryptographicHash::hash(address.toUtf8(), QCryptographicHash::Sha256).toHex().left(32);
  return token_dir_ + QLatin1Char('/') + QString::fromLatin1(hash) + QStringLiteral(".token");
}

}  // namespace rivulet::editor
