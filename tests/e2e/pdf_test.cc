// The PDF as a reader sees it: navigation, labels, metadata, text, PDF/A.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <regex>

#include "pdf_inspect.h"
#include "support/test_support.h"

namespace paiban {
namespace {

using nlohmann::json;
using testing::run_command;

const std::string kPaiban = PAIBAN_BINARY;

/// data/example rendered once.
class ExamplePdf : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    static testing::TempDir dir;
    pdf_ = (dir.path() / "example.pdf").string();
    auto r = run_command(kPaiban + " build " + testing::source_dir() + "/data/example -o " + pdf_);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    json_ = json::parse(run_command("qpdf --json " + pdf_).out);
  }
  static std::string pdf_;
  static json json_;

  static std::string label(size_t index) { return testing::PdfInspector(pdf_).label(index); }
  static std::string text_in(size_t index, double x0, double y0, double x1, double y1) {
    return testing::PdfInspector(pdf_).text_in(index, x0, y0, x1, y1);
  }
};
std::string ExamplePdf::pdf_;
json ExamplePdf::json_;

TEST_F(ExamplePdf, OutlineMirrorsTheHeadingTree) {
  std::vector<std::string> top;
  json chapter;
  for (const auto& o : json_["outlines"]) {
    top.push_back(o["title"]);
    if (o["title"] == "1. 基本情况") chapter = o;
  }
  EXPECT_EQ(top, (std::vector<std::string>{"前言", "目录", "表目录", "案例目录", "示例职业学校质量年度报告（2023年）",
                                           "1. 基本情况"}));
  ASSERT_EQ(chapter["kids"].size(), 2u);
  EXPECT_EQ(chapter["kids"][0]["title"], "1.1 办学规模");
  EXPECT_EQ(chapter["kids"][1]["title"], "1.2 专业设置");
  // 1. 基本情况 is on the first body page, labelled 1.
  EXPECT_EQ(label(chapter["destpageposfrom1"].get<int>() - 1), "1");
}

TEST_F(ExamplePdf, PageLabelsEqualThePrintedNumbers) {
  const size_t n = json_["pages"].size();
  ASSERT_EQ(n, 7u);
  EXPECT_EQ(label(0), "封面");
  std::vector<std::string> expected = {"封面", "I", "II", "III", "IV", "1", "2"};
  for (size_t i = 0; i < n; ++i) {
    EXPECT_EQ(label(i), expected[i]) << i;
    // The number printed in the footer (the cover has none).
    std::string footer = text_in(i, 0, 0, 595, 60);
    EXPECT_EQ(footer, i == 0 ? "" : expected[i]) << i;
  }
}

TEST_F(ExamplePdf, EveryContentsEntryLinksToThePageItNames) {
  testing::PdfInspector inspector(pdf_);
  std::vector<std::string> failures;
  // 目录: 前言, 1., 1.1, 1.2; 表目录: 2 tables; 案例目录: 1 case.
  EXPECT_EQ(inspector.check_links(failures), 7);
  EXPECT_EQ(failures, std::vector<std::string>{});
}

TEST(PdfInspector, AnEntryEndsWithTheWholeLabelNotWithItsLastDigits) {
  using testing::PdfInspector;
  EXPECT_TRUE(PdfInspector::ends_with_label("1.1办学规模……11", "11"));
  EXPECT_TRUE(PdfInspector::ends_with_label("前言……IV", "IV"));
  EXPECT_FALSE(PdfInspector::ends_with_label("1.1办学规模……11", "1"));
  EXPECT_FALSE(PdfInspector::ends_with_label("前言……IV", "V"));
  EXPECT_FALSE(PdfInspector::ends_with_label("表1专业统计……12", "2"));
  EXPECT_FALSE(PdfInspector::ends_with_label("", "1"));
}

TEST_F(ExamplePdf, MetadataAndReproducibleDates) {
  auto info = run_command("pdfinfo " + pdf_).out;
  EXPECT_NE(info.find("Title:           示例职业学校质量年度报告（2023年）"), std::string::npos);
  EXPECT_NE(info.find("Author:          示例区教育局"), std::string::npos);
  EXPECT_NE(info.find("Subject:         paiban 源格式示例"), std::string::npos);
  EXPECT_NE(info.find("Keywords:        paiban, 示例"), std::string::npos);
  EXPECT_NE(info.find("Creator:         paiban 0.1.0"), std::string::npos);
  EXPECT_EQ(info.find("CreationDate"), std::string::npos);  // none unless asked for
  EXPECT_EQ(json_["qpdf"][1]["trailer"]["value"]["/ID"].size(), 2u);
  EXPECT_NE(run_command("qpdf --show-object=trailer " + pdf_).out.find("/ID"), std::string::npos);
  testing::TempDir dir;
  std::string dated = (dir.path() / "d.pdf").string();
  ASSERT_EQ(run_command("SOURCE_DATE_EPOCH=1700000000 " + kPaiban + " build " + testing::source_dir() +
                        "/data/example -o " + dated).exit_code, 0);
  EXPECT_NE(run_command("pdfinfo " + dated).out.find("CreationDate:    Tue Nov 14 22:13:20 2023 UTC"), std::string::npos);
  EXPECT_NE(run_command("qpdf --show-object=1 " + dated + "; qpdf --json " + dated).out.find("D:20231114221320Z"), std::string::npos);
}

