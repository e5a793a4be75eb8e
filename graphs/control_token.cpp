#include "graphs/control_token.hpp"

#include <sys/stat.h>

#include <fstream>
#include <sstream>

namespace rivulet::graphs::control {

Result<std::string> read_token_file(const std::string& path) {
  const std::string what = "token file '" + path + "'";
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) return Error{what + " does not exist or is unreadable"};
  if (!S_ISREG(info.st_mode)) return Error{what + " is not a regular file"};
  if ((info.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
    return Error{what + " may be read by other users; make it private with chmod 600"};
  }
  if (info.st_size > 4096) return Error{what + " is larger than 4 KiB"};
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{what + " cannot be opened"};
  std::ostringstream text;
  text << in.rdbuf();
  std::string token = text.str();
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r' || token.back() == ' ' ||
                            token.back() == '\t')) {
    token.pop_back();
  }
  if (token.empty()) return Error{what + " is empty"};
  return token;
}

bool tokens_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  }
  return diff == 0;
}

}  // namespace rivulet::graphs::control
