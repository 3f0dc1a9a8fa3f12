// Workbooks and office CSV files as a report's data, end to end: the printed
// cell text in the PDF, the diagnostics of bad workbooks, a batch from one
// workbook, and watch seeing a workbook saved by rename.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <cctype>
#include <filesystem>

#include "support/test_support.h"
#include "support/workbook_util.h"

namespace paiban {
namespace {

namespace fs = std::filesystem;
using testing::run_command;
using testing::TempDir;
using testing::XlsxWriter;

const std::string kPaiban = PAIBAN_BINARY;
std::string fixtures() { return testing::source_dir() + "/tests/fixtures/workbooks"; }

/// The PDF's text without white space (pdftotext spaces CJK text unevenly).
std::string pdf_text(const std::string& pdf) {
  std::string out;
  for (char c : run_command("pdftotext -layout " + pdf + " -").out)
    if (!std::isspace(static_cast<unsigned char>(c))) out += c;
  return out;
}

const char* const kSchoolsReport = R"(---
title: 学校统计
data: [data.yaml]
---

# 学校

全区在校生{{ sum(schools.在校生) | #,##0 }}人。{{ schools[0].学校 }}成立于{{ schools[0].成立 }}，就业率{{ schools[0].就业率 | 0.0% }}，{{ count(shown) }}所学校未隐藏。

```table
id: tab-schools
caption: 学校统计
rows: schools
header:
  - [学校, 类别, 在校生, 就业率, 示范校, 成立, 合计, 备注]
columns:
  - {value: 学校}
  - {value: 类别, merge: down}
  - {value: 在校生, format: "#,##0.0"}
  - {value: 就业率, format: "0.0%"}
  - {value: 示范校}
  - {value: 成立, format: "yyyy-mm-dd"}
  - {value: 'row["合计"]'}
  - {value: 备注}
```
)";

/// The printed text every writer's workbook of the schools must give.
void expect_schools_text(const std::string& text, bool merges_and_hidden = true) {
  for (const char* expected : {
           "全区在校生15,847人。",                 // 5238 + 10596.8 + 12, grouped
           "凉州区职业中等专业学校成立于1984年9月1日，就业率97.3%，",  // a date's default form; a ratio stays 0.973
           // (the name wraps in its cell, so the merged 公办 comes after it)
           "凉州区职业中等专业5,238.097.3%是1984-09-0110476国家级示范校学校公办",  // rich text joined
           "武威职业学院10,596.895.0%否2001-12-3121193.6",                      // formulas by cached value
           "隐藏学校民办12.050.0%否2020-01-0124隐藏行",                          // a hidden row is kept
       })
    EXPECT_NE(text.find(expected), std::string::npos) << expected << "\n" << text;
  if (merges_and_hidden) {
    EXPECT_NE(text.find("2所学校未隐藏"), std::string::npos) << text;
  }
}

TEST(WorkbookReport, GnumericXlsxEveryValueKindPrinted) {
  TempDir dir;
  dir.write("r/report.md", kSchoolsReport);
  fs::create_directories(dir.path() / "r/tables");
  fs::copy(fixtures() + "/schools-gnumeric.xlsx", dir.path() / "r/tables/学校.xlsx");
  dir.write("r/data.yaml",
            "schools: {xlsx: tables/学校.xlsx, sheet: 学校, header: 1}\n"
            "shown: {xlsx: tables/学校.xlsx, sheet: 学校, skip-hidden: true}\n");
  std::string pdf = (dir.path() / "r.pdf").string();
  auto r = run_command(kPaiban + " build " + (dir.path() / "r").string() + " -o " + pdf);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  expect_schools_text(pdf_text(pdf));
}

TEST(WorkbookReport, GnumericXlsReadsWhatFreeXlSees) {
  TempDir dir;
  dir.write("r/report.md", kSchoolsReport);
  fs::create_directories(dir.path() / "r/tables");
  fs::copy(fixtures() + "/schools-gnumeric.xls", dir.path() / "r/tables/学校.xls");
  dir.write("r/data.yaml",
            "schools: {xls: tables/学校.xls, sheet: 学校}\n"
            "shown: {xls: tables/学校.xls, sheet: 1}\n");
  std::string pdf = (dir.path() / "r.pdf").string();
  auto r = run_command(kPaiban + " build " + (dir.path() / "r").string() + " -o " + pdf);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::string text = pdf_text(pdf);
  // FreeXL (1.0.6) reads booleans as numbers, and neither merged ranges,
  // hidden rows, formulas' cached values nor rich text: those cells are empty.
  for (const char* expected : {"全区在校生15,847人。", "凉州区职业中等专业学校成立于1984年9月1日，就业率97.3%，3所学校未隐藏",
                               "凉州区职业中等专业学校公办5,238.097.3%11984-09-01武威职业学院10,596.895.0%02001-12-31"
                               "隐藏学校民办12.050.0%02020-01-01隐藏行"})
    EXPECT_NE(text.find(expected), std::string::npos) << expected << "\n" << text;
}

/// The same schools, written by libxlsxwriter.
void write_schools(const std::string& path, double first_students = 5238) {
  XlsxWriter book(path);
  lxw_worksheet* s = book.sheet("学校");
  lxw_format* pct = book.format("0.0%");
  lxw_format* date = book.format("yyyy\"年\"m\"月\"d\"日\"");
  const char* header[] = {"学校", "类别", "在校生", "就业率", "示范校", "成立", "合计", "备注"};
  for (int c = 0; c < 8; ++c) worksheet_write_string(s, 0, c, header[c], nullptr);
  struct Row {
    const char* name;
    double students, rate;
    bool model;
    lxw_datetime founded;
    const char* note;
  } rows[] = {{"凉州区职业中等专业学校", first_students, 0.973, true, {1984, 9, 1, 0, 0, 0}, "国家级示范校"},
              {"武威职业学院", 10596.8, 0.95, false, {2001, 12, 31, 0, 0, 0}, nullptr},
              {"隐藏学校", 12, 0.5, false, {2020, 1, 1, 0, 0, 0}, "隐藏行"}};
  for (int r = 0; r < 3; ++r) {
    worksheet_write_string(s, r + 1, 0, rows[r].name, nullptr);
    worksheet_write_number(s, r + 1, 2, rows[r].students, nullptr);
    worksheet_write_number(s, r + 1, 3, rows[r].rate, pct);
    worksheet_write_boolean(s, r + 1, 4, rows[r].model, nullptr);
    worksheet_write_datetime(s, r + 1, 5, &rows[r].founded, date);
    std::string formula = "=C" + std::to_string(r + 2) + "*2";
    worksheet_write_formula_num(s, r + 1, 6, formula.c_str(), nullptr, rows[r].students * 2);
    if (rows[r].note) worksheet_write_string(s, r + 1, 7, rows[r].note, nullptr);
  }
  worksheet_merge_range(s, 1, 1, 2, 1, "公办", nullptr);
  worksheet_write_string(s, 3, 1, "民办", nullptr);
  lxw_row_col_options hidden = {LXW_TRUE, 0, LXW_FALSE};
  worksheet_set_row_opt(s, 3, LXW_DEF_ROW_HEIGHT, nullptr, &hidden);
}

TEST(WorkbookReport, LibxlsxwriterWorkbookPrintsTheSameCells) {
  TempDir dir;
  dir.write("r/report.md", kSchoolsReport);
  fs::create_directories(dir.path() / "r/tables");
  write_schools((dir.path() / "r/tables/学校.xlsx").string());
  dir.write("r/data.yaml",
            "schools: {xlsx: tables/学校.xlsx}\n"
            "shown: {xlsx: tables/学校.xlsx, skip-hidden: true}\n");
  std::string pdf = (dir.path() / "r.pdf").string();
  auto r = run_command(kPaiban + " build " + (dir.path() / "r").string() + " -o " + pdf);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  expect_schools_text(pdf_text(pdf));
}

TEST(WorkbookReport, OfficeCsvFilesPrintTheirNumbers) {
  TempDir dir;
  dir.write("r/report.md", R"(---
title: 统计
data: [data.yaml]
---

# 统计

合计{{ sum(gbk.金额) | #,##0.00 }}元，带签名{{ bom[0].名称 }}。

```table
id: tab-money
caption: 经费
rows: gbk
header:
  - [名称, 金额, 比例]
columns:
  - {value: 名称}
  - {value: 金额, format: "#,##0.00"}
  - {value: 比例, format: "0.0%"}
```
)");
  // 名称,金额,比例 / 甲,"1,234",12.5% / 乙,"10,596.80",87.5% in GBK.
  dir.write("r/gbk.csv",
            "\xC3\xFB\xB3\xC6,\xBD\xF0\xB6\xEE,\xB1\xC8\xC0\xFD\n\xBC\xD7,\"1,234\",12.5%\n\xD2\xD2,\"10,596.80\",87.5%\n");
  dir.write("r/bom.csv", "\xEF\xBB\xBF名称\n丙\n");
  dir.write("r/data.yaml", "gbk: {csv: gbk.csv}\nbom: {csv: bom.csv}\n");
  std::string pdf = (dir.path() / "r.pdf").string();
  auto r = run_command(kPaiban + " build " + (dir.path() / "r").string() + " -o " + pdf);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("gbk.csv: warning: the file is not UTF-8; read as GBK (GB18030)"), std::string::npos) << r.err;
  std::string text = pdf_text(pdf);
  for (const char* expected : {"合计11,830.80元，带签名丙。", "甲1,234.0012.5%", "乙10,596.8087.5%"})
    EXPECT_NE(text.find(expected), std::string::npos) << expected << "\n" << text;
  // Said explicitly: no warning.
  dir.write("r/data.yaml", "gbk: {csv: gbk.csv, encoding: gbk}\nbom: {csv: bom.csv}\n");
  r = run_command(kPaiban + " build " + (dir.path() / "r").string() + " -o " + pdf);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err.find("warning"), std::string::npos) << r.err;
}

TEST(WorkbookReport, BadWorkbooksArePositionedErrorsAndLeaveThePreviousPdf) {
  TempDir dir;
  dir.write("r/report.md", "---\ntitle: 统计\ndata: [data.yaml]\n---\n\n# 统计\n\n共{{ count(t) }}行。\n");
  fs::create_directories(dir.path() / "r/tables");
  fs::copy(fixtures() + "/schools-gnumeric.xlsx", dir.path() / "r/tables/学校.xlsx");
  fs::copy(fixtures() + "/freexl-overflow.xls", dir.path() / "r/tables/overflow.xls");
  dir.write("r/tables/corrupt.xlsx", std::string("PK\x03\x04", 4) + std::string(100, 'x'));
  dir.write("r/tables/encrypted.xlsx", std::string("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) + std::string(504, '\0') +
                                           std::string("E\0n\0c\0r\0y\0p\0t\0e\0d\0P\0a\0c\0k\0a\0g\0e\0", 32));
  std::string bomb = (dir.path() / "r/tables/bomb.xlsx").string();
  write_schools(bomb);
  testing::rewrite_zip_part(bomb, "xl/worksheets/sheet1.xml", [](std::string xml) {
    return testing::replace_once(xml, "<sheetData>", "<sheetData>" + std::string(65u << 20, ' '));
  });
  std::string pdf = (dir.path() / "r.pdf").string();
  dir.write("r.pdf", "previous PDF");
  struct Case {
    const char* data;
    const char* expected;
  } cases[] = {
      {"t: {xlsx: tables/corrupt.xlsx}\n", "tables/corrupt.xlsx: error: cannot read the workbook: Not a zip archive"},
      {"t: {xlsx: tables/学校.xlsx, sheet: 学校表}\n",
       "data.yaml:1:34: error: tables/学校.xlsx has no sheet \"学校表\""},
      {"t: {xlsx: tables/encrypted.xlsx}\n", "tables/encrypted.xlsx: error: the workbook is encrypted"},
      {"t: {xlsx: tables/bomb.xlsx}\n", "tables/bomb.xlsx: error: the workbook's part \"xl/worksheets/sheet1.xml\" unpacks to more than 64 MB"},
      {"t: {xlsx: tables/学校.xlsx, sheet: 错误}\n", "tables/学校.xlsx:错误!B2: error: cell holds the error #DIV/0!"},
      // A file found by fuzzing that overflows a stack buffer inside FreeXL,
      // which therefore reads .xls files in a child process.
      {"t: {xls: tables/overflow.xls}\n", "tables/overflow.xls: error: cannot read the Excel 97–2003 workbook"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.data);
    dir.write("r/data.yaml", c.data);
    auto r = run_command("cd " + (dir.path() / "r").string() + " && " + kPaiban + " build . -o " + pdf);
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find(c.expected), std::string::npos) << r.err;
    EXPECT_EQ(testing::read_file(pdf), "previous PDF");
  }
  dir.write("r/data.yaml", "t: {xlsx: tables/学校.xlsx, sheet: 错误}\n");
  auto r = run_command("cd " + (dir.path() / "r").string() + " && " + kPaiban + " build . -o " + pdf);
  EXPECT_NE(r.err.find("tables/学校.xlsx:错误!B3: error: cell holds the error #N/A"), std::string::npos) << r.err;
  dir.write("r/data.yaml", "t: {xlsx: tables/学校.xlsx, sheet: 学校表}\n");
  r = run_command("cd " + (dir.path() / "r").string() + " && " + kPaiban + " build . -o " + pdf);
  EXPECT_NE(r.err.find("tables/学校.xlsx has no sheet \"学校表\"\n  hint: did you mean \"学校\"?"), std::string::npos)
      << r.err;
}

// A text where a number is needed is reported at its cell, the one to correct; the expression in a hint.
TEST(WorkbookReport, ATextCellWhereANumberIsNeededIsReportedAtTheCell) {
  TempDir dir;
  dir.write("r/report.md", "---\ntitle: 统计\ndata: [data.yaml]\n---\n\n# 统计\n\n共{{ sum(t.备注) }}。\n");
  fs::create_directories(dir.path() / "r/tables");
  fs::copy(fixtures() + "/schools-gnumeric.xlsx", dir.path() / "r/tables/学校.xlsx");
  dir.write("r/data.yaml", "t: {xlsx: tables/学校.xlsx, sheet: 学校}\n");
  auto r = run_command("cd " + (dir.path() / "r").string() + " && " + kPaiban + " build . -o out.pdf");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "tables/学校.xlsx:学校!H2: error: expected a number, got text \"国家级示范校\"\n"
                   "  hint: used by \"sum(t.备注)\" at ./report.md:8:9\n");
}

// ---- batch from one workbook --------------------------------------------------

const char* const kFlatTemplate = R"(---
title: "{{ name }}质量年度报告（2023年）"
issuer: "{{ name }}"
date: 2023年1月
data: [school.yaml]
---

# 学校概况

{{ name }}是一所{{ type }}中等职业学校，隶属{{ authority }}。学校全日制在校学生{{ enrolment }}人，毕业生{{ graduates }}人，就业{{ employed }}人，就业率{{ pct(employed, graduates) | 0.0% }}。
)";

TEST(WorkbookBatch, NineRowsGiveTheSamePdfsAsNineYamlFiles) {
  TempDir dir;
  dir.write("template/report.md", kFlatTemplate);
  dir.write("template/school.yaml", "name: 样例\ntype: 公办\nauthority: 区教育局\nenrolment: 1\ngraduates: 1\nemployed: 1\n");
  // The scalar facts of data/schools, as YAML files and as a workbook's rows.
  const char* keys[] = {"name", "type", "authority", "enrolment", "graduates", "employed"};
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(testing::source_dir() + "/data/schools")) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  ASSERT_EQ(files.size(), 9u);
  fs::path book_path = dir.path() / "schools.xlsx";
  {
    XlsxWriter book(book_path.string());
    lxw_worksheet* s = book.sheet("学校");
    worksheet_write_string(s, 0, 0, "file", nullptr);
    for (int c = 0; c < 6; ++c) worksheet_write_string(s, 0, c + 1, keys[c], nullptr);
    for (size_t r = 0; r < files.size(); ++r) {
      YAML::Node school = YAML::LoadFile(files[r].string());
      std::string yaml;
      worksheet_write_string(s, r + 1, 0, files[r].stem().c_str(), nullptr);
      for (int c = 0; c < 6; ++c) {
        std::string v = school[keys[c]].Scalar();
        yaml += std::string(keys[c]) + ": " + v + "\n";
        if (c >= 3) worksheet_write_number(s, r + 1, c + 1, std::stod(v), nullptr);
        else worksheet_write_string(s, r + 1, c + 1, v.c_str(), nullptr);
      }
      dir.write("yaml/" + files[r].filename().string(), yaml);
    }
  }
  fs::path from_yaml = dir.path() / "out-yaml", from_book = dir.path() / "out-book";
  auto a = run_command(kPaiban + " batch " + (dir.path() / "template").string() + " " + (dir.path() / "yaml").string() +
                       " -o " + from_yaml.string());
  ASSERT_EQ(a.exit_code, 0) << a.err;
  auto b = run_command(kPaiban + " batch " + (dir.path() / "template").string() + " " + book_path.string() +
                       " --sheet 学校 -o " + from_book.string());
  ASSERT_EQ(b.exit_code, 0) << b.err;
  EXPECT_NE(b.err.find("paiban batch: 9 rendered, 0 failed, "), std::string::npos) << b.err;
  for (const auto& f : files) {
    std::string name = f.stem().string() + ".pdf";
    std::string yaml_pdf = testing::read_file((from_yaml / name).string());
    ASSERT_EQ(yaml_pdf.substr(0, 5), "%PDF-") << name;
    EXPECT_EQ(yaml_pdf, testing::read_file((from_book / name).string())) << name;
  }
  EXPECT_NE(pdf_text((from_book / "04-liangzhou-zhizhuan.pdf").string()).find("学校全日制在校学生5238人"),
            std::string::npos);