TEST_F(ExamplePdf, CatalogSaysChinese) {
  EXPECT_NE(run_command("qpdf --show-object=trailer " + pdf_).out.find("/Root"), std::string::npos);
  std::string root = json_["qpdf"][1]["trailer"]["value"]["/Root"];
  EXPECT_EQ(json_["qpdf"][1]["obj:" + root]["value"]["/Lang"], "u:zh-CN");
}

TEST(Pdf, TextComesBackExactlyIncludingSharedGlyphsAndNonBmp) {
  testing::TempDir dir;
  const std::string text = "波浪号～与〜不同，𠮷野家2023年，ABC证书达98.5%，“引号”与《书名》。";
  dir.write("r/report.md", "---\ntitle: 测试\n---\n\n" + text + "\n");
  std::string pdf = (dir.path() / "r.pdf").string();
  auto r = run_command(kPaiban + " build " + (dir.path() / "r").string() + " -o " + pdf);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto out = run_command("pdftotext -f 2 -l 2 -x 0 -y 80 -W 596 -H 680 " + pdf + " -");
  EXPECT_EQ(out.err, "");
  std::string got;
  for (char c : out.out)
    if (!std::isspace(static_cast<unsigned char>(c))) got += c;
  EXPECT_EQ(got, "波浪号～与〜不同，𠮷野家2023年，ABC证书达98.5%，“引号”与《书名》。");
}

TEST(Pdf, PdfaPassesPdfBoxPreflight) {
  testing::TempDir dir;
  std::string pdf = (dir.path() / "a.pdf").string();
  auto r = run_command(kPaiban + " build --pdfa " + testing::source_dir() + "/data/example -o " + pdf);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string cp = "/usr/share/java/preflight.jar:/usr/share/java/pdfbox2.jar:/usr/share/java/xmpbox.jar:"
                         "/usr/share/java/fontbox2.jar:/usr/share/java/commons-logging.jar:"
                         "/usr/share/java/javax.activation.jar:/usr/share/java/jaxb-api.jar";
  auto v = run_command("java -cp " + cp + " org.apache.pdfbox.preflight.Validator_A1b " + pdf);
  EXPECT_NE(v.out.find("is a valid PDF/A-1b file"), std::string::npos) << v.out << v.err;
  EXPECT_EQ(v.exit_code, 0);
  auto check = run_command("qpdf --check " + pdf);
  EXPECT_EQ(check.exit_code, 0) << check.out;
  EXPECT_EQ(run_command("pdffonts " + pdf).err, "");
}

TEST(Pdf, PdfaMetadataIsEscaped) {
  testing::TempDir dir;
  dir.write("r/report.md", "---\ntitle: \"研究 & <报告>\"\n---\n\n正文。\n");
  std::string pdf = (dir.path() / "a.pdf").string();
  ASSERT_EQ(run_command(kPaiban + " build --pdfa " + (dir.path() / "r").string() + " -o " + pdf).exit_code, 0);
  auto xmp = run_command("qpdf --qdf --object-streams=disable " + pdf + " " + pdf + ".q && grep -a 'dc:title' " + pdf + ".q");
  EXPECT_NE(xmp.out.find("研究 &amp; &lt;报告&gt;"), std::string::npos) << xmp.out;
}

}  // namespace
}  // namespace paiban

namespace paiban {
namespace {

TEST(PdfGate, PassesAGoodPdfAndCatchesABrokenOne) {
  testing::TempDir dir;
  std::string good = (dir.path() / "good.pdf").string();
  ASSERT_EQ(run_command(kPaiban + " build " + testing::source_dir() + "/data/example -o " + good).exit_code, 0);
  EXPECT_EQ(testing::pdf_gate(good), "");
  // Cut in the middle of its objects (kept under another extension, so that
  // the folder's own gate does not see it).
  std::string bytes = testing::read_file(good);
  std::string broken = dir.write("broken.pdf.bin", bytes.substr(0, bytes.size() / 2));
  std::string problems = testing::pdf_gate(broken);
  EXPECT_NE(problems.find("qpdf --check"), std::string::npos) << problems;
  EXPECT_NE(problems.find("ghostscript"), std::string::npos) << problems;
}

}  // namespace
}  // namespace paiban
