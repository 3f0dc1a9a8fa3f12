// Tables, cases, values and references bound from data.
#include <gtest/gtest.h>

#include "support/report_fixture.h"

namespace paiban::doc {
namespace {

const char* kMajorsCsv =
    "industry,group,major,students,admitted\n"
    "第一产业,农林牧渔类,园艺技术,21,21\n"
    "第一产业,农林牧渔类,畜禽生产技术,15,15\n"
    "第二产业,加工制造类,机电技术应用,164,97\n"
    "第三产业,信息技术类,计算机及应用,942,320\n"
    "第三产业,信息技术类,物联网应用技术,116,28\n";

const char* kMajorsTable =
    "```table\n"
    "id: tab-majors\n"
    "caption: 专业情况统计\n"
    "unit: 人\n"
    "rows: majors\n"
    "header:\n"
    "  - [{text: 产业类别, rowspan: 2}, {text: 专业, colspan: 2}, {text: 人数, colspan: 2}]\n"
    "  - [专业大类, 专业名称, 在校生, 招生]\n"
    "columns:\n"
    "  - {value: industry, merge: down}\n"
    "  - {value: group, merge: down}\n"
    "  - {value: major}\n"
    "  - {value: students, total: sum}\n"
    "  - {value: admitted / students, format: \"0.0%\"}\n"
    "total: {label: 合计, span: 3}\n"
    "```\n";

std::map<std::string, std::string> report(const std::string& body) {
  return {{"report.md", "---\ntitle: 报告\ndata: [data.yaml]\n---\n\n" + body},
          {"data.yaml", "majors: {csv: majors.csv}\nstudents: {total: 1258, last: 1190}\n"},
          {"majors.csv", kMajorsCsv}};
}

/// The cell starting at (row, column), or nullptr.
const TableCell* cell(const std::vector<TableCell>& cells, int row, int column) {
  for (const auto& c : cells)
    if (c.row == row && c.column == column) return &c;
  return nullptr;
}

TEST(Tables, HeaderRowsWithMergedCells) {
  testing::ReportFixture f(report(kMajorsTable));
  ASSERT_EQ(f.diagnostics(), "");
  ASSERT_EQ(f.document.blocks.size(), 1u);
  const Table& t = *f.document.blocks[0].table;
  EXPECT_EQ(t.label, "表1");
  EXPECT_EQ(t.columns, 5);
  EXPECT_EQ(t.header_rows, 2);
  const TableCell* industry = cell(t.header, 0, 0);
  ASSERT_TRUE(industry);
  EXPECT_EQ(industry->rowspan, 2);
  EXPECT_EQ(cell(t.header, 0, 1)->colspan, 2);
  EXPECT_EQ(cell(t.header, 0, 3)->text, "人数");
  // Row 2 starts after the row-spanning 产业类别: 专业大类 sits in column 1.
  EXPECT_EQ(cell(t.header, 1, 1)->text, "专业大类");
  EXPECT_EQ(cell(t.header, 1, 4)->text, "招生");
}

TEST(Tables, EqualLabelsMergeDownAndTotalsAreComputed) {
  testing::ReportFixture f(report(kMajorsTable));
  const Table& t = *f.document.blocks[0].table;
  EXPECT_EQ(t.body_rows, 6);  // 5 majors + 合计
  EXPECT_EQ(cell(t.body, 0, 0)->text, "第一产业");
  EXPECT_EQ(cell(t.body, 0, 0)->rowspan, 2);
  EXPECT_TRUE(cell(t.body, 0, 0)->merged_down);
  EXPECT_EQ(cell(t.body, 1, 0), nullptr);  // covered by the merged label
  EXPECT_EQ(cell(t.body, 3, 1)->text, "信息技术类");
  EXPECT_EQ(cell(t.body, 3, 1)->rowspan, 2);
  // A derived column, formatted: 320 ÷ 942 = 34.0%.
  EXPECT_EQ(cell(t.body, 3, 4)->text, "34.0%");
  EXPECT_EQ(cell(t.body, 3, 3)->align, Align::Right);
  // 合计 spans three columns; the students are summed, the share is not.
  EXPECT_EQ(cell(t.body, 5, 0)->text, "合计");
  EXPECT_EQ(cell(t.body, 5, 0)->colspan, 3);
  EXPECT_EQ(cell(t.body, 5, 3)->text, "1258");
  EXPECT_EQ(cell(t.body, 5, 4)->text, "");
  EXPECT_TRUE(t.total_rows[5]);
  // Cells know the CSV cell they came from.
  EXPECT_EQ(cell(t.body, 3, 2)->span.line, 5);
}

TEST(Tables, ValuesAndReferencesInText) {
  testing::ReportFixture f(report(std::string(kMajorsTable) +
                                  "\n见[@tab-majors]：在校生{{ students.total }}人，增加{{ students.total - students.last }}"
                                  "人，增幅{{ growth(students.total, students.last) | 0.0% }}，共{{ count(majors) }}个专业。\n"));
  ASSERT_EQ(f.diagnostics(), "");
  EXPECT_EQ(plain_text(f.document.blocks[1].runs), "见表1：在校生1258人，增加68人，增幅5.7%，共5个专业。");
  EXPECT_EQ(f.document.blocks[1].runs[1].target, "tab-majors");
}

TEST(Tables, ReferenceToAnUnknownIdHasADidYouMean) {
  testing::ReportFixture f(report(std::string(kMajorsTable) + "\n见[@tab-major]。\n"));
  EXPECT_EQ(f.diagnostics(),
            "report.md:23:2: error: unresolved reference \"tab-major\"\n"
            "  hint: did you mean \"tab-majors\" (表1)?\n");
}

TEST(Tables, MissingDataKeyIsAnErrorAtTheValue) {
  testing::ReportFixture f(report("在校生{{ students.totl }}人。\n"));
  EXPECT_EQ(f.diagnostics(),
            "report.md:6:16: error: no data \"students.totl\"\n"
            "  hint: did you mean \"students.total\"?\n");
}

TEST(Tables, UnknownTableKeyAndBadHeaderWidth) {
  testing::ReportFixture f(report("```table\ncaption: 甲\nrows: majors\ncolumn: []\n```\n"));
  EXPECT_EQ(f.diagnostics(),
            "report.md:9:1: error: table: unknown key \"column\"\n"
            "  hint: did you mean \"columns\"?\n"
            "  hint: known keys: id, caption, unit, rows, header, columns, total, note, landscape\n"
            "report.md:6:1: error: table: \"columns\" is missing\n");
  testing::ReportFixture g(report("```table\ncaption: 甲\nrows: majors\nheader:\n  - [甲, 乙]\ncolumns: [industry]\n```\n"));
  EXPECT_EQ(g.diagnostics(), "report.md:10:9: error: table: header row 1 is wider than the 1 columns\n");
}

TEST(Tables, AColumnWithoutAValueIsTheOnlyError) {
  // A new user's guess at the syntax (the header's text as the key): its errors, at the column,
  // and no row filled with a column that has no expression (which reported an empty one
  // with no place at all).
  testing::ReportFixture f(report("```table\ncaption: 甲\nrows: majors\ncolumns:\n  - 专业: major\n```\n"));
  EXPECT_EQ(f.diagnostics(),
            "report.md:10:5: error: table: unknown column key \"专业\"\n"
            "  hint: known keys: value, format, align, merge, total\n"
            "report.md:10:5: error: table: a column needs a value\n"
            "  hint: - {value: students}\n");
}

TEST(Cases, NumberedInOrderWithTheirParagraphs) {
  testing::ReportFixture f(report("```case 教材建设 {#case-a}\n第一段。\n\n第二段。\n```\n\n```case 校企合作\n段落。\n```\n\n见[@case-a]。\n"));
  ASSERT_EQ(f.diagnostics(), "");
  ASSERT_EQ(f.document.blocks.size(), 3u);
  const CaseBox& a = *f.document.blocks[0].case_box;
  EXPECT_EQ(a.number, 1);
  EXPECT_EQ(a.title, "教材建设");
  ASSERT_EQ(a.blocks.size(), 2u);
  EXPECT_EQ(plain_text(a.blocks[1].runs), "第二段。");
  EXPECT_EQ(f.document.blocks[1].case_box->number, 2);
  EXPECT_EQ(plain_text(f.document.blocks[2].runs), "见案例分享1。");
}

TEST(Tables, PerChapterNumbering) {
  std::map<std::string, std::string> files = report(std::string("# 甲\n\n") + kMajorsTable + "\n# 乙\n\n" + kMajorsTable);
  // Two tables with the same id: the second is reported.
  testing::ReportFixture f(files);
  EXPECT_NE(f.diagnostics().find("duplicate id \"tab-majors\""), std::string::npos);

  // Numbered per chapter: 表1-1, 表1-2 in the first chapter, 表2-1 in the
  // second, and a reference reads the label.
  auto table = [](const std::string& id) {
    std::string t = kMajorsTable;
    t.replace(t.find("tab-majors"), 10, id);
    return t;
  };
  files = report("# 甲\n\n" + table("tab-a") + "\n" + table("tab-b") + "\n# 乙\n\n" + table("tab-c") +
                 "\n见[@tab-c]和[@tab-b]。\n");
  doc::DocumentSettings per_chapter;
  per_chapter.table_numbering = TableNumbering::Chapter;
  testing::ReportFixture g(files, per_chapter);
  ASSERT_EQ(g.diagnostics(), "");
  std::vector<std::string> labels;
  std::string reference;
  for (const auto& b : g.document.blocks) {
    if (b.table) labels.push_back(b.table->label);
    else if (b.kind == BlockKind::Paragraph) reference = plain_text(b.runs);
  }
  EXPECT_EQ(labels, (std::vector<std::string>{"表1-1", "表1-2", "表2-1"}));
  EXPECT_EQ(reference, "见表2-1和表1-2。");
  // The same document numbered through: 表1, 表2, 表3.
  testing::ReportFixture h(files);
  labels.clear();
  for (const auto& b : h.document.blocks)
    if (b.table) labels.push_back(b.table->label);
  EXPECT_EQ(labels, (std::vector<std::string>{"表1", "表2", "表3"}));
}

}  // namespace
}  // namespace paiban::doc
