#include "base/text_file.h"

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <atomic>
#include <ctime>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <vector>

#include <fmt/format.h>

namespace paiban {

TextFile::TextFile(std::string path, std::string text) : path_(std::move(path)), text_(std::move(text)) {
  line_starts_.push_back(0);
  for (size_t i = 0; i < text_.size(); ++i)
    if (text_[i] == '\n') line_starts_.push_back(i + 1);
}

size_t TextFile::line_start(int line) const {
  if (line < 1) return 0;
  if (static_cast<size_t>(line) > line_starts_.size()) return text_.size();
  return line_starts_[line - 1];
}

static int count_code_points(std::string_view s) {
  int n = 0;
  for (size_t i = 0; i < s.size();) {
    next_code_point(s, i);
    ++n;
  }
  return n;
}

Span TextFile::span_at(size_t byte_offset) const {
  byte_offset = std::min(byte_offset, text_.size());
  auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), byte_offset);
  int line = static_cast<int>(it - line_starts_.begin());
  size_t start = line_starts_[line - 1];
  int col = count_code_points(std::string_view(text_).substr(start, byte_offset - start)) + 1;
  return {path_, line, col};
}

Span TextFile::span_at_line_byte(int line, int byte_col) const {
  if (line < 1) return {path_, 0, 0};
  size_t start = line_start(line);
  return span_at(start + (byte_col > 0 ? byte_col - 1 : 0));
}

std::optional<size_t> find_invalid_utf8(std::string_view bytes) {
  const auto* s = reinterpret_cast<const uint8_t*>(bytes.data());
  int32_t length = static_cast<int32_t>(bytes.size());
  for (int32_t i = 0; i < length;) {
    int32_t start = i;
    UChar32 c;
    U8_NEXT(s, i, length, c);
    if (c < 0) return static_cast<size_t>(start);
  }
  return std::nullopt;
}

char32_t next_code_point(std::string_view text, size_t& i) {
  const auto* s = reinterpret_cast<const uint8_t*>(text.data());
  int32_t pos = static_cast<int32_t>(i);
  UChar32 c;
  U8_NEXT(s, pos, static_cast<int32_t>(text.size()), c);
  i = static_cast<size_t>(pos);
  return c < 0 ? U'\uFFFD' : static_cast<char32_t>(c);
}

void append_utf8(std::string& out, char32_t cp) {
  uint8_t buf[4];
  int32_t len = 0;
  UBool error = false;
  U8_APPEND(buf, len, 4, static_cast<UChar32>(cp), error);
  if (!error) out.append(reinterpret_cast<char*>(buf), len);
}

int edit_distance(std::string_view a, std::string_view b) {
  auto code_points = [](std::string_view s) {
    std::vector<char32_t> out;
    for (size_t i = 0; i < s.size();) out.push_back(next_code_point(s, i));
    return out;
  };
  std::vector<char32_t> x = code_points(a), y = code_points(b);
  std::vector<int> previous(y.size() + 1), current(y.size() + 1);
  for (size_t j = 0; j <= y.size(); ++j) previous[j] = static_cast<int>(j);
  for (size_t i = 1; i <= x.size(); ++i) {
    current[0] = static_cast<int>(i);
    for (size_t j = 1; j <= y.size(); ++j) {
      int substitution = previous[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1);
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, substitution});
    }
    std::swap(previous, current);
  }
  return previous[y.size()];
}

