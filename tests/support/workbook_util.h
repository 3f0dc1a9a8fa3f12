#pragma once
// Workbooks for the tests, written by libxlsxwriter (a second writer beside
// the committed Gnumeric fixture), and parts of a written .xlsx replaced
// with libzip to make what libxlsxwriter will not write: a formula without
// a cached value, an error cell, a damaged part.
#include <xlsxwriter.h>
#include <zip.h>

#include <functional>
#include <stdexcept>
#include <string>

namespace paiban::testing {

/// A libxlsxwriter workbook, written to its path when it goes out of scope
/// (or on close()).
class XlsxWriter {
 public:
  explicit XlsxWriter(const std::string& path) : book_(workbook_new(path.c_str())) {
    if (!book_) throw std::runtime_error("workbook_new " + path);
  }
  ~XlsxWriter() { close(); }
  lxw_worksheet* sheet(const std::string& name) { return workbook_add_worksheet(book_, name.c_str()); }
  lxw_format* format(const std::string& number_format) {
    lxw_format* f = workbook_add_format(book_);
    format_set_num_format(f, number_format.c_str());
    return f;
  }
  void close() {
    if (book_) workbook_close(book_);
    book_ = nullptr;
  }

 private:
  lxw_workbook* book_;
};

/// Reads PART of the ZIP at PATH, passes it through EDIT, writes it back.
inline void rewrite_zip_part(const std::string& path, const std::string& part,
                             const std::function<std::string(std::string)>& edit) {
  int error = 0;
  zip_t* zip = zip_open(path.c_str(), 0, &error);
  if (!zip) throw std::runtime_error("zip_open " + path);
  zip_stat_t st;
  std::string text;
  if (zip_stat(zip, part.c_str(), 0, &st) == 0) {
    text.resize(st.size);
    zip_file_t* f = zip_fopen(zip, part.c_str(), 0);
    zip_fread(f, text.data(), st.size);
    zip_fclose(f);
  }
  static thread_local std::string kept;  // libzip reads the buffer at zip_close
  kept = edit(text);
  zip_source_t* source = zip_source_buffer(zip, kept.data(), kept.size(), 0);
  zip_file_add(zip, part.c_str(), source, ZIP_FL_OVERWRITE | ZIP_FL_ENC_UTF_8);
  if (zip_close(zip) != 0) throw std::runtime_error("zip_close " + path);
}

/// TEXT with the first FROM replaced by TO (a test error when FROM is missing).
inline std::string replace_once(std::string text, const std::string& from, const std::string& to) {
  size_t at = text.find(from);
  if (at == std::string::npos) throw std::runtime_error("not found: " + from);
  return text.replace(at, from.size(), to);
}

}  // namespace paiban::testing
