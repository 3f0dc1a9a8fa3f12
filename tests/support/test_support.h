#pragma once
// Helpers shared by the tests: temporary folders, running commands.
#include <filesystem>
#include <string>
#include <vector>

namespace paiban::testing {

/// The PDF gate: problems qpdf, pdffonts (every font embedded, subset, with
/// ToUnicode), pdfinfo, pdftotext, pdftoppm, mutool and Ghostscript find in
/// PDF, one per line; empty when it passes.
std::string pdf_gate(const std::string& pdf);

/// Headings left at a page foot: for each entry of PDF's outline (a heading),
/// its lines found at its destination must be followed on that page by at
/// least two lines that are not headings (a paragraph's first lines, a
/// table's caption and header, a box's title and first line), unless the
/// document ends there. One line per heading that is not, "page N ends with
/// heading TITLE"; empty when none. Part of the PDF gate.
std::string headings_at_page_foot(const std::string& pdf);

/// Per page of PDF: turned a quarter (/Rotate 90), as a landscape table's pages are.
std::vector<bool> turned_pages(const std::string& pdf);

/// A fresh folder under the system's temporary folder, removed at scope end.
/// Every PDF left in it passes the PDF gate first (a test failure otherwise):
/// so the gate sees every PDF the test suite writes.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::filesystem::path& path() const { return path_; }
  /// Writes CONTENT to NAME inside the folder (creating sub-folders); returns its path.
  std::string write(const std::string& name, const std::string& content) const;

 private:
  std::filesystem::path path_;
};

/// What a command printed and how it ended.
struct CommandResult {
  int exit_code = -1;
  std::string out;  ///< stdout
  std::string err;  ///< stderr
};

/// Runs COMMAND with /bin/sh, capturing stdout and stderr separately.
CommandResult run_command(const std::string& command);

/// Reads a whole file ("" if it cannot be read).
std::string read_file(const std::string& path);

/// The repository's root (where layouts/ and fonts/ are).
std::string source_dir();

}  // namespace paiban::testing
