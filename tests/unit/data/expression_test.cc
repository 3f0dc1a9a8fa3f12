// Expressions over loaded data: values, and the exact errors.
#include <gtest/gtest.h>

#include "data/data.h"
#include "unit/data/data_test_util.h"

namespace paiban::data {
namespace {

using test::Report;
using test::show;

/// The data every expression here reads.
class ExpressionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    report_.write("data.yaml",
                  "students:\n"                          // 1
                  "  total: 10391\n"                     // 2
                  "  total_2021: 9876\n"                 // 3
                  "  share: 96.65%\n"                    // 4
                  "enrolment:\n"                         // 5
                  "  2021: 3100\n"                       // 6
                  "学校:\n"                              // 7
                  "  数量: 9\n"                          // 8
                  "zero: 0\n"                            // 9
                  "majors: {csv: tables/majors.csv}\n"   // 10
                  "schools: {csv: tables/schools.csv}\n");
    report_.write("tables/majors.csv",
                  "专业,students,graduates\n"
                  "数控技术,3200,1000\n"
                  "护理,4066,\n"
                  "旅游,3000,1200\n");
    report_.write("tables/schools.csv",
                  "name,type,students\n"
                  "一中,民办,3000\n"
                  "二中,公办,2500\n"
                  "职校,公办,4891\n");
    auto data = report_.load();
    ASSERT_TRUE(data);
    ASSERT_EQ(report_.diagnostics(), "");
    data_ = std::move(*data);
  }

  /// Where the expressions are written: report.md line 12, column 10.
  const Span span_{"report.md", 12, 10};
  Report report_;
  DataSet data_;
};

TEST_F(ExpressionTest, Values) {
  struct Case {
    const char* expression;
    const char* value;
  };
  const Case cases[] = {
      // Precedence and associativity.
      {"1 + 2 * 3", "7"},
      {"(1 + 2) * 3", "9"},
      {"10 - 4 - 3", "3"},
      {"8 / 4 / 2", "1"},
      {"-2 * 3 + -(1 - 4)", "-3"},
      {"- -2", "2"},
      {"+2", "2"},
      {"50% * 4", "2"},
      {".5 + 1.25", "1.75"},
      {"\"文本\"", "\"文本\""},
      // Paths.
      {"students.total", "10391"},
      {"students.total - students.total_2021", "515"},
      {"students.share", "0.9665"},
      {"enrolment.2021", "3100"},
      {"学校.数量 + 1", "10"},
      {"majors[1].students", "4066"},
      {"majors[1]", "{graduates: null, students: 4066, 专业: \"护理\"}"},
      {"majors[2 - 1].专业", "\"护理\""},
      {"majors.students", "[3200, 4066, 3000]"},
      {"majors.专业", "[\"数控技术\", \"护理\", \"旅游\"]"},
      // Functions.
      {"sum(majors.students)", "10266"},
      {"sum(majors.graduates)", "2200"},  // the empty cell is skipped
      {"sum(1, 2, majors.students)", "10269"},
      {"sum(where(majors, \"专业\", \"x\").students)", "0"},
      {"count(majors)", "3"},
      {"min(majors.students)", "3000"},
      {"max(majors.students)", "4066"},
      {"avg(majors.students)", "3422"},
      {"round(2.675, 2)", "2.68"},
      {"round(1.005, 2)", "1.01"},
      {"round(1234.5, -2)", "1200"},
      {"round(-2.5)", "-3"},
      {"abs(-3.5)", "3.5"},
      {"pct(1, 8)", "0.125"},
      {"growth(110, 100)", "0.1"},
      {"round(growth(students.total, students.total_2021), 4)", "0.0521"},
      {"count(where(schools, \"type\", \"公办\"))", "2"},
      {"sum(where(schools, \"type\", \"公办\").students)", "7391"},
      {"where(schools, \"students\", 2500).name", "[\"二中\"]"},
      {"where(schools, \"students\", 2500)[0].type", "\"公办\""},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.expression);
    DiagnosticSink sink;
    auto v = evaluate(c.expression, data_, span_, sink);
    EXPECT_EQ(sink.format_all(), "");
    ASSERT_TRUE(v);
    EXPECT_EQ(show(*v), c.value);
  }
}

TEST_F(ExpressionTest, DataKeepsItsSpanAndComputedValuesTakeTheExpressions) {
  DiagnosticSink sink;
  auto datum = evaluate("majors[1].students", data_, span_, sink);
  ASSERT_TRUE(datum);
  EXPECT_EQ(report_.relative(datum->span.to_string()), "tables/majors.csv:3:4");
  EXPECT_EQ(datum->literal, "4066");
  auto computed = evaluate("majors[1].students + 0", data_, span_, sink);
  ASSERT_TRUE(computed);
  EXPECT_EQ(computed->span.to_string(), "report.md:12:10");
  EXPECT_EQ(computed->literal, "");
}

