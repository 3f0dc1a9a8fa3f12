#pragma once
// Confinement: a path a report names is followed to the file it really is
// (symlinks resolved) and must lie inside the folder allowed for it. A
// symlink may be used inside the folder; one that leads out is refused, as
// is anything that is not a regular file (or a folder, where one is named).
#include <string>
#include <vector>

namespace paiban {

enum class PathKind { File, Folder };

/// The outcome of confining a path: its real path, or why it is refused.
struct ConfinedPath {
  std::string real;   ///< the resolved path ("" when refused)
  std::string error;  ///< the message; "" when allowed
  std::string hint;
  bool ok() const { return error.empty(); }
};

/// PATH (as written, relative to the working directory or absolute) resolved
/// with realpath; allowed when it is inside one of ROOTS (themselves
/// resolved) and is of KIND. WHAT names the path in messages ("data file").
/// A path that does not exist is allowed through with REAL = PATH so that
/// the reader reports it as unreadable, with its own message.
ConfinedPath confine_path(const std::string& path, const std::vector<std::string>& roots, PathKind kind,
                          const std::string& what);

/// Whether PATH is a regular file (following symlinks): "" if so, else why not.
std::string regular_file_problem(const std::string& path);

/// REAL (a resolved path) is ROOT_REAL or inside it.
bool path_within(const std::string& real, const std::string& root_real);

}  // namespace paiban
