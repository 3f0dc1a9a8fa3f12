// Loading data files: YAML and CSV → Values with spans, and the problems
// reported on the way.
#include "data/data.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>

#include <fmt/format.h>

#include "base/text_file.h"
#include "base/yaml_util.h"

#include "unit/data/data_test_util.h"

namespace paiban::data {
namespace {

using test::at;
using test::Report;
using test::show;

const char* const kData =
    "title: 凉州区职业教育\n"             // 1
    "students:\n"                         // 2
    "  total: 10391\n"                    // 3
    "  ratio: 0.60\n"                     // 4
    "  share: 96.65%\n"                   // 5
    "  note: \"10266\"\n"                 // 6
    "  code: 0101\n"                      // 7
    "  empty:\n"                          // 8
    "  nothing: ~\n"                      // 9
    "  名称: 数控\n"                      // 10
    "majors: {csv: tables/majors.csv}\n"  // 11
    "years: [2021, 2022]\n";              // 12

const char* const kMajors =
    "专业,students,graduates\n"
    "数控技术,3200,1000\n"
    "\"护理, 助产\",4066,\n"
    "旅游,3000,\"1,200\"\n";

/// One loaded datum: its printed value, literal and span.
struct DatumCase {
  const char* path;
  const char* value;
  const char* literal;
  const char* span;
};

TEST(LoadDataSet, YamlAndCsvValuesKeepTheirSpans) {
  Report report;
  report.write("data.yaml", kData);
  report.write("tables/majors.csv", kMajors);
  auto data = report.load();
  ASSERT_TRUE(data);
  EXPECT_EQ(report.diagnostics(), "");

  const DatumCase cases[] = {
      {"title", "\"凉州区职业教育\"", "", "data.yaml:1:8"},
      {"students.total", "10391", "10391", "data.yaml:3:10"},
      {"students.ratio", "0.6", "0.60", "data.yaml:4:10"},
      {"students.share", "0.9665", "96.65%", "data.yaml:5:10"},  // a percentage is a ratio
      {"students.note", "\"10266\"", "", "data.yaml:6:9"},       // quoted: text
      {"students.code", "\"0101\"", "", "data.yaml:7:9"},        // a leading zero: a code, text
      {"students.empty", "null", "", "data.yaml:8:3"},           // nothing written: at its key
      {"students.nothing", "null", "", "data.yaml:9:12"},
      {"students.名称", "\"数控\"", "", "data.yaml:10:7"},       // code-point columns, not bytes
      {"years.1", "2022", "2022", "data.yaml:12:15"},
      {"majors", "[{graduates: 1000, students: 3200, 专业: \"数控技术\"}, "
                 "{graduates: null, students: 4066, 专业: \"护理, 助产\"}, "
                 "{graduates: 1200, students: 3000, 专业: \"旅游\"}]",
       "", "tables/majors.csv"},
      {"majors.0", "{graduates: 1000, students: 3200, 专业: \"数控技术\"}", "", "tables/majors.csv:2:1"},
      {"majors.0.专业", "\"数控技术\"", "", "tables/majors.csv:2:1"},
      {"majors.0.students", "3200", "3200", "tables/majors.csv:2:6"},
      {"majors.1.专业", "\"护理, 助产\"", "", "tables/majors.csv:3:1"},
      {"majors.1.students", "4066", "4066", "tables/majors.csv:3:10"},
      {"majors.1.graduates", "null", "", "tables/majors.csv:3:15"},  // an empty cell
      {"majors.2.graduates", "1200", "1,200", "tables/majors.csv:4:9"},  // thousands separators, as Excel writes them
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.path);
    const Value& v = at(data->root, c.path);
    EXPECT_EQ(show(v), c.value);
    EXPECT_EQ(v.literal, c.literal);
    EXPECT_EQ(report.relative(v.span.to_string()), c.span);
  }
  EXPECT_EQ(data->root.record->count("checks"), 0u);
}

TEST(LoadDataSet, PlainScalarsThatAreNumbers) {
  struct Case {
    const char* written;
    const char* value;
  };
  const Case cases[] = {
      {"10266", "10266"},     {"-5", "-5"},           {"+5", "5"},          {"0", "0"},
      {"0.5", "0.5"},         {".5", "0.5"},          {"1e3", "1000"},      {"-2.5E-1", "-0.25"},
      {"12.5%", "0.125"},     {"-3%", "-0.03"},       {"1,000", "\"1,000\""}, {"1.2.3", "\"1.2.3\""},
      {"2023-01", "\"2023-01\""}, {"007", "\"007\""}, {"true", "\"true\""}, {"5 人", "\"5 人\""},
      {"1e3%", "\"1e3%\""},   {"50%%", "\"50%%\""},         {"1e999", "\"1e999\""},
  };
  Report report;
  std::string yaml;
  for (size_t i = 0; i < std::size(cases); ++i) yaml += fmt::format("k{}: {}\n", i, cases[i].written);
  report.write("data.yaml", yaml);
  auto data = report.load();
  ASSERT_TRUE(data);
  EXPECT_EQ(report.diagnostics(), "");
  for (size_t i = 0; i < std::size(cases); ++i) {
    SCOPED_TRACE(cases[i].written);
    const Value& v = at(data->root, fmt::format("k{}", i));
    EXPECT_EQ(show(v), cases[i].value);
    if (v.is_number()) {
      EXPECT_EQ(v.literal, cases[i].written);
    }
  }
}

TEST(LoadDataSet, CsvQuotingLineEndingsAndByteOrderMark) {
  Report report;
  report.write("data.yaml", "t: {csv: t.csv}\n");
  report.write("t.csv",
               "\xEF\xBB\xBFname,value\r\n"         // 1: BOM, CRLF
               "\"say \"\"hi\"\"\",1\r\n"           // 2: doubled quotes
               "\r\n"                               // 3: blank, skipped
               "\"two\nlines\", 2 \r\n"             // 4-5: a line break inside quotes; spaces around 2
               "  last ,-3.5e2");                   // 6: no final line break
  auto data = report.load();
  ASSERT_TRUE(data);
  EXPECT_EQ(report.diagnostics(), "");
  const DatumCase cases[] = {
      {"t.0.name", "\"say \"hi\"\"", "", "t.csv:2:1"},
      {"t.0.value", "1", "1", "t.csv:2:14"},
      {"t.1.name", "\"two\nlines\"", "", "t.csv:4:1"},
      {"t.1.value", "2", "2", "t.csv:5:9"},
      {"t.2.name", "\"last\"", "", "t.csv:6:3"},
      {"t.2.value", "-350", "-3.5e2", "t.csv:6:9"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.path);
    const Value& v = at(data->root, c.path);
    EXPECT_EQ(show(v), c.value);
    EXPECT_EQ(v.literal, c.literal);
    EXPECT_EQ(report.relative(v.span.to_string()), c.span);
  }
  EXPECT_EQ(at(data->root, "t").list->size(), 3u);
}

TEST(LoadDataSet, CsvRowsWithTooFewOrTooManyFieldsAreLeftOut) {
  Report report;
  report.write("data.yaml", "x: {csv: tables/x.csv}\n");
  report.write("tables/x.csv",
               "a,b,c,d,e\n"
               "1,2,3,4,5\n"
               "1,2,3,4,5,6\n"
               "1,2,3\n"
               "6,7,8,9,10\n");
  auto data = report.load();
  ASSERT_TRUE(data);
  EXPECT_EQ(report.diagnostics(),
            "tables/x.csv:3:1: error: row has 6 fields, the header has 5\n"
            "  hint: a comma inside a cell needs the cell in double quotes: \"1,000\"\n"
            "tables/x.csv:4:1: error: row has 3 fields, the header has 5\n"
            "  hint: an empty cell is still separated by commas: 1,,3\n");
  ASSERT_EQ(at(data->root, "x").list->size(), 2u);
  EXPECT_EQ(show(at(data->root, "x.1")), "{a: 6, b: 7, c: 8, d: 9, e: 10}");
}

TEST(LoadDataSet, CsvMalformedQuotesAndHeaders) {
  struct Case {
    const char* name;
    const char* csv;
    const char* diagnostics;
    const char* loaded;  ///< show() of the table, or "" when it is not loaded
  };
  const Case cases[] = {
      {"unclosed quote", "a,b\n1,\"x\n2,3\n",
       "t.csv:2:3: error: quoted field is never closed\n"
       "  hint: a field that starts with \" ends with \"; write \"\" for a quote inside it\n",
       "[]"},
      {"text after closing quote", "a,b\n\"x\"y,2\n",
       "t.csv:2:4: error: unexpected text after the closing quote of a field\n"
       "  hint: write \"\" for a quote inside a quoted field\n",
       "[{a: \"x\", b: 2}]"},
      {"duplicate column", "a,b,a\n1,2,3\n",
       "t.csv:1:5: error: duplicate column \"a\"\n  hint: the first \"a\" is column 1\n", "[{a: 1, b: 2}]"},
      {"unnamed column", "a,,c\n1,2,3\n",
       "t.csv:1:3: error: column 2 has no name\n  hint: the first row names every column\n", "[{a: 1, c: 3}]"},
      {"empty file", "",
       "t.csv:1:1: error: the table is empty\n  hint: its first row names the columns, e.g. `专业,在校生`\n", ""},
      {"header only", "a,b\n", "", "[]"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    Report report;
    report.write("data.yaml", "t: {csv: t.csv}\n");
    report.write("t.csv", c.csv);
    auto data = report.load();
    ASSERT_TRUE(data);
    EXPECT_EQ(report.diagnostics(), c.diagnostics);
    if (*c.loaded) {
      EXPECT_EQ(show(at(data->root, "t")), c.loaded);
    } else {
      EXPECT_EQ(data->root.record->count("t"), 0u);
    }
  }
}

TEST(LoadDataSet, DuplicateKeysAreErrorsAndTheFirstWins) {
  Report report;
  report.write("data.yaml",
               "students:\n"
               "  total: 1\n"
               "  total: 2\n"
               "other: [{a: 1, a: 2}]\n"
               "students: 3\n");
  auto data = report.load();
  ASSERT_TRUE(data);
  EXPECT_EQ(report.diagnostics(),
            "data.yaml:3:3: error: duplicate key \"total\"\n"
            "  hint: first defined at line 2\n"
            "data.yaml:4:16: error: duplicate key \"a\"\n"
            "  hint: first defined at line 4\n"
            "data.yaml:5:1: error: duplicate key \"students\"\n"
            "  hint: first defined at line 1\n");
  EXPECT_EQ(show(data->root), "{other: [{a: 1}], students: {total: 1}}");
}

TEST(LoadDataSet, TwoFilesMayNotDefineTheSameKey) {
  Report report;
  report.write("a.yaml", "x: 1\n");
  report.write("b.yaml", "y: 2\nx: 3\n");
  auto data = report.load({"a.yaml", "b.yaml"});
  ASSERT_TRUE(data);
  EXPECT_EQ(report.diagnostics(),
            "b.yaml:2:1: error: key \"x\" is already defined in another data file\n"
            "  hint: first defined at a.yaml:1:1\n");
  EXPECT_EQ(show(data->root), "{x: 1, y: 2}");
}

TEST(LoadDataSet, MalformedYamlIsReportedAtItsPosition) {
  struct Case {
    const char* yaml;
    const char* diagnostics;
  };
  const Case cases[] = {
      {"a: [1, 2\nb: 3\n", "data.yaml:2:2: error: malformed YAML: end of sequence flow not found\n"},
      // yaml-cpp counts bytes; the span counts code points (名称 is 6 bytes).
      {"名称: 1\n 名称: 2\n", "data.yaml:2:4: error: malformed YAML: illegal map value\n"},
      {"- 1\n- 2\n", "data.yaml:1:1: error: a data file is a map of keys and values\n"
                     "  hint: e.g. `students: {total: 10391}` on the first line\n"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.yaml);
    Report report;
    report.write("data.yaml", c.yaml);
    EXPECT_FALSE(report.load());  // the only file: nothing could be loaded
    EXPECT_EQ(report.diagnostics(), c.diagnostics);
  }
}

TEST(LoadDataSet, FilesThatAreNotUtf8) {
  Report report;
  report.write("data.yaml", "a: 1\nb: {csv: gbk.csv}\n");
  report.write("gbk.csv", "name\n\xB1\xEA\xCC\xE2\n");  // 标题 in GBK
  report.write("gbk.yaml", "c: \xB1\xEA\n");
  auto data = report.load({"data.yaml", "gbk.yaml"});
  ASSERT_TRUE(data);
  EXPECT_EQ(report.diagnostics(),
            // A CSV is read as Excel on Chinese Windows saves it; a YAML file must be UTF-8.
            "gbk.csv: warning: the file is not UTF-8; read as GBK (GB18030)\n"
            "  hint: save it as UTF-8 (Excel: 另存为 → CSV UTF-8), or write `encoding: gbk` beside `csv:` to say so\n"
            "gbk.yaml:1:4: error: invalid UTF-8: byte 0xB1 does not start a valid sequence\n"
            "  hint: save the file as UTF-8 (GBK and other legacy encodings are not read)\n");
  EXPECT_EQ(show(data->root), "{a: 1, b: [{name: \"标题\"}]}");
}

TEST(LoadDataSet, PathsMustStayInsideTheReportFolder) {
  Report report;
  report.write("data.yaml",
               "a: {csv: ../outside.csv}\n"
               "b: {csv: /etc/passwd}\n"
               "c: {csv: tables/../../x.csv}\n"
               "d: {csv: tables/../ok.csv}\n"
               "e: {csv: ok.csv, sep: \";\"}\n"
               "f: {csv: missing.csv}\n");
  report.write("ok.csv", "n\n1\n");
  auto data = report.load();
  ASSERT_TRUE(data);
  EXPECT_EQ(report.diagnostics(),
            "data.yaml:1:10: error: path \"../outside.csv\" leaves the report folder\n"
            "  hint: data files must be inside the report folder (<report>)\n"
            "data.yaml:2:10: error: absolute path \"/etc/passwd\" is not allowed\n"
            "  hint: write the path relative to the report folder, e.g. tables/majors.csv\n"
            "data.yaml:3:10: error: path \"tables/../../x.csv\" leaves the report folder\n"
            "  hint: data files must be inside the report folder (<report>)\n"
            "data.yaml:5:18: error: unknown key \"sep\" in a table reference\n"
            "  hint: known keys: csv, encoding, fields\n"
            "data.yaml:6:10: error: there is no file \"missing.csv\"\n"
            "  hint: the path is relative to the report folder (<report>)\n");
  EXPECT_EQ(show(data->root), "{d: [{n: 1}], e: [{n: 1}]}");
}

TEST(LoadDataSet, DataFileListedOutsideTheReportFolder) {
  Report report;
  EXPECT_FALSE(report.load({"../data.yaml", "/abs/data.yaml"}));
  EXPECT_EQ(report.diagnostics(),
            "../data.yaml: error: path \"../data.yaml\" leaves the report folder\n"
            "  hint: data files must be inside the report folder (<report>)\n"
            "/abs/data.yaml: error: absolute path \"/abs/data.yaml\" is not allowed\n"
            "  hint: write the path relative to the report folder, e.g. tables/majors.csv\n");
}

TEST(LoadDataSet, NoFilesIsAnEmptySet) {
  Report report;
  auto data = report.load({});
  ASSERT_TRUE(data);
  EXPECT_EQ(show(data->root), "{}");
  EXPECT_TRUE(data->checks.empty());
}

TEST(LoadDataSet, EmptyFileLoadsNothingWithoutError) {
  Report report;
  report.write("data.yaml", "# nothing yet\n");
  auto data = report.load();
  ASSERT_TRUE(data);
  EXPECT_EQ(report.diagnostics(), "");
  EXPECT_EQ(show(data->root), "{}");
}

TEST(LoadDataSet, ReportFolderPathIsNormalizedInSpans) {
  Report report;
  report.write("data.yaml", "x: 1\n");
  DiagnosticSink sink;
  auto data = load_data_set(report.dir() + "/./sub/..", {"data.yaml"}, sink);
  ASSERT_TRUE(data);
  EXPECT_EQ(at(data->root, "x").span.to_string(), report.dir() + "/data.yaml:1:4");
}

TEST(LoadDataSet, ChecksAreReadAndValidated) {
  Report report;
  report.write("data.yaml",
               "x: 1\n"                     // 1
               "checks:\n"                  // 2
               "  - name: 总数\n"           // 3
               "    equal: [x, 1]\n"        // 4
               "    formt: \"0.0\"\n"       // 5
               "  - name: 单个\n"           // 6
               "    equal: [x]\n"           // 7
               "  - name: 格式\n"           // 8
               "    equal: [x, \"x\"]\n"    // 9
               "    format: \"0.0.0\"\n"    // 10
               "  - equal: [x, x]\n"        // 11
               "  - name: 好\n"             // 12
               "    equal: [x, 'sum(x)']\n" // 13
               "    format: \"0.0%\"\n");   // 14
  report.write("more.yaml",
               "checks:\n"
               "  - {name: 又一个, equal: [x, 1]}\n"
               "  - 5\n"
               "  - {name: 逗号, equal: [x, pct(x, 1)]}\n");
  auto data = report.load({"data.yaml", "more.yaml"});
  ASSERT_TRUE(data);
  EXPECT_EQ(report.diagnostics(),
            "data.yaml:5:5: error: unknown key \"formt\" in a check\n"
            "  hint: known keys: name, equal, format\n"
            "data.yaml:7:12: error: \"equal\" needs at least two expressions to compare, got 1\n"
            "data.yaml:10:13: error: malformed number format \"0.0.0\"\n"
            "  hint: a format is built from 0 # , . % and a leading +, e.g. \"0.00\", \"#,##0\", \"+0.#%\"\n"
            "data.yaml:11:5: error: the check has no \"name\"\n"
            "  hint: name: 在校生总数 (what the check compares)\n"
            "more.yaml:3:5: error: a check is a map with \"name\" and \"equal\"\n"
            "  hint: - name: 在校生总数\n"
            "      equal: [students.total, sum(majors.students)]\n"
            "more.yaml:4:27: error: the expression \"pct(x\" is cut at a comma\n"
            "  hint: in a [ ] list YAML splits at every comma: put the expression in quotes, \"pct(a, b)\", "
            "or write one expression per line after \"- \"\n");
  EXPECT_EQ(show(data->root), "{x: 1}");  // checks are not data
  ASSERT_EQ(data->checks.size(), 2u);
  const auto& check = data->checks[0];
  EXPECT_EQ(check.name, "好");
  EXPECT_EQ(check.equal, (std::vector<std::string>{"x", "sum(x)"}));
  ASSERT_EQ(check.spans.size(), 2u);
  EXPECT_EQ(report.relative(check.spans[0].to_string()), "data.yaml:13:13");
  EXPECT_EQ(report.relative(check.spans[1].to_string()), "data.yaml:13:17");  // past the quote
  EXPECT_EQ(check.format, "0.0%");
  EXPECT_EQ(report.relative(check.span.to_string()), "data.yaml:12:5");
  EXPECT_EQ(data->checks[1].name, "又一个");
  EXPECT_EQ(report.relative(data->checks[1].span.to_string()), "more.yaml:2:5");
}

}  // namespace
}  // namespace paiban::data

