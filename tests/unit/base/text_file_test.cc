#include "base/text_file.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "support/test_support.h"

namespace paiban {
namespace {

TEST(TextFile, SpanCountsLinesAndCodePointColumns) {
  TextFile f("a.md", "第一行\n第二行abc\n");
  // 'a' is byte 10 + 9 = 19: three 3-byte characters into line 2.
  Span s = f.span_at(f.line_start(2) + 9);
  EXPECT_EQ(s.to_string(), "a.md:2:4");
  EXPECT_EQ(f.span_at(0).to_string(), "a.md:1:1");
  // cmark-gfm's byte columns become code-point columns.
  EXPECT_EQ(f.span_at_line_byte(2, 10).to_string(), "a.md:2:4");
}

TEST(TextFile, FindsFirstInvalidUtf8Byte) {
  EXPECT_EQ(find_invalid_utf8("中文"), std::nullopt);
  EXPECT_EQ(find_invalid_utf8("ab\xC3("), std::optional<size_t>(2));
  EXPECT_EQ(find_invalid_utf8("\xED\xA0\x80"), std::optional<size_t>(0));  // a surrogate is not UTF-8
}

TEST(TextFile, GbkFileIsReportedAtItsPosition) {
  testing::TempDir dir;
  // "标题" in GBK on line 2, column 3.
  std::string path = dir.write("gbk.md", "ok\nab\xB1\xEA\xCC\xE2\n");
  DiagnosticSink sink;
  EXPECT_FALSE(read_text_file(path, sink));
  ASSERT_EQ(sink.all().size(), 1u);
  EXPECT_EQ(sink.all()[0].format(),
            path + ":2:3: error: invalid UTF-8: byte 0xB1 does not start a valid sequence\n"
                   "  hint: save the file as UTF-8 (GBK and other legacy encodings are not read)\n");
}

TEST(TextFile, UnreadableFileIsAnError) {
  DiagnosticSink sink;
  EXPECT_FALSE(read_text_file("/nonexistent/report.md", sink));
  EXPECT_EQ(sink.format_all(), "/nonexistent/report.md:1:1: error: cannot read file: No such file or directory\n");
}

TEST(TextFile, ByteOrderMarkIsDropped) {
  testing::TempDir dir;
  DiagnosticSink sink;
  auto f = read_text_file(dir.write("bom.md", "\xEF\xBB\xBF# 标题\n"), sink);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->text(), "# 标题\n");
}

TEST(AtomicWrite, ReplacesTheFileWhole) {
  testing::TempDir dir;
  std::string path = dir.write("out.pdf", "old");
  EXPECT_EQ(write_file_atomically(path, "new contents"), "");
  EXPECT_EQ(testing::read_file(path), "new contents");
  // Nothing left behind but the file itself.
  int files = 0;
  for (auto& e : std::filesystem::directory_iterator(dir.path())) (void)e, ++files;
  EXPECT_EQ(files, 1);
}

TEST(AtomicWrite, FailureLeavesNoFile) {
  std::string err = write_file_atomically("/nonexistent-dir/out.pdf", "x");
  EXPECT_NE(err.find("cannot create a temporary file in /nonexistent-dir"), std::string::npos) << err;
}

TEST(Utf8, EncodesAndDecodesOutsideTheBmp) {
  std::string s;
  append_utf8(s, U'𠮷');
  EXPECT_EQ(s, "\xF0\xA0\xAE\xB7");
  size_t i = 0;
  EXPECT_EQ(next_code_point(s, i), U'𠮷');
  EXPECT_EQ(i, 4u);
}

}  // namespace
}  // namespace paiban