  // --name-by another column; a row with no name fails alone, named by its cell.
  {
    XlsxWriter book(book_path.string());
    lxw_worksheet* s = book.sheet("学校");
    for (int c = 0; c < 6; ++c) worksheet_write_string(s, 0, c, keys[c], nullptr);
    const char* names[] = {"甲校", "乙校"};
    for (int r = 0; r < 2; ++r) {
      worksheet_write_string(s, r + 1, 0, names[r], nullptr);
      worksheet_write_string(s, r + 1, 1, "公办", nullptr);
      worksheet_write_string(s, r + 1, 2, "区教育局", nullptr);
      for (int c = 3; c < 6; ++c) worksheet_write_number(s, r + 1, c, 100 + r, nullptr);
    }
  }
  fs::path named = dir.path() / "named";
  auto c = run_command(kPaiban + " batch " + (dir.path() / "template").string() + " " + book_path.string() +
                       " --name-by name -o " + named.string());
  ASSERT_EQ(c.exit_code, 0) << c.err;
  EXPECT_TRUE(fs::exists(named / "甲校.pdf"));
  EXPECT_TRUE(fs::exists(named / "乙校.pdf"));
  auto d = run_command(kPaiban + " batch " + (dir.path() / "template").string() + " " + book_path.string() +
                       " --name-by nam -o " + named.string());
  EXPECT_EQ(d.exit_code, 1);
  EXPECT_NE(d.err.find("schools.xlsx: error: --name-by: the table has no column \"nam\"\n  hint: did you mean \"name\"?"),
            std::string::npos)
      << d.err;
  auto e = run_command(kPaiban + " batch " + (dir.path() / "template").string() + " " + book_path.string() +
                       " --sheet 学 -o " + named.string());
  EXPECT_EQ(e.exit_code, 1);
  EXPECT_NE(e.err.find("schools.xlsx has no sheet \"学\"\n  hint: did you mean \"学校\"?"), std::string::npos) << e.err;
}