std::optional<TextFile> read_text_file(const std::string& path, DiagnosticSink& sink) {
  // O_NONBLOCK: a FIFO put where a file should be must not block the open;
  // only a regular file is read (not a pipe, a device such as /dev/zero, or
  // a folder).
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  if (fd < 0) {
    sink.error({path, 1, 1}, fmt::format("cannot read file: {}", std::strerror(errno)));
    return std::nullopt;
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    sink.error({path, 1, 1}, S_ISDIR(st.st_mode) ? "this is a folder, not a file"
                             : S_ISFIFO(st.st_mode) ? "this is a pipe (FIFO), not a file"
                             : S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) ? "this is a device, not a file"
                                                                           : "this is not a regular file");
    return std::nullopt;
  }
  // Hostile input: a source or data file this large is not a report's.
  constexpr off_t kMaxBytes = 64 << 20;
  if (st.st_size > kMaxBytes) {
    ::close(fd);
    sink.error({path, 1, 1}, fmt::format("the file is larger than {} MB", kMaxBytes >> 20));
    return std::nullopt;
  }
  std::string bytes;
  bytes.resize(static_cast<size_t>(st.st_size));
  size_t got = 0;
  for (;;) {
    if (got == bytes.size()) {
      // The file grew while being read: read on, up to the limit.
      if (bytes.size() > static_cast<size_t>(kMaxBytes)) break;
      bytes.resize(bytes.size() + 65536);
    }
    ssize_t n = ::read(fd, bytes.data() + got, bytes.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      ::close(fd);
      sink.error({path, 1, 1}, fmt::format("cannot read file: {}", std::strerror(err)));
      return std::nullopt;
    }
    if (n == 0) break;
    got += static_cast<size_t>(n);
  }
  ::close(fd);
  bytes.resize(got);
  if (bytes.size() > static_cast<size_t>(kMaxBytes)) {
    sink.error({path, 1, 1}, fmt::format("the file is larger than {} MB", kMaxBytes >> 20));
    return std::nullopt;
  }
  if (auto bad = find_invalid_utf8(bytes)) {
    // Position the diagnostic with the valid prefix only.
    TextFile prefix(path, bytes.substr(0, *bad));
    sink.error(prefix.span_at(*bad),
               fmt::format("invalid UTF-8: byte 0x{:02X} does not start a valid sequence",
                           static_cast<uint8_t>(bytes[*bad])),
               {"save the file as UTF-8 (GBK and other legacy encodings are not read)"});
    return std::nullopt;
  }
  if (bytes.size() >= 3 && bytes.compare(0, 3, "\xEF\xBB\xBF") == 0) bytes.erase(0, 3);
  if (size_t nul = bytes.find('\0'); nul != std::string::npos) {
    TextFile prefix(path, bytes.substr(0, nul));
    sink.error(prefix.span_at(nul), "a NUL byte: this is not a text file", {"save the file as plain UTF-8 text"});
    return std::nullopt;
  }
  if (bytes.find('\r') != std::string::npos && bytes.find('\n') == std::string::npos) {
    sink.error({path, 1, 1}, "the lines end in CR alone (old Mac line endings)",
               {"save the file with LF (or CR LF) line endings"});
    return std::nullopt;
  }
  return TextFile(path, std::move(bytes));
}

namespace {

/// The temporary files being written, for remove_temporary_files() to
/// unlink from a signal handler: fixed slots, no allocation, no locks.
constexpr int kTempSlots = 64;
struct TempSlot {
  std::atomic<int> state{0};  ///< 0 free, 1 being filled, 2 holds a path
  char path[4096];
};
TempSlot temp_slots[kTempSlots];

int claim_temp_slot(const std::string& path) {
  if (path.size() >= sizeof temp_slots[0].path) return -1;
  for (int i = 0; i < kTempSlots; ++i) {
    int expected = 0;
    if (temp_slots[i].state.compare_exchange_strong(expected, 1)) {
      std::memcpy(temp_slots[i].path, path.c_str(), path.size() + 1);
      temp_slots[i].state.store(2);
      return i;
    }
  }
  return -1;
}

void release_temp_slot(int slot) {
  if (slot >= 0) temp_slots[slot].state.store(0);
}

/// ".NAME.PID.XXXXXX": the writer's process id in the name tells a temporary
/// file of a killed run (no such process) from one being written now.
std::string temp_prefix(const std::string& name) { return "." + name + "."; }

/// The names of the temporary files in DIR, read once per process and folder: a batch writes
/// hundreds of PDFs into one folder, and listing it again for each was quadratic. (What this
/// process writes and renames never leaves a temporary file behind, so the list stays true
/// for its own files; a run killed meanwhile leaves its files to the next run.)
std::mutex listing_mutex;
std::map<std::string, std::vector<std::string>>& temporary_listings() {
  static auto* listings = new std::map<std::string, std::vector<std::string>>;
  return *listings;
}

/// Removes the temporary files of TARGET left by runs that were killed
/// (SIGKILL, a power cut): those whose process is gone, and those of the
/// older naming (six random characters, no process id) over ten minutes old.
void remove_stale_temporaries(const std::filesystem::path& dir, const std::string& name) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const std::string prefix = temp_prefix(name);
  std::lock_guard lock(listing_mutex);
  auto [listing, fresh] = temporary_listings().try_emplace(fs::absolute(dir, ec).lexically_normal().string());
  std::vector<std::string>& names = listing->second;
  if (fresh) {
    for (const auto& entry : fs::directory_iterator(dir, ec))
      if (std::string file = entry.path().filename().string(); file.size() > 1 && file[0] == '.')
        names.push_back(std::move(file));
    std::sort(names.begin(), names.end());
  }
  for (auto it = std::lower_bound(names.begin(), names.end(), prefix);
       it != names.end() && it->compare(0, prefix.size(), prefix) == 0;) {
    const std::string& file = *it;
    if (file.size() < prefix.size() + 6) {
      ++it;
      continue;
    }
    std::string rest = file.substr(prefix.size());  // "PID.XXXXXX" or "XXXXXX"
    const fs::path path = dir / file;
    bool stale = false;
    if (size_t dot = rest.find('.'); dot != std::string::npos && rest.size() - dot - 1 == 6) {
      std::string pid = rest.substr(0, dot);
      if (pid.empty() || pid.find_first_not_of("0123456789") != std::string::npos) {
        ++it;
        continue;
      }
      stale = ::kill(static_cast<pid_t>(std::stol(pid)), 0) != 0 && errno == ESRCH;
    } else if (rest.size() == 6) {
      struct stat st {};
      stale = ::lstat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::time(nullptr) - st.st_mtime > 600;
    }
    if (stale) {
      fs::remove(path, ec);
      it = names.erase(it);
    } else {
      ++it;
    }
  }
}

}  // namespace

