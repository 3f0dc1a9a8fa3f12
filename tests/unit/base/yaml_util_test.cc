#include "base/yaml_util.h"

#include <gtest/gtest.h>

namespace paiban {
namespace {

TEST(YamlTextCache, TheSameSpecIsParsedOnceAndKeepsItsPlacesAndADuplicateKeyIsReportedEveryTime) {
  YamlTextCache cache;
  YamlTextCache::Scope scope(&cache);
  const std::string spec = "caption: 学校概况\nrows: schools\ncolumns:\n  - 名称: name\n";
  DiagnosticSink sink;
  auto first = load_yaml(spec, "report.md", 40, sink, "table");
  auto second = load_yaml(spec, "report.md", 40, sink, "table");
  ASSERT_TRUE(first && second);
  EXPECT_EQ(cache.hits(), 1u);
  // The kept node still knows where its parts were written: "name" on the spec's 4th line,
  // past "  - ", "名称" (6 bytes) and ": ", at byte 12 (yaml-cpp counts from 0).
  EXPECT_EQ((*second)["columns"][0]["名称"].Mark().line, 3);
  EXPECT_EQ((*second)["columns"][0]["名称"].Mark().column, 12);
  EXPECT_EQ((*second)["rows"].Scalar(), "schools");
  // The same text elsewhere (another line, another file) is its own entry: its spans differ.
  ASSERT_TRUE(load_yaml(spec, "report.md", 90, sink, "table"));
  ASSERT_TRUE(load_yaml(spec, "other.md", 40, sink, "table"));
  EXPECT_EQ(cache.hits(), 1u);
  EXPECT_EQ(cache.size(), 3u);
  EXPECT_FALSE(sink.has_errors());
  // What had an error is not kept: the error comes again on the next build.
  const std::string twice = "caption: 甲\ncaption: 乙\n";
  for (int build = 1; build <= 2; ++build) {
    DiagnosticSink each;
    EXPECT_FALSE(load_yaml(twice, "report.md", 10, each, "table"));
    ASSERT_EQ(each.all().size(), 1u) << "build " << build;
    EXPECT_EQ(each.all()[0].span.to_string(), "report.md:12:1");
  }
  EXPECT_EQ(cache.size(), 3u);
}

}  // namespace
}  // namespace paiban