TEST(WorkbookWatch, RebuildsWhenTheWorkbookIsSavedByRename) {
  TempDir dir;
  fs::path report = dir.path() / "r";
  dir.write("r/report.md", kSchoolsReport);
  fs::create_directories(report / "tables");
  write_schools((report / "tables/学校.xlsx").string());
  dir.write("r/data.yaml", "schools: {xlsx: tables/学校.xlsx}\nshown: {xlsx: tables/学校.xlsx, skip-hidden: true}\n");
  std::string pdf = (dir.path() / "w.pdf").string(), log = (dir.path() / "watch.log").string();
  run_command("(" + kPaiban + " watch " + report.string() + " -o " + pdf + " --exit-after 1 > " + log +
              " 2>&1 &) ; for i in $(seq 200); do [ -s " + log + " ] && break; sleep 0.05; done");
  ASSERT_NE(testing::read_file(log).find(" pages, "), std::string::npos) << testing::read_file(log);
  EXPECT_NE(pdf_text(pdf).find("全区在校生15,847人。"), std::string::npos);
  // Saved as an editor does: a new file beside it, renamed over the workbook.
  fs::path temp = report / "tables/学校.xlsx.tmp";
  write_schools(temp.string(), 5272);
  fs::rename(temp, report / "tables/学校.xlsx");
  run_command("for i in $(seq 200); do grep -q 'after a change' " + log + " && break; sleep 0.05; done");
  std::string out = testing::read_file(log);
  EXPECT_NE(out.find("ms after a change to " + (report / "tables/学校.xlsx").string()), std::string::npos) << out;
  EXPECT_NE(pdf_text(pdf).find("全区在校生15,881人。"), std::string::npos) << pdf_text(pdf);
}

}  // namespace
}  // namespace paiban
