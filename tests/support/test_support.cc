#include "support/test_support.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace paiban::testing {

TempDir::TempDir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "paiban-test-XXXXXX").string();
  path_ = mkdtemp(tmpl.data());
}

std::string pdf_gate(const std::string& pdf) {
  std::string problems;
  auto expect = [&](const std::string& what, const CommandResult& r, bool stdout_matters = false) {
    if (r.exit_code != 0 || !r.err.empty() || (stdout_matters && !r.out.empty()))
      problems += what + ": exit " + std::to_string(r.exit_code) + " " + r.err + (stdout_matters ? r.out : "") + "\n";
  };
  auto qpdf = run_command("qpdf --check " + pdf);
  if (qpdf.exit_code != 0 || qpdf.out.find("No syntax or stream encoding errors found") == std::string::npos ||
      qpdf.out.find("WARNING") != std::string::npos)
    problems += "qpdf --check: " + qpdf.out + qpdf.err + "\n";
  auto fonts = run_command("pdffonts " + pdf);
  expect("pdffonts", fonts);
  std::istringstream rows(fonts.out);
  std::string row;
  for (int n = 0; std::getline(rows, row);)
    if (++n > 2 && row.find("yes yes yes") == std::string::npos) problems += "font not embedded+subset+ToUnicode: " + row + "\n";
  expect("pdfinfo", run_command("pdfinfo " + pdf + " > /dev/null"));
  expect("pdftotext", run_command("pdftotext " + pdf + " /dev/null"));
  expect("pdftoppm", run_command("pdftoppm -r 10 " + pdf + " > /dev/null"));
  // Debian's mutool is built without colour management and says so on every run.
  expect("mutool draw",
         run_command("mutool draw -q -r 10 -o /dev/null -F pgm " + pdf + " 2>&1 | { grep -v 'ICC support is not available' || true; }"),
         true);
  // Ghostscript repairs what it can quietly: its messages say what it had to
  // do (an error, a "****" warning, a font it had to substitute).
  expect("ghostscript",
         run_command("gs -dSAFER -dBATCH -dNOPAUSE -dPDFSTOPONERROR -sDEVICE=nullpage " + pdf +
                     " 2>&1 | { grep -iE 'error|\\*\\*\\*\\*|substitute' || true; }"),
         true);
  return problems;
}

TempDir::~TempDir() {
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(path_, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (it->path().extension() != ".pdf" || read_file(it->path().string()).rfind("%PDF-", 0) != 0) continue;
    std::string problems = pdf_gate(it->path().string());
    if (!problems.empty()) ADD_FAILURE() << "the PDF gate fails on " << it->path().filename() << ":\n" << problems;
  }
  std::filesystem::remove_all(path_, ec);
}

std::string TempDir::write(const std::string& name, const std::string& content) const {
  auto p = path_ / name;
  std::filesystem::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << content;
  return p.string();
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

CommandResult run_command(const std::string& command) {
  TempDir tmp;
  std::string out = (tmp.path() / "out").string(), err = (tmp.path() / "err").string();
  int status = std::system((command + " >" + out + " 2>" + err).c_str());
  CommandResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = read_file(out);
  r.err = read_file(err);
  return r;
}

std::string source_dir() { return PAIBAN_SOURCE_DIR; }

}  // namespace paiban::testing