namespace paiban::data {
namespace {

using test::Report;

TEST(LoadDataSet, YamlDirThatIncludesItsOwnFileIsAnError) {
  Report report;
  report.write("data.yaml", "s: {yaml_dir: .}\n");
  auto data = report.load();
  ASSERT_TRUE(data);
  EXPECT_EQ(report.diagnostics(),
            "data.yaml:1:15: error: yaml_dir \".\" includes data.yaml, which is already being read: it would include "
            "itself\n"
            "  hint: keep the per-school files in a folder of their own, e.g. yaml_dir: schools\n");
}

TEST(LoadDataSet, YamlDirsThatIncludeEachOtherAreAnError) {
  Report report;
  report.write("data.yaml", "s: {yaml_dir: a}\n");
  report.write("a/x.yaml", "t: {yaml_dir: b}\n");
  report.write("b/y.yaml", "u: {yaml_dir: a}\n");
  auto data = report.load();
  ASSERT_TRUE(data);
  EXPECT_EQ(report.diagnostics(),
            "b/y.yaml:1:15: error: yaml_dir \"a\" includes a/x.yaml, which is already being read: it would "
            "include itself\n"
            "  hint: keep the per-school files in a folder of their own, e.g. yaml_dir: schools\n");
}

TEST(LoadDataSet, AFolderLargeEnoughToParseOnTwoThreadsIsReadAsOneFileAfterAnother) {
  // 40 schools of ~800 bytes (30 KB: parsed ahead, on two threads where there are two); the
  // 8th is not YAML, the 24th has a key twice, the 31st is not UTF-8.
  Report report;
  report.write("data.yaml", "schools: {yaml_dir: schools}\n");
  // (A record shows its keys in sorted order, its text quoted.)
  std::set<std::string> keys{"enrolment"};
  for (int k = 0; k < 100; ++k) keys.insert(fmt::format("m{}", k));
  std::string expected = "[";
  for (int i = 1; i <= 40; ++i) {
    std::string yaml = fmt::format("name: 学校{}\nenrolment: {}\n", i, 100 + i);
    for (int k = 0; k < 100; ++k) yaml += fmt::format("m{}: {}\n", k, k);
    if (i == 8) yaml = "name: [学校\nenrolment: 3\n";
    if (i == 24) yaml += "enrolment: 7\n";
    if (i == 31) yaml = "name: \xff\xfe\n";
    report.write(fmt::format("schools/{:02}.yaml", i), yaml);
    if (i == 8 || i == 31) continue;
    expected += fmt::format("{}{{_file: \"{:02}\"", expected.size() > 1 ? ", " : "", i);
    for (const std::string& key : keys)
      expected += fmt::format(", {}: {}", key, key == "enrolment" ? 100 + i : std::stoi(key.substr(1)));
    expected += fmt::format(", name: \"学校{}\"}}", i);
  }
  expected += "]";
  auto data = report.load();
  ASSERT_TRUE(data);
  const std::string d = report.diagnostics();
  const size_t malformed = d.find("schools/08.yaml:2:10: error: malformed YAML: end of sequence flow not found");
  const size_t duplicate = d.find("schools/24.yaml:103:1: error: duplicate key \"enrolment\"");
  const size_t not_utf8 = d.find("schools/31.yaml:1:7: error:");
  EXPECT_NE(malformed, std::string::npos) << d;
  EXPECT_NE(duplicate, std::string::npos) << d;
  EXPECT_NE(not_utf8, std::string::npos) << d;
  EXPECT_LT(malformed, duplicate) << d;
  EXPECT_LT(duplicate, not_utf8) << d;
  EXPECT_EQ(show((*data->root.record)["schools"]), expected);
}

TEST(LoadDataSet, AnAliasBombStopsAtTheValueBudget) {
  // Nine levels of ten aliases: a billion values from 300 bytes; a5 (line 6)
  // is the first to stand for more than 250,000.
  std::string yaml = "a0: &a0 [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n";
  for (int i = 1; i <= 9; ++i) {
    yaml += fmt::format("a{}: &a{} [", i, i);
    for (int k = 0; k < 10; ++k) yaml += fmt::format("{}*a{}", k ? ", " : "", i - 1);
    yaml += "]\n";
  }
  Report report;
  report.write("data.yaml", yaml);
  auto data = report.load();
  EXPECT_EQ(report.diagnostics().substr(0, report.diagnostics().find('\n')),
            "data.yaml:6:1: error: the data holds more than 250000 values");
}

TEST(LoadDataSet, DataNestedTooDeepIsAnError) {
  Report report;
  report.write("data.yaml", "x: " + std::string(100, '[') + std::string(100, ']') + "\n");
  report.load();
  EXPECT_EQ(report.diagnostics(),
            "data.yaml:1:68: error: the data is nested more than 64 deep\n"
            "  hint: a report's data needs a few levels of lists and maps\n");
}

TEST(LoadDataSet, SymlinksThatLeadOutOfTheReportAreRefused) {
  testing::TempDir outside;
  outside.write("secret.csv", "secret\n42\n");
  outside.write("dir/s.yaml", "secret: 42\n");
  Report report;
  report.write("data.yaml", "t: {csv: t.csv}\nu: {csv: tables/secret.csv}\ns: {yaml_dir: schools}\n");
  std::filesystem::create_symlink(outside.path() / "secret.csv", report.dir() + "/t.csv");
  std::filesystem::create_symlink(outside.path(), report.dir() + "/tables");
  std::filesystem::create_symlink(outside.path() / "dir", report.dir() + "/schools");
  auto data = report.load();
  std::string out = outside.path().string();
  EXPECT_EQ(report.diagnostics(),
            "data.yaml:1:10: error: file \"t.csv\" leads to " + out + "/secret.csv, outside the folder it must stay in\n"
            "  hint: a report reads only files inside its own folder: copy the file in rather than linking to it\n"
            "data.yaml:2:10: error: file \"tables/secret.csv\" leads to " + out + "/secret.csv, outside the folder it must stay in\n"
            "  hint: a report reads only files inside its own folder: copy the file in rather than linking to it\n"
            "data.yaml:3:15: error: folder \"schools\" leads to " + out + "/dir, outside the folder it must stay in\n"
            "  hint: a report reads only files inside its own folder: copy the file in rather than linking to it\n");
  // A symlink inside the folder is fine.
  Report inner;
  inner.write("data.yaml", "t: {csv: t.csv}\n");
  inner.write("real.csv", "n\n1\n");
  std::filesystem::create_symlink("real.csv", inner.dir() + "/t.csv");
  auto ok = inner.load();
  ASSERT_TRUE(ok);
  EXPECT_EQ(inner.diagnostics(), "");
}

TEST(LoadDataSet, OnlyRegularFilesAreRead) {
  Report report;
  report.write("data.yaml", "t: {csv: pipe.csv}\nz: {csv: zero.csv}\nd: {csv: folder}\n");
  ASSERT_EQ(mkfifo((report.dir() + "/pipe.csv").c_str(), 0600), 0);
  std::filesystem::create_directories(report.dir() + "/folder");
  // /dev/zero through a symlink is outside; the device itself is refused by the reader too.
  DiagnosticSink sink;
  EXPECT_FALSE(read_text_file("/dev/zero", sink));
  EXPECT_EQ(sink.format_all(), "/dev/zero:1:1: error: this is a device, not a file\n");
  report.load();
  EXPECT_EQ(report.diagnostics(),
            "data.yaml:1:10: error: file \"pipe.csv\": this is a pipe (FIFO), not a file\n"
            "data.yaml:2:10: error: there is no file \"zero.csv\"\n"
            "  hint: the path is relative to the report folder (<report>)\n"
            "data.yaml:3:10: error: file \"folder\": this is a folder, not a file\n");
}

TEST(YamlCache, AFileWhoseTextIsUnchangedIsNotParsedAgainAndAChangedOneIs) {
  test::Report report;
  report.write("data.yaml", "a: 1\nschools: {yaml_dir: schools}\n");
  report.write("schools/x.yaml", "name: 甲\nn: 10\n");
  report.write("schools/y.yaml", "name: 乙\nn: 20\nn: 21\n");  // a duplicate key, reported every time
  YamlTextCache cache;
  YamlTextCache::Scope scope(&cache);
  auto first = report.load();
  ASSERT_TRUE(first);
  EXPECT_EQ(cache.hits(), 0u);
  const std::string problems = report.diagnostics();
  EXPECT_NE(problems.find("duplicate key \"n\""), std::string::npos) << problems;

  test::Report again_sink;  // (a fresh sink; the same folder)
  auto second = load_data_set(report.dir(), {"data.yaml"}, again_sink.sink());
  ASSERT_TRUE(second);
  EXPECT_EQ(cache.hits(), 3u);
  EXPECT_EQ(again_sink.sink().format_all(), report.sink().format_all());

  // One school corrected: its new value, the others from the cache.
  report.write("schools/x.yaml", "name: 甲\nn: 11\n");
  DiagnosticSink sink;
  auto third = load_data_set(report.dir(), {"data.yaml"}, sink);
  ASSERT_TRUE(third);
  EXPECT_EQ(cache.hits(), 5u);
  auto sum = evaluate("sum(schools.n)", *third, {"report.md", 1, 1}, sink);
  ASSERT_TRUE(sum) << sink.format_all();
  EXPECT_EQ(sum->number, 11 + 20);
  EXPECT_EQ(evaluate("sum(schools.n)", *second, {"report.md", 1, 1}, sink)->number, 10 + 20);
}

}  // namespace
}  // namespace paiban::data
