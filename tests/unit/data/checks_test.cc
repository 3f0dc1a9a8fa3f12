// run_checks: each failure one warning with both values and their sources.
#include <gtest/gtest.h>

#include "data/data.h"
#include "unit/data/data_test_util.h"

namespace paiban::data {
namespace {

using test::Report;

const char* const kMajors =
    "专业,students\n"
    "数控技术,3200\n"
    "护理,4066\n"
    "旅游,3000\n";

TEST(RunChecks, FailuresShowBothValuesAndWhereTheyComeFrom) {
  Report report;
  report.write("tables/majors.csv", kMajors);
  report.write("data.yaml",
               "students:\n"                                             // 1
               "  total: 10391\n"                                        // 2
               "  share: 95.8%\n"                                        // 3
               "majors: {csv: tables/majors.csv}\n"                      // 4
               "checks:\n"                                               // 5
               "  - name: 在校生总数\n"                                  // 6
               "    equal: [students.total, sum(majors.students)]\n"     // 7
               "  - name: 占比\n"                                        // 8
               "    equal: [students.share, \"pct(9958, 10391)\"]\n"     // 9
               "    format: \"0.0%\"\n"                                  // 10
               "  - name: 专业合计\n"                                    // 11
               "    equal: [sum(majors.students), 10266, \"3200 + 4066 + 3000\"]\n"  // 12
               "  - name: 精确占比\n"                                    // 13
               "    equal:\n"                                             // 14
               "      - students.share\n"                               // 15
               "      - pct(9958, 10391)\n"                             // 16
               "  - name: 三者\n"                                        // 17
               "    equal: [students.total, 10391, sum(majors.students), \"majors[0].students\"]\n"  // 18
               "  - name: 拼错\n"                                        // 19
               "    equal: [students.totl, 1]\n"                         // 20
               "  - name: 文本\n"                                        // 21
               "    equal: [\"majors[0].专业\", 1]\n"                    // 22
               "  - name: 三分之一\n"                                    // 23
               "    equal: [1/3, 0.333]\n"                               // 24
               "  - name: 万分位\n"                                      // 25
               "    equal: [0.12344, 0.12346]\n"                         // 26
               "    format: \"0.000\"\n");                               // 27
  auto data = report.load();
  ASSERT_TRUE(data);
  ASSERT_EQ(report.diagnostics(), "");

  DiagnosticSink sink;
  EXPECT_EQ(run_checks(*data, sink), 6);
  EXPECT_EQ(report.relative(sink.format_all()),
            "data.yaml:6:5: warning: check \"在校生总数\" fails: students.total = 10391 (data.yaml:2:10)"
            " ≠ sum(majors.students) = 10266 (computed)\n"
            // Without a format the printed share (95.8%) must equal the ratio exactly.
            "data.yaml:13:5: warning: check \"精确占比\" fails: students.share = 95.8% (data.yaml:3:10)"
            " ≠ pct(9958, 10391) = 0.96 (computed)\n"
            // Only the expressions that disagree with the first are listed.
            "data.yaml:17:5: warning: check \"三者\" fails: students.total = 10391 (data.yaml:2:10)"
            " ≠ sum(majors.students) = 10266 (computed) ≠ majors[0].students = 3200 (tables/majors.csv:2:6)\n"
            // Evaluation errors are errors, at the expression's token.
            "data.yaml:20:22: error: no data \"students.totl\"\n"
            "  hint: did you mean \"students.total\"?\n"
            "data.yaml:22:14: error: check \"文本\" compares numbers, got text \"数控技术\" (tables/majors.csv:2:1)\n"
            // Both would print 0.33: the full numbers show the difference.
            "data.yaml:23:5: warning: check \"三分之一\" fails: 1/3 = 0.3333333333333333 (computed)"
            " ≠ 0.333 = 0.333 (computed)\n");
  EXPECT_EQ(sink.error_count(), 2);
}

TEST(RunChecks, FormatComparesPrintedValues) {
  struct Case {
    const char* equal;
    const char* format;
    bool passes;
  };
  const Case cases[] = {
      {"[0.958484, 95.8%]", "0.0%", true},
      {"[0.958484, 95.8%]", "0.00%", false},
      {"[0.958484, 95.8%]", "", false},
      {"[0.1 + 0.2, 0.3]", "", true},  // within 1e-9 relative
      {"[1000000, 1000000.5]", "", false},
      {"[1000000000000, 1000000000000.0001]", "", true},
      {"[2.675, 2.68]", "0.00", true},
      {"[-0.001, 0]", "0.00", true},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(fmt::format("{} {}", c.equal, c.format));
    Report report;
    std::string yaml = fmt::format("checks:\n  - name: c\n    equal: {}\n", c.equal);
    if (*c.format) yaml += fmt::format("    format: \"{}\"\n", c.format);
    report.write("data.yaml", yaml);
    auto data = report.load();
    ASSERT_TRUE(data);
    ASSERT_EQ(report.diagnostics(), "");
    DiagnosticSink sink;
    EXPECT_EQ(run_checks(*data, sink), c.passes ? 0 : 1);
    EXPECT_EQ(sink.has_errors(), false);
  }
}

TEST(RunChecks, FormatIsUsedInTheMessage) {
  Report report;
  report.write("data.yaml",
               "a: 0.9\n"
               "checks:\n"
               "  - {name: 比例, equal: [a, 1.6], format: \"+0.#%\"}\n");
  auto data = report.load();
  ASSERT_TRUE(data);
  DiagnosticSink sink;
  sink.set_warnings_as_errors(true);  // --strict
  EXPECT_EQ(run_checks(*data, sink), 1);
  EXPECT_EQ(report.relative(sink.format_all()),
            "data.yaml:3:5: error: check \"比例\" fails: a = +90% (data.yaml:1:4) ≠ 1.6 = +160% (computed)\n");
}

TEST(RunChecks, NoChecksNoDiagnostics) {
  DataSet data;
  data.root.kind = Value::Kind::Record;
  data.root.record = std::make_shared<Record>();
  DiagnosticSink sink;
  EXPECT_EQ(run_checks(data, sink), 0);
  EXPECT_EQ(sink.format_all(), "");
}

}  // namespace
}  // namespace paiban::data
