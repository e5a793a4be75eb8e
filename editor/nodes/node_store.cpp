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

namespace rivulet::editor {
namespace {

const QString kListKey = QStringLiteral("nodes/list");

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
    node.has_token = QFileInfo::exists(tokenPath(node.address));
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
  }
  settings.endArray();
}

graphs::Status NodeStore::add(const RememberedNode& node, const std::string& token) {
  if (node.address.trimmed().isEmpty()) return graphs::Error{"a node needs an address"};
  if (!token.empty()) {
    // 0700: the directory's listing (which nodes have tokens) is private too.
    if (!QDir().mkpath(token_dir_) || ::chmod(token_dir_.toStdString().c_str(), 0700) != 0) {
      return graphs::Error{"cannot create the token directory " + token_dir_.toStdString()};
    }
    if (auto written = write_private(tokenPath(node.address), token); !written) return written;
  } else {
    QFile::remove(tokenPath(node.address));
  }
  auto list = nodes();
  list.erase(std::remove_if(list.begin(), list.end(),
                            [&](const RememberedNode& n) { return n.address == node.address; }),
             list.end());
  list.push_back(node);
  save(list);
  return graphs::Ok{};
}

void NodeStore::remove(const QString& address) {
  auto list = nodes();
  list.erase(std::remove_if(list.begin(), list.end(),
                            [&](const RememberedNode& n) { return n.address == address; }),
             list.end());
  save(list);
  QFile::remove(tokenPath(address));
}

graphs::Result<std::string> NodeStore::token(const QString& address) const {
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