TEST_F(ExpressionTest, Errors) {
  struct Case {
    const char* expression;
    const char* diagnostics;
  };
  const Case cases[] = {
      // Missing keys: did you mean, else the keys that exist.
      {"students.totl", "report.md:12:19: error: no data \"students.totl\"\n"
                        "  hint: did you mean \"students.total\"?\n"},
      {"studnts.total", "report.md:12:10: error: no data \"studnts\"\n"
                        "  hint: did you mean \"students\"?\n"},
      {"students.abcdefg", "report.md:12:19: error: no data \"students.abcdefg\"\n"
                           "  hint: existing keys: share, total, total_2021\n"},
      {"majors.studnts", "report.md:12:17: error: no data \"majors.studnts\"\n"
                         "  hint: did you mean \"majors.students\"?\n"},
      {"where(schools, \"typ\", 1)", "report.md:12:25: error: no field \"typ\" in the records of \"schools\"\n"
                                     "  hint: did you mean \"type\"?\n"},
      // Wrong types, with where the datum was read.
      {"schools[1].type + 1", "tables/schools.csv:3:4: error: expected a number, got text \"公办\"\n  hint: used by \"schools[1].type + 1\" at report.md:12:10\n"},
      {"sum(schools.type)", "tables/schools.csv:2:4: error: expected a number, got text \"民办\"\n  hint: used by \"sum(schools.type)\" at report.md:12:14\n"},
      {"majors[1].graduates * 2",
       "tables/majors.csv:3:9: error: expected a number, got an empty value\n  hint: used by \"majors[1].graduates * 2\" at report.md:12:10\n"},
      {"2 * students", "report.md:12:14: error: expected a number, got a record (data.yaml:2:3)\n"},
      {"-majors", "report.md:12:11: error: expected a number, got a list of 3 items (tables/majors.csv)\n"},
      {"1 + (2 - 1 - 1 + \"x\")", "report.md:12:27: error: expected a number, got text \"x\"\n"},
      {"students.total.x", "report.md:12:25: error: expected a record, got number 10391 (data.yaml:2:10)\n"
                           "  hint: \"students.total\" has no keys\n"},
      {"zero[0]", "report.md:12:14: error: expected a list, got number 0 (data.yaml:9:7)\n"},
      {"majors[5].students", "report.md:12:17: error: index 5 is out of range: \"majors\" has 3 items\n"
                             "  hint: the first item is [0]\n"},
      {"count(students)", "report.md:12:16: error: expected a list, got a record (data.yaml:2:3)\n"},
      // Division by zero, at the operator or the function.
      {"1 / (2 - 2)", "report.md:12:12: error: division by zero\n"},
      {"pct(1, zero)", "report.md:12:10: error: division by zero\n"},
      {"growth(5, zero)", "report.md:12:10: error: division by zero\n"},
      // Functions.
      {"summ(majors.students)", "report.md:12:10: error: unknown function \"summ\"\n"
                                "  hint: did you mean \"sum\"?\n"},
      {"median(majors.students)",
       "report.md:12:10: error: unknown function \"median\"\n"
       "  hint: functions: sum, count, min, max, avg, round, abs, pct, growth, where, join\n"},
      {"abs(1, 2)", "report.md:12:10: error: abs() takes 1 number, got 2\n  hint: abs(x)\n"},
      {"min(where(schools, \"type\", \"x\").students)", "report.md:12:10: error: min() of a list with no numbers\n"},
      {"round(1, 0.5)", "report.md:12:19: error: round() takes a whole number of decimals between -15 and 15\n"},
      // Syntax, at the failing token.
      {"", "report.md:12:10: error: the expression is empty\n"},
      {"1 + * 2", "report.md:12:14: error: expected a number, a key or \"(\", found \"*\"\n"},
      {"sum(1, 2", "report.md:12:18: error: expected \",\" or \")\", found the end of the expression\n"},
      {"(1 + 2", "report.md:12:16: error: expected \")\", found the end of the expression\n"},
      {"1 2", "report.md:12:12: error: unexpected \"2\" after the expression\n"
              "  hint: combine values with an operator: + - * /\n"},
      {"students.", "report.md:12:19: error: expected a key after \".\", found the end of the expression\n"},
      {"sum（majors.students）", "report.md:12:13: error: unexpected character \"（\"\n"
                                "  hint: write \"(\" instead of \"（\"\n"},
      {"2 × 3", "report.md:12:12: error: unexpected character \"×\"\n  hint: write \"*\" instead of \"×\"\n"},
      {"\"abc", "report.md:12:10: error: the text in quotes is never closed\n  hint: end it with \"\n"},
      {"007", "report.md:12:10: error: number \"007\" starts with 0\n  hint: write it without the leading zeros\n"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.expression);
    DiagnosticSink sink;
    EXPECT_FALSE(evaluate(c.expression, data_, span_, sink));
    EXPECT_EQ(report_.relative(sink.format_all()), c.diagnostics);
  }
}