void remove_temporary_files() {
  for (auto& slot : temp_slots)
    if (slot.state.load() == 2) ::unlink(slot.path);
}

std::string write_file_atomically(const std::string& path, std::string_view bytes) {
  namespace fs = std::filesystem;
  fs::path target(path);
  fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
  remove_stale_temporaries(dir, target.filename().string());
  std::string tmpl =
      (dir / (temp_prefix(target.filename().string()) + std::to_string(::getpid()) + ".XXXXXX")).string();
  // Blocked while the file is created and registered, so that a SIGINT
  // cannot fall between the two and leave it behind.
  sigset_t block, previous;
  sigemptyset(&block);
  sigaddset(&block, SIGINT);
  sigaddset(&block, SIGTERM);
  sigaddset(&block, SIGALRM);
  pthread_sigmask(SIG_BLOCK, &block, &previous);
  int fd = mkstemp(tmpl.data());
  int slot = fd >= 0 ? claim_temp_slot(tmpl) : -1;
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  if (fd < 0) return fmt::format("cannot create a temporary file in {}: {}", dir.string(), std::strerror(errno));
  auto fail = [&](std::string message) {
    ::unlink(tmpl.c_str());
    release_temp_slot(slot);
    return message;
  };
  const char* p = bytes.data();
  size_t left = bytes.size();
  while (left > 0) {
    ssize_t n = ::write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      std::string err = std::strerror(errno);
      ::close(fd);
      return fail(fmt::format("cannot write {}: {}", tmpl, err));
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
  // Readable like any file the user creates (mkstemp makes 0600).
  mode_t mask = umask(0);
  umask(mask);
  fchmod(fd, 0666 & ~mask);
  if (::fsync(fd) != 0 || ::close(fd) != 0) return fail(fmt::format("cannot flush {}: {}", tmpl, std::strerror(errno)));
  // Tests of the cleanup on SIGINT and SIGTERM stop here, the temporary file written.
  if (const char* faults = std::getenv("PAIBAN_TEST_FAULTS"); faults && std::strstr(faults, "write:hang"))
    for (;;) ::pause();
  pthread_sigmask(SIG_BLOCK, &block, &previous);
  int renamed = std::rename(tmpl.c_str(), path.c_str());
  int rename_errno = errno;
  if (renamed == 0) release_temp_slot(slot);
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  if (renamed != 0) return fail(fmt::format("cannot rename {} to {}: {}", tmpl, path, std::strerror(rename_errno)));
  return {};
}

}  // namespace paiban
