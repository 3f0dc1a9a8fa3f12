// Provenance (paiban diff): a ReadRecorder receives the span of every datum an
// expression reads, and an {expr: …} value keeps what it read.
#include <gtest/gtest.h>

#include <algorithm>

#include "data/data.h"
#include "unit/data/data_test_util.h"

namespace paiban::data {
namespace {

using test::Report;

std::vector<std::string> relative(const Report& report, const std::vector<Span>& spans) {
  std::vector<std::string> out;
  for (const auto& s : spans) out.push_back(report.relative(s.to_string()));
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

TEST(Provenance, AnExpressionNotesTheDataItReads) {
  Report report;
  report.write("tables/majors.csv",
               "major,students\n"  // 1
               "数控技术,3200\n"    // 2
               "护理,4066\n");      // 3
  report.write("data.yaml",
               "students:\n"                                      // 1
               "  total_2021: 9968\n"                             // 2
               "  total_2022: {expr: \"sum(majors.students)\"}\n"  // 3
               "unused: 5\n"                                      // 4
               "majors: {csv: tables/majors.csv}\n");             // 5
  auto data = report.load();
  ASSERT_TRUE(data);
  ASSERT_EQ(report.diagnostics(), "");
  // The derived total read the list (its CSV), the two cells of its column (at 3200 and 4066) and the
  // list of them it made (at its own expression).
  auto derived = data->derived.find(report.dir() + "/data.yaml:3:23");
  ASSERT_NE(derived, data->derived.end());
  EXPECT_EQ(derived->second.expression, "sum(majors.students)");
  EXPECT_EQ(relative(report, derived->second.reads),
            (std::vector<std::string>{"data.yaml:3:23", "tables/majors.csv", "tables/majors.csv:2:6", "tables/majors.csv:3:4"}));

  DiagnosticSink sink;
  std::vector<Span> reads;
  {
    ReadRecorder recorder;
    auto v = evaluate("growth(students.total_2022, students.total_2021)", *data, {"report.md", 1, 1}, sink);
    ASSERT_TRUE(v);
    reads = recorder.take();
  }
  // The record it went through (at its first key), the datum and the derived value (by its expression's
  // span); not `unused`.
  EXPECT_EQ(relative(report, reads), (std::vector<std::string>{"data.yaml:2:15", "data.yaml:2:3", "data.yaml:3:23"}));
  // count() reads the list itself (a row added changes it); without a recorder nothing is noted.
  {
    ReadRecorder recorder;
    ASSERT_TRUE(evaluate("count(majors)", *data, {"report.md", 1, 1}, sink));
    EXPECT_EQ(relative(report, recorder.take()), (std::vector<std::string>{"tables/majors.csv"}));
  }
  EXPECT_FALSE(ReadRecorder::active());
}

}  // namespace
}  // namespace paiban::data