TEST_F(ExpressionTest, UnknownColumnStaysAtTheSpan) {
  // Column 0 (position unknown, e.g. a whole-file span): no offset is added.
  DiagnosticSink sink;
  EXPECT_FALSE(evaluate("1 + x.y", data_, Span{"report.md"}, sink));
  EXPECT_EQ(sink.format_all(),
            "report.md: error: no data \"x\"\n"
            "  hint: existing keys: enrolment, majors, schools, students, zero, 学校\n");
}

TEST(Expression, HintListsAtMostEightKeys) {
  DataSet data;
  data.root.kind = Value::Kind::Record;
  data.root.record = std::make_shared<Record>();
  for (int i = 0; i < 10; ++i) (*data.root.record)[fmt::format("key{}", i)] = Value::of_number(i);
  DiagnosticSink sink;
  EXPECT_FALSE(evaluate("something", data, Span{"r.md", 1, 1}, sink));
  EXPECT_EQ(sink.format_all(),
            "r.md:1:1: error: no data \"something\"\n"
            "  hint: existing keys: key0, key1, key2, key3, key4, key5, key6, key7, … (10 in all)\n");
}

TEST(Expression, DeepNestingIsAnErrorNotACrash) {
  DataSet data;
  data.root.kind = Value::Kind::Record;
  data.root.record = std::make_shared<Record>();
  DiagnosticSink sink;
  std::string deep = std::string(5000, '(') + "1" + std::string(5000, ')');
  EXPECT_FALSE(evaluate(deep, data, Span{"r.md", 1, 1}, sink));
  EXPECT_EQ(sink.format_all(), "r.md:1:101: error: the expression is nested too deeply\n");
}

/// x = 1 and big = 1e308: the tree bound stops the parser before any lookup.
DataSet empty_data() {
  DataSet data;
  data.root.kind = Value::Kind::Record;
  data.root.record = std::make_shared<Record>();
  (*data.root.record)["x"] = Value::of_number(1);
  (*data.root.record)["big"] = Value::of_number(1e308);
  return data;
}

TEST(Expression, LongChainsAreAnErrorNotACrash) {
  DataSet data = empty_data();
  std::string sum = "1";
  for (int i = 0; i < 6000; ++i) sum += "+1";
  DiagnosticSink sink;
  EXPECT_FALSE(evaluate(sum, data, Span{"r.md", 1, 1}, sink));
  // The 256th "+" (column 2·256 − 1 from 0) makes the tree 257 levels tall.
  EXPECT_EQ(sink.format_all(),
            "r.md:1:512: error: the expression is too long: more than 256 operations in a chain\n"
            "  hint: split it into derived values ({expr: …}) of a few terms each, or use sum() over a list\n");
  std::string fields = "x", indexes = "x";
  for (int i = 0; i < 200000; ++i) fields += ".a", indexes += "[0]";
  DiagnosticSink sink2, sink3;
  EXPECT_FALSE(evaluate(fields, data, Span{"r.md", 1, 1}, sink2));
  EXPECT_NE(sink2.format_all().find("error: the expression is too long"), std::string::npos) << sink2.format_all();
  EXPECT_FALSE(evaluate(indexes, data, Span{"r.md", 1, 1}, sink3));
  EXPECT_NE(sink3.format_all().find("error: the expression is too long"), std::string::npos) << sink3.format_all();
  // 200 terms are fine.
  std::string fine = "1";
  for (int i = 0; i < 199; ++i) fine += "+1";
  DiagnosticSink sink4;
  auto v = evaluate(fine, data, Span{"r.md", 1, 1}, sink4);
  ASSERT_TRUE(v) << sink4.format_all();
  EXPECT_EQ(v->number, 200);
}

TEST(Expression, AnOverflowIsAnErrorAtItsOperator) {
  DataSet data = empty_data();
  DiagnosticSink sink;
  EXPECT_FALSE(evaluate("big * 10", data, Span{"r.md", 3, 5}, sink));
  EXPECT_EQ(sink.format_all(),
            "r.md:3:9: error: the result is too large to be a number\n"
            "  hint: a value beyond ±1.8e308 cannot be printed\n");
  DiagnosticSink sink2;
  EXPECT_FALSE(evaluate("big * 10 - big * 10", data, Span{"r.md", 1, 1}, sink2));
  EXPECT_EQ(sink2.format_all().substr(0, 60).find("r.md:1:5: error: the result is too large"), 0u) << sink2.format_all();
}

}  // namespace
}  // namespace paiban::data
