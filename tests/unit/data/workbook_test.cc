// Workbooks (.xlsx written here by libxlsxwriter) and CSV files as offices
// save them, loaded as data: values, spans into the workbook, the problems
// reported.
#include <gtest/gtest.h>

#include <filesystem>

#include "support/workbook_util.h"
#include "unit/data/data_test_util.h"

namespace paiban::data {
namespace {

using test::at;
using test::Report;
using test::show;
using testing::XlsxWriter;

/// The schools sheet every test starts from: each value kind in a column.
void write_schools(const std::string& path, bool inline_strings = false) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  lxw_workbook_options options = {};
  options.constant_memory = inline_strings ? LXW_TRUE : LXW_FALSE;  // constant memory: inline strings
  lxw_workbook* book = workbook_new_opt(path.c_str(), &options);
  workbook_add_worksheet(book, "说明");
  lxw_worksheet* s = workbook_add_worksheet(book, "学校");
  lxw_format* percent = workbook_add_format(book);
  format_set_num_format(percent, "0.0%");
  lxw_format* date = workbook_add_format(book);
  format_set_num_format(date, "yyyy\"年\"m\"月\"d\"日\"");
  const char* header[] = {"学校", "在校生", "就业率", "示范校", "成立", "在校生（人）", "备注"};
  for (int c = 0; c < 7; ++c) worksheet_write_string(s, 0, c, header[c], nullptr);
  worksheet_write_string(s, 1, 0, "凉州区职业中等专业学校", nullptr);
  worksheet_write_number(s, 1, 1, 5238, nullptr);
  worksheet_write_number(s, 1, 2, 0.973, percent);
  worksheet_write_boolean(s, 1, 3, 1, nullptr);
  lxw_datetime founded = {1984, 9, 1, 0, 0, 0};
  worksheet_write_datetime(s, 1, 4, &founded, date);
  worksheet_write_formula_num(s, 1, 5, "=B2", nullptr, 5238);
  if (!inline_strings) {
    lxw_format* bold = workbook_add_format(book);
    format_set_bold(bold);
    lxw_rich_string_tuple a = {bold, const_cast<char*>("国家级")}, b = {nullptr, const_cast<char*>("示范校")};
    lxw_rich_string_tuple* rich[] = {&a, &b, nullptr};
    worksheet_write_rich_string(s, 1, 6, rich, nullptr);
  } else {
    worksheet_write_string(s, 1, 6, "国家级示范校", nullptr);
  }
  worksheet_write_string(s, 2, 0, "武威职业学院", nullptr);
  worksheet_write_number(s, 2, 1, 10596.8, nullptr);
  worksheet_write_number(s, 2, 2, 0.95, percent);
  worksheet_write_boolean(s, 2, 3, 0, nullptr);
  lxw_datetime later = {2001, 12, 31, 0, 0, 0};
  worksheet_write_datetime(s, 2, 4, &later, date);
  worksheet_write_formula_num(s, 2, 5, "=B3", nullptr, 10596.8);
  workbook_close(book);
}

struct CellCase {
  const char* path;
  const char* value;
  const char* literal;
  const char* span;
};

void expect_cells(const Value& root, const std::vector<CellCase>& cases, const Report& report) {
  for (const auto& c : cases) {
    SCOPED_TRACE(c.path);
    const Value& v = at(root, c.path);
    EXPECT_EQ(show(v), c.value);
    EXPECT_EQ(v.literal, c.literal);
    EXPECT_EQ(report.relative(v.span.to_string()), c.span);
  }
}

TEST(Workbook, EveryValueKindFromSharedStrings) {
  Report report;
  write_schools(report.dir() + "/tables/学校.xlsx");
  report.write("data.yaml", "schools: {xlsx: tables/学校.xlsx, sheet: 学校, header: 1}\n");
  auto data = report.load();
  ASSERT_TRUE(data);
  EXPECT_EQ(report.diagnostics(), "");
  expect_cells(data->root,
               {
                   {"schools.0.学校", "\"凉州区职业中等专业学校\"", "", "tables/学校.xlsx:学校!A2"},
                   {"schools.0.在校生", "5238", "5238", "tables/学校.xlsx:学校!B2"},
                   {"schools.0.就业率", "0.973", "0.973", "tables/学校.xlsx:学校!C2"},  // stays a ratio
                   {"schools.0.示范校", "1", "是", "tables/学校.xlsx:学校!D2"},
                   {"schools.0.成立", "30926", "1984年9月1日", "tables/学校.xlsx:学校!E2"},  // Excel's serial day
                   {"schools.0.在校生（人）", "5238", "5238", "tables/学校.xlsx:学校!F2"},    // a formula's cached value
                   {"schools.0.备注", "\"国家级示范校\"", "", "tables/学校.xlsx:学校!G2"},    // rich text joined
                   {"schools.1.在校生", "10596.8", "10596.8", "tables/学校.xlsx:学校!B3"},
                   {"schools.1.示范校", "0", "否", "tables/学校.xlsx:学校!D3"},
                   {"schools.1.成立", "37256", "2001年12月31日", "tables/学校.xlsx:学校!E3"},
                   {"schools.1.备注", "null", "", "tables/学校.xlsx:学校!G3"},
               },
               report);
  EXPECT_EQ(at(data->root, "schools").list->size(), 2u);
}

TEST(Workbook, InlineStringsAndASheetByNumber) {
  Report report;
  write_schools(report.dir() + "/s.xlsx", /*inline_strings=*/true);
  report.write("data.yaml", "schools: {xlsx: s.xlsx, sheet: 2}\n");
  auto data = report.load();
  ASSERT_TRUE(data);
  EXPECT_EQ(report.diagnostics(), "");
  expect_cells(data->root,
               {
                   {"schools.0.学校", "\"凉州区职业中等专业学校\"", "", "s.xlsx:学校!A2"},
                   {"schools.0.备注", "\"国家级示范校\"", "", "s.xlsx:学校!G2"},
                   {"schools.1.成立", "37256", "2001年12月31日", "s.xlsx:学校!E3"},
               },
               report);
}

TEST(Workbook, DatesPrintThroughADatePattern) {
  Value founded = Value::of_number(30926);
  EXPECT_EQ(format_number(founded, "yyyy年m月d日"), "1984年9月1日");
  EXPECT_EQ(format_number(founded, "yyyy-mm-dd"), "1984-09-01");
  EXPECT_EQ(format_number(founded, "yy/m/d"), "84/9/1");
  EXPECT_EQ(format_number(Value::of_number(61), "yyyy-mm-dd"), "1900-03-01");  // after the phantom 1900-02-29
  EXPECT_EQ(format_number(Value::of_number(59), "yyyy-mm-dd"), "1900-02-28");
  EXPECT_EQ(format_number(Value::of_number(45536), "yyyy年m月d日"), "2024年9月1日");
  EXPECT_EQ(format_number(founded, "yyyy年mmm"), std::nullopt);  // month names: not supported
}

TEST(Workbook, MergedCellsFillTheirRangeAndHeaderRowsJoin) {
  Report report;
  {
    XlsxWriter book(report.dir() + "/m.xlsx");
    lxw_worksheet* s = book.sheet("Sheet1");
    // Two header rows: 学校 merged down, 在校生 over 男/女.
    worksheet_merge_range(s, 0, 0, 1, 0, "学校", nullptr);
    worksheet_merge_range(s, 0, 1, 0, 2, "在校生", nullptr);
    worksheet_write_string(s, 1, 1, "男", nullptr);
    worksheet_write_string(s, 1, 2, "女", nullptr);
    worksheet_write_string(s, 0, 3, "类别", nullptr);
    // 公办 merged down two rows.
    worksheet_write_string(s, 2, 0, "甲校", nullptr);
    worksheet_write_number(s, 2, 1, 10, nullptr);
    worksheet_write_number(s, 2, 2, 11, nullptr);
    worksheet_merge_range(s, 2, 3, 3, 3, "公办", nullptr);
    worksheet_write_string(s, 3, 0, "乙校", nullptr);
    worksheet_write_number(s, 3, 1, 20, nullptr);
    worksheet_write_number(s, 3, 2, 21, nullptr);
  }
  report.write("data.yaml", "t: {xlsx: m.xlsx, header: 2}\n");
  auto data = report.load();
  ASSERT_TRUE(data);
  EXPECT_EQ(report.diagnostics(), "");
  EXPECT_EQ(show(at(data->root, "t")),
            "[{在校生女: 11, 在校生男: 10, 学校: \"甲校\", 类别: \"公办\"}, "
            "{在校生女: 21, 在校生男: 20, 学校: \"乙校\", 类别: \"公办\"}]");
  EXPECT_EQ(report.relative(at(data->root, "t.1.类别").span.to_string()), "m.xlsx:Sheet1!D4");
}

TEST(Workbook, TrailingEmptyCellsRangesAndHiddenRows) {
  Report report;
  {
    XlsxWriter book(report.dir() + "/h.xlsx");
    lxw_worksheet* s = book.sheet("学校");
    lxw_format* fill = book.format("0.00");
    worksheet_write_string(s, 0, 0, "2024年学校统计", nullptr);  // a title above the table
    worksheet_write_string(s, 1, 0, "学校", nullptr);
    worksheet_write_string(s, 1, 1, "在校生", nullptr);
    const char* names[] = {"甲", "乙", "丙"};
    for (int r = 0; r < 3; ++r) {
      worksheet_write_string(s, 2 + r, 0, names[r], nullptr);
      worksheet_write_number(s, 2 + r, 1, 100 * (r + 1), nullptr);
    }
    lxw_row_col_options hidden = {LXW_TRUE, 0, LXW_FALSE};
    worksheet_set_row_opt(s, 3, LXW_DEF_ROW_HEIGHT, nullptr, &hidden);  // 乙 hidden
    // Formatted but empty cells far right and below: not part of the table.
    for (int r = 2; r < 40; ++r) worksheet_write_blank(s, r, 8, fill);
    worksheet_write_blank(s, 900, 2, fill);
  }
  report.write("data.yaml",
               "all: {xlsx: h.xlsx, range: A2:Z1000}\n"
               "shown: {xlsx: h.xlsx, range: A2:B10, skip-hidden: true}\n");
  auto data = report.load();
  ASSERT_TRUE(data);
  EXPECT_EQ(report.diagnostics(), "");
  EXPECT_EQ(show(at(data->root, "all")), "[{在校生: 100, 学校: \"甲\"}, {在校生: 200, 学校: \"乙\"}, {在校生: 300, 学校: \"丙\"}]");
  EXPECT_EQ(show(at(data->root, "shown")), "[{在校生: 100, 学校: \"甲\"}, {在校生: 300, 学校: \"丙\"}]");
}

TEST(Workbook, FieldsRenameColumnsAndBracketsReachAnyName) {
  Report report;
  write_schools(report.dir() + "/s.xlsx");
  report.write("data.yaml", "schools: {xlsx: s.xlsx, sheet: 学校, fields: {在校生（人）: students, 学校: name}}\n");
  auto data = report.load();
  ASSERT_TRUE(data);
  EXPECT_EQ(report.diagnostics(), "");
  EXPECT_EQ(show(at(data->root, "schools.0.students")), "5238");
  EXPECT_EQ(show(at(data->root, "schools.0.name")), "\"凉州区职业中等专业学校\"");
  auto total = evaluate("sum(schools[\"在校生\"]) + schools[0][\"students\"]", *data, {"report.md", 1, 1}, report.sink());
  ASSERT_TRUE(total) << report.diagnostics();
  EXPECT_DOUBLE_EQ(total->number, 5238 + 10596.8 + 5238);
  auto missing = evaluate("schools[0][\"在校\"]", *data, {"report.md", 1, 1}, report.sink());
  EXPECT_FALSE(missing);
  EXPECT_NE(report.diagnostics().find("did you mean \"schools[0].在校生\"?"), std::string::npos) << report.diagnostics();
}

/// Diagnostics of loading DATA_YAML beside the workbook the test wrote.
std::string problems(Report& report, const std::string& data_yaml) {
  report.write("data.yaml", data_yaml);
  auto data = report.load();
  return report.diagnostics();
}

TEST(Workbook, NoHeaderRowNamesFieldsByColumnAnd1904DatesAreConverted) {
  Report report;
  std::string path = report.dir() + "/s.xlsx";
  write_schools(path);
  // The same serial days in a workbook of the 1904 date system (old Mac Excel) are 1462 days later.
  testing::rewrite_zip_part(path, "xl/workbook.xml", [](std::string xml) {
    return testing::replace_once(xml, "<workbookPr", "<workbookPr date1904=\"1\"");
  });
  report.write("data.yaml", "t: {xlsx: s.xlsx, sheet: 学校, header: 0, range: A1:E2}\n");
  auto data = report.load();
  ASSERT_TRUE(data) << report.diagnostics();
  EXPECT_EQ(report.diagnostics(), "");
  EXPECT_EQ(show(at(data->root, "t")),
            "[{A: \"学校\", B: \"在校生\", C: \"就业率\", D: \"示范校\", E: \"成立\"}, "
            "{A: \"凉州区职业中等专业学校\", B: 5238, C: 0.973, D: 1, E: 32388}]");
  EXPECT_EQ(at(data->root, "t.1.E").literal, "1988年9月2日");
}

TEST(OfficeCsv, FieldsRenameColumns) {
  Report report;
  report.write("t.csv", "在校生（人）,学校\n5238,甲\n");
  EXPECT_EQ(problems(report, "t: {csv: t.csv, fields: {在校生（人）: students}}\n"), "");
  auto data = report.load();
  EXPECT_EQ(show(at(data->root, "t")), "[{students: 5238, 学校: \"甲\"}]");
  Report wrong;
  wrong.write("t.csv", "在校生（人）,学校\n5238,甲\n");
  EXPECT_EQ(problems(wrong, "t: {csv: t.csv, fields: {在校生: students}}\n"),
            "data.yaml:1:26: error: the table has no column \"在校生\"\n"
            "  hint: did you mean \"在校生（人）\"?\n"
            "  hint: the table's columns: 在校生（人）, 学校\n");
}

TEST(Workbook, FormulasWithoutACachedValueAndErrorCellsAreErrorsAtTheCell) {
  Report report;
  std::string path = report.dir() + "/学校.xlsx";
  write_schools(path);
  testing::rewrite_zip_part(path, "xl/worksheets/sheet2.xml", [](std::string xml) {
    xml = testing::replace_once(xml, "<f>B3</f><v>10596.8</v>", "<f>B3</f>");  // saved by a non-calculating writer
    return testing::replace_once(xml, "<c r=\"C3\" s=\"1\"><v>0.95</v>", "<c r=\"C3\" s=\"1\" t=\"e\"><v>#DIV/0!</v>");
  });
  EXPECT_EQ(problems(report, "schools: {xlsx: 学校.xlsx, sheet: 学校}\n"),
            "学校.xlsx:学校!C3: error: cell holds the error #DIV/0!\n"
            "  hint: correct the cell's formula or data in the workbook\n"
            "学校.xlsx:学校!F3: error: cell holds a formula without a cached value\n"
            "  hint: the workbook was saved by a program that does not calculate; open it in Excel or WPS, let it "
            "calculate, and save it\n");
}

TEST(Workbook, AMissingSheetOrColumnHasADidYouMean) {
  Report report;
  write_schools(report.dir() + "/s.xlsx");
  EXPECT_EQ(problems(report, "schools: {xlsx: s.xlsx, sheet: 学校们}\n"),
            "data.yaml:1:32: error: s.xlsx has no sheet \"学校们\"\n"
            "  hint: did you mean \"学校\"?\n"
            "  hint: the workbook's sheets: 说明, 学校 (or a number, 1 for the first)\n");
  Report second;
  write_schools(second.dir() + "/s.xlsx");
  EXPECT_EQ(problems(second, "schools: {xlsx: s.xlsx, sheet: 学校, fields: {在校: n}, skp-hidden: true}\n"),
            "data.yaml:1:53: error: unknown key \"skp-hidden\" in a table reference\n"
            "  hint: did you mean \"skip-hidden\"?\n"
            "  hint: known keys: xlsx, sheet, header, range, fields, skip-hidden\n"
            "data.yaml:1:45: error: the sheet has no column \"在校\"\n"
            "  hint: did you mean \"在校生\"?\n"
            "  hint: the sheet's columns: 学校, 在校生, 就业率, 示范校, 成立, 在校生（人）, 备注\n");
  Report third;
  write_schools(third.dir() + "/s.xlsx");
  EXPECT_EQ(problems(third, "schools: {xlsx: s.xlsx, sheet: 学校, fields: {就业: rate}}\n"),
            "data.yaml:1:45: error: the sheet has no column \"就业\"\n"
            "  hint: did you mean \"就业率\"?\n"
            "  hint: the sheet's columns: 学校, 在校生, 就业率, 示范校, 成立, 在校生（人）, 备注\n");
}

TEST(Workbook, DamagedEncryptedAndOversizedWorkbooksAreRefused) {
  Report report;
  report.write("bad.xlsx", std::string("PK\x03\x04", 4) + "not really a zip");
  report.write("enc.xlsx", std::string("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) + std::string(512, '\0') +
                               std::string("E\0n\0c\0r\0y\0p\0t\0e\0d\0P\0a\0c\0k\0a\0g\0e\0", 32));
  report.write("text.xlsx", "学校,在校生\n");
  std::string out = problems(report,
                             "a: {xlsx: bad.xlsx}\n"
                             "b: {xlsx: enc.xlsx}\n"
                             "c: {xlsx: text.xlsx}\n"
                             "d: {xlsx: none.xlsx}\n");
  EXPECT_NE(out.find("bad.xlsx: error: cannot read the workbook: Not a zip archive\n"), std::string::npos) << out;
  EXPECT_NE(out.find("enc.xlsx: error: the workbook is encrypted (protected by a password to open)\n"), std::string::npos) << out;
  EXPECT_NE(out.find("text.xlsx: error: the file is not a workbook (.xlsx or .xls)\n"), std::string::npos) << out;
  EXPECT_NE(out.find("data.yaml:4:11: error: there is no file \"none.xlsx\"\n"), std::string::npos) << out;

  // A ZIP bomb: a sheet part that unpacks to 65 MB of spaces (65 KB packed).
  Report bomb;
  std::string path = bomb.dir() + "/bomb.xlsx";
  write_schools(path);
  testing::rewrite_zip_part(path, "xl/worksheets/sheet2.xml", [](std::string xml) {
    return testing::replace_once(xml, "<sheetData>", "<sheetData>" + std::string(65u << 20, ' '));
  });
  out = problems(bomb, "s: {xlsx: bomb.xlsx, sheet: 学校}\n");
  EXPECT_EQ(out,
            "bomb.xlsx: error: the workbook's part \"xl/worksheets/sheet2.xml\" unpacks to more than 64 MB\n"
            "  hint: a workbook this large (or a ZIP bomb) is refused; keep the report's data in a smaller workbook\n");

  // A sheet beyond the row limit.
  Report rows;
  {
    XlsxWriter book(rows.dir() + "/rows.xlsx");
    lxw_worksheet* s = book.sheet("Sheet1");
    worksheet_write_string(s, 0, 0, "a", nullptr);
    worksheet_write_number(s, 200005, 0, 1, nullptr);
  }
  out = problems(rows, "s: {xlsx: rows.xlsx}\n");
  EXPECT_EQ(out.substr(0, out.find('\n')), "rows.xlsx:Sheet1: error: the sheet has more than 200000 rows") << out;
}

TEST(Workbook, SharedStringsReadBesideTheSheetAreCheckedAndLimited) {
  // A cell naming a shared string the workbook does not have.
  Report missing;
  std::string path = missing.dir() + "/s.xlsx";
  write_schools(path);
  testing::rewrite_zip_part(path, "xl/worksheets/sheet2.xml", [](std::string xml) {
    return testing::replace_once(xml, "<c r=\"A2\" t=\"s\"><v>7</v>", "<c r=\"A2\" t=\"s\"><v>99</v>");
  });
  std::string out = problems(missing, "s: {xlsx: s.xlsx, sheet: 学校}\n");
  EXPECT_EQ(out.substr(0, out.find('\n')), "s.xlsx:学校: error: the sheet is damaged: shared string 99 does not exist")
      << out;

  // A ZIP bomb in the shared strings (read on a thread of their own).
  Report bomb;
  path = bomb.dir() + "/bomb.xlsx";
  write_schools(path);
  testing::rewrite_zip_part(path, "xl/sharedStrings.xml", [](std::string xml) {
    return testing::replace_once(xml, "<si>", std::string(65u << 20, ' ') + "<si>");
  });
  out = problems(bomb, "s: {xlsx: bomb.xlsx, sheet: 学校}\n");
  EXPECT_EQ(out.substr(0, out.find('\n')),
            "bomb.xlsx: error: the workbook's part \"xl/sharedStrings.xml\" unpacks to more than 64 MB")
      << out;
}

TEST(Workbook, ALargeSheetsRecordsKeepTheirRowsAndSpans) {
  // Enough rows that two threads build the records: each record is its own row.
  Report report;
  constexpr int kRows = 20000;
  {
    XlsxWriter book(report.dir() + "/big.xlsx");
    lxw_worksheet* s = book.sheet("学校");
    worksheet_write_string(s, 0, 0, "名称", nullptr);
    worksheet_write_string(s, 0, 1, "人数", nullptr);
    for (int r = 1; r <= kRows; ++r) {
      worksheet_write_string(s, r, 0, ("校" + std::to_string(r)).c_str(), nullptr);
      worksheet_write_number(s, r, 1, r * 3, nullptr);
    }
  }
  report.write("data.yaml", "s: {xlsx: big.xlsx}\n");
  auto data = report.load();
  ASSERT_TRUE(data) << report.diagnostics();
  const Value& list = at(data->root, "s");
  ASSERT_EQ(list.list->size(), static_cast<size_t>(kRows));
  for (int i : {0, 1, kRows / 2 - 1, kRows / 2, kRows / 2 + 1, kRows - 1}) {
    SCOPED_TRACE(i);
    const Value& row = (*list.list)[static_cast<size_t>(i)];
    EXPECT_EQ(row.record->at("名称").text, "校" + std::to_string(i + 1));
    EXPECT_EQ(row.record->at("人数").number, (i + 1) * 3.0);
    EXPECT_EQ(report.relative(row.record->at("人数").span.to_string()), "big.xlsx:学校!B" + std::to_string(i + 2));
    EXPECT_EQ(report.relative(row.span.to_string()), "big.xlsx:学校!A" + std::to_string(i + 2));
  }
  auto total = evaluate("sum(s.人数)", *data, {"report.md", 1, 1}, report.sink());
  ASSERT_TRUE(total) << report.diagnostics();
  EXPECT_EQ(total->number, 3.0 * kRows * (kRows + 1) / 2);
}

// ---- CSV as offices save it -------------------------------------------------

TEST(OfficeCsv, NumbersWithThousandsSeparatorsAndPercentages) {
  Report report;
  report.write("data.yaml", "t: {csv: t.csv}\n");
  report.write("t.csv", "名称,金额,比例,编号\n甲,\"1,234\",12.5%,0101\n乙,\"10,596.80\",-3%,\"1,23\"\n");
  auto data = report.load();
  ASSERT_TRUE(data);
  EXPECT_EQ(report.diagnostics(), "");
  expect_cells(data->root,
               {
                   {"t.0.金额", "1234", "1,234", "t.csv:2:3"},
                   {"t.0.比例", "0.125", "12.5%", "t.csv:2:11"},
                   {"t.0.编号", "\"0101\"", "", "t.csv:2:17"},
                   {"t.1.金额", "10596.8", "10,596.80", "t.csv:3:3"},
                   {"t.1.比例", "-0.03", "-3%", "t.csv:3:15"},
                   {"t.1.编号", "\"1,23\"", "", "t.csv:3:19"},  // not groups of three: text
               },
               report);
}

TEST(OfficeCsv, ByteOrderMarkAndGbkDetectedWithAWarning) {
  Report report;
  report.write("data.yaml",
               "bom: {csv: bom.csv}\n"
               "gbk: {csv: gbk.csv}\n"
               "said: {csv: said.csv, encoding: gbk}\n");
  report.write("bom.csv", "\xEF\xBB\xBF学校,在校生\n甲,1\n");
  // "学校,在校生\n凉州,5238\n" in GBK (as Excel on Chinese Windows saves CSV).
  const std::string gbk = "\xD1\xA7\xD0\xA3,\xD4\xDA\xD0\xA3\xC9\xFA\n\xC1\xB9\xD6\xDD,5238\n";
  report.write("gbk.csv", gbk);
  report.write("said.csv", gbk);
  auto data = report.load();
  ASSERT_TRUE(data);
  EXPECT_EQ(report.diagnostics(),
            "gbk.csv: warning: the file is not UTF-8; read as GBK (GB18030)\n"
            "  hint: save it as UTF-8 (Excel: 另存为 → CSV UTF-8), or write `encoding: gbk` beside `csv:` to say so\n");
  EXPECT_EQ(show(at(data->root, "bom")), "[{在校生: 1, 学校: \"甲\"}]");
  EXPECT_EQ(show(at(data->root, "gbk")), "[{在校生: 5238, 学校: \"凉州\"}]");
  EXPECT_EQ(show(at(data->root, "said")), "[{在校生: 5238, 学校: \"凉州\"}]");
  EXPECT_EQ(report.relative(at(data->root, "gbk.0.在校生").span.to_string()), "gbk.csv:2:4");
}

TEST(OfficeCsv, AnUnknownEncodingAndBytesOutsideIt) {
  Report report;
  report.write("a.csv", "a\n1\n");
  report.write("b.csv", "a\n\xFF\xFF\n");
  EXPECT_EQ(problems(report, "a: {csv: a.csv, encoding: klingon}\nb: {csv: b.csv, encoding: gbk}\n"),
            "data.yaml:1:27: error: unknown encoding \"klingon\"\n"
            "  hint: encoding: utf-8, gbk, gb18030 or big5\n"
            "b.csv:2:1: error: byte 0xFF is not GBK (GB18030) text\n"
            "  hint: save the file as UTF-8 (Excel: 另存为 → CSV UTF-8), or name its encoding (encoding: gbk)\n");
}

}  // namespace
}  // namespace paiban::data
