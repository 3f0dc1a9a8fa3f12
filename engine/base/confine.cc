#include "base/confine.h"

#include <sys/stat.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include <fmt/format.h>

namespace paiban {
namespace {

/// PATH with symlinks resolved; "" if it does not exist. ".." is taken
/// lexically first, as the path reads ("a/missing/.." is "a").
std::string real_path(const std::string& path) {
  char buffer[PATH_MAX];
  std::string normal = std::filesystem::path(path).lexically_normal().string();
  if (normal.empty()) normal = ".";
  if (!::realpath(normal.c_str(), buffer)) return {};
  return buffer;
}

}  // namespace

bool path_within(const std::string& real, const std::string& root_real) {
  if (root_real.empty()) return false;
  if (real == root_real) return true;
  std::string prefix = root_real.back() == '/' ? root_real : root_real + "/";
  return real.compare(0, prefix.size(), prefix) == 0;
}

std::string regular_file_problem(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return fmt::format("cannot read file: {}", std::strerror(errno));
  if (S_ISREG(st.st_mode)) return {};
  if (S_ISDIR(st.st_mode)) return "this is a folder, not a file";
  if (S_ISFIFO(st.st_mode)) return "this is a pipe (FIFO), not a file";
  if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) return "this is a device, not a file";
  if (S_ISSOCK(st.st_mode)) return "this is a socket, not a file";
  return "this is not a regular file";
}

ConfinedPath confine_path(const std::string& path, const std::vector<std::string>& roots, PathKind kind,
                          const std::string& what) {
  ConfinedPath out;
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) {
    out.real = path;  // missing: the reader says so
    return out;
  }
  std::string real = real_path(path);
  if (real.empty()) {
    // A dangling symlink, or a loop of them.
    out.error = fmt::format("{} \"{}\" is a symbolic link that leads nowhere", what, path);
    return out;
  }
  bool inside = false;
  for (const auto& root : roots) inside = inside || path_within(real, real_path(root));
  if (!inside) {
    out.error = fmt::format("{} \"{}\" leads to {}, outside the folder it must stay in", what, path, real);
    out.hint = "a report reads only files inside its own folder: copy the file in rather than linking to it";
    return out;
  }
  if (::stat(real.c_str(), &st) != 0) {
    out.real = real;
    return out;
  }
  bool right_kind = kind == PathKind::Folder ? S_ISDIR(st.st_mode) : S_ISREG(st.st_mode);
  if (!right_kind) {
    out.error = kind == PathKind::Folder ? fmt::format("{} \"{}\" is not a folder", what, path)
                                         : fmt::format("{} \"{}\": {}", what, path, regular_file_problem(real));
    return out;
  }
  out.real = real;
  return out;
}

}  // namespace paiban
