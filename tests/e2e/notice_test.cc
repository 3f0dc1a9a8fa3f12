// A GB/T 9704-2012 notice (document: notice) read back from its PDF: the
// 版头, the title and 主送机关, the signature block by 7.3.5 with and without
// a seal, and the 版记, measured in pt from the page's edges against the
// standard's measures; and what a notice's front matter refuses.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <optional>
#include <regex>
#include <sstream>
#include <stdexcept>

#include "bbox_lines.h"
#include "support/test_support.h"

namespace paiban {
namespace {

using testing::BoxLine;
using testing::run_command;

// A4 and the GB/T 9704 type area (5.2): 156 × 225 mm, 37 mm from the top, 28 mm from the left.
constexpr double kMm = 72 / 25.4;
constexpr double kPageHeight = 841.89;
constexpr double kLeft = 28 * kMm, kRight = (28 + 156) * kMm, kTop = 37 * kMm, kBottom = (37 + 225) * kMm;
constexpr double kChar = 156 * kMm / 28;   // one character of the 28 × 22 grid
constexpr double kLine = 225 * kMm / 22;   // one line of it
constexpr double kCentre = (kLeft + kRight) / 2;
// A CJK face's em box stands 0.88 em above its baseline and 0.12 em below.
constexpr double kAscent = 0.88, kDescent = 0.12;

std::string squeeze(const std::string& s) {
  std::string out;
  for (char c : s)
    if (!std::isspace(static_cast<unsigned char>(c))) out += c;
  return out;
}

/// What a page's content stream draws, in pt from the page's top left.
struct TextRun {
  int page;
  double size, x, baseline;
  std::string fill;  ///< the fill colour's operands: "1 0 0"
};
struct Stroke {
  int page;
  double width, x0, y, x1;
  std::string colour;  ///< the stroke colour's operands ("0 0 0" unless set)
};
struct Picture {
  int page;
  double x, top, w, h;
};
struct Content {
  std::vector<TextRun> runs;
  std::vector<Stroke> rules;  ///< horizontal lines
  std::vector<Picture> images;
};

/// The content streams of PDF, uncompressed by qpdf --qdf and read operator by operator.
Content read_content(const std::string& pdf) {
  std::string qdf = run_command("qpdf --qdf --object-streams=disable " + pdf + " -").out;
  Content c;
  const std::regex marker("%% Contents for page (\\d+)");
  for (std::sregex_iterator it(qdf.begin(), qdf.end(), marker), end; it != end; ++it) {
    int page = std::stoi((*it)[1]);
    size_t from = qdf.find("stream\n", it->position()) + 7, to = qdf.find("endstream", from);
    std::istringstream in(qdf.substr(from, to - from));
    struct State {
      std::string fill = "0 0 0", stroke = "0 0 0";
      double width = 1;
    };
    std::vector<State> stack{State{}};
    std::vector<std::string> operands;
    double size = 0, mx = 0, my = 0;
    double cm[6] = {1, 0, 0, 1, 0, 0};
    std::string token;
    auto join3 = [&] { return operands[operands.size() - 3] + " " + operands[operands.size() - 2] + " " + operands.back(); };
    auto num = [&](size_t back) { return std::stod(operands[operands.size() - back]); };
    while (in >> token) {
      if (token[0] == '[' || token[0] == '<' || token[0] == '(') {
        // A TJ array or string: skip to its end.
        if (token[0] == '[')
          while (token.back() != ']' && in >> token) {}
        operands.clear();
        continue;
      }
      bool is_operator = std::isalpha(static_cast<unsigned char>(token[0])) || token == "'" || token == "\"";
      if (!is_operator) {
        operands.push_back(token);
        continue;
      }
      State& s = stack.back();
      if (token == "q") stack.push_back(s);
      else if (token == "Q" && stack.size() > 1) stack.pop_back();
      else if (token == "rg" && operands.size() >= 3) s.fill = join3();
      else if (token == "RG" && operands.size() >= 3) s.stroke = join3();
      else if (token == "w" && !operands.empty()) s.width = num(1);
      else if (token == "Tf" && !operands.empty()) size = num(1);
      else if (token == "Td" && operands.size() >= 2) c.runs.push_back({page, size, num(2), kPageHeight - num(1), s.fill});
      else if (token == "m" && operands.size() >= 2) mx = num(2), my = num(1);
      else if (token == "l" && operands.size() >= 2 && std::abs(num(1) - my) < 1e-6)
        c.rules.push_back({page, s.width, mx, kPageHeight - my, num(2), s.stroke});
      else if (token == "cm" && operands.size() >= 6)
        for (int i = 0; i < 6; ++i) cm[i] = num(6 - i);
      else if (token == "Do") c.images.push_back({page, cm[4], kPageHeight - cm[5] - cm[3], cm[0], cm[3]});
      operands.clear();
    }
  }
  return c;
}

/// A notice built and read back.
struct Notice {
  int exit_code = -1;
  std::string err, pdf;
  int pages = 0;
  std::vector<BoxLine> lines;
  Content content;

  /// The line whose text, whitespace removed, is TEXT (on PAGE, if given); null if none.
  const BoxLine* line(const std::string& text, int page = 0) const {
    for (const auto& l : lines)
      if (squeeze(l.text()) == text && (page == 0 || l.page == page)) return &l;
    return nullptr;
  }
  /// The baseline of the text run that starts LINE (pdftotext's box is the face's, not the em box).
  std::optional<double> baseline(const BoxLine& l) const {
    for (const auto& r : content.runs)
      if (r.page == l.page && std::abs(r.x - l.x0) < 0.5 && r.baseline > l.y0 - 1 && r.baseline < l.y1 + 1) return r.baseline;
    return std::nullopt;
  }
  const TextRun* run_at(const BoxLine& l) const {
    for (const auto& r : content.runs)
      if (r.page == l.page && std::abs(r.x - l.x0) < 0.5 && r.baseline > l.y0 - 1 && r.baseline < l.y1 + 1) return &r;
    return nullptr;
  }
};

Notice build_notice(const std::string& folder, const std::string& pdf) {
  Notice n;
  n.pdf = pdf;
  auto r = run_command(std::string(PAIBAN_BINARY) + " build " + folder + " -o " + pdf);
  n.exit_code = r.exit_code;
  n.err = r.err;
  if (r.exit_code != 0) return n;
  std::smatch m;
  std::string info = run_command("pdfinfo " + pdf).out;
  n.pages = std::regex_search(info, m, std::regex("Pages:\\s+(\\d+)")) ? std::stoi(m[1]) : 0;
  n.lines = testing::read_box_lines(pdf);
  n.content = read_content(pdf);
  return n;
}

// --- data/notice-2024 ---------------------------------------------------

class NoticeExample : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    static testing::TempDir dir;
    n_ = new Notice(build_notice(testing::source_dir() + "/data/notice-2024", (dir.path() / "n.pdf").string()));
  }
  static void TearDownTestSuite() { delete n_; }
  static Notice* n_;
  static const BoxLine& must(const BoxLine* l, const std::string& what) {
    if (!l) throw std::runtime_error("no line " + what);
    return *l;
  }
};
Notice* NoticeExample::n_ = nullptr;

const char* const kMark = "河西市河东区教育局文件";
const char* const kNumber = "河东教发〔2024〕35号";

TEST_F(NoticeExample, PageOneHoldsTheHeadAndTitleNoCover) {
  ASSERT_EQ(n_->exit_code, 0) << n_->err;
  ASSERT_NE(n_->line(kMark, 1), nullptr) << "the 发文机关标志 is on page 1";
  ASSERT_NE(n_->line(kNumber, 1), nullptr);
  EXPECT_NE(n_->line("关于做好2024年中等职业学校质量", 1), nullptr);
  EXPECT_NE(n_->line("一、编制范围和内容"), nullptr);
  // No contents page, and page 1 carries its number "— 1 —" (7.5).
  std::string text;
  for (const auto& l : n_->lines)
    if (l.page == 1) text += squeeze(l.text());
  EXPECT_EQ(text.find("目录"), std::string::npos);
  EXPECT_NE(text.find("—1—"), std::string::npos);
}

TEST_F(NoticeExample, TheIssuerMarkIsRedCentredAndItsTop35mmBelowTheTypeArea) {
  ASSERT_EQ(n_->exit_code, 0) << n_->err;
  const BoxLine& mark = must(n_->line(kMark, 1), kMark);
  const TextRun* run = n_->run_at(mark);
  ASSERT_NE(run, nullptr);
  // Every glyph of the mark is filled red; nothing else on the page is set at its size.
  int red = 0;
  for (const auto& r : n_->content.runs)
    if (r.page == 1 && r.baseline == run->baseline) {
      EXPECT_EQ(r.fill, "1 0 0") << "a glyph run of the mark";
      ++red;
    }
  EXPECT_GE(red, 1);
  for (const auto& r : n_->content.runs)
    if (r.fill == "1 0 0") EXPECT_EQ(r.baseline, run->baseline) << "red text elsewhere, page " << r.page;
  // Centred in the type area, no wider than it, as large as fits (11 characters of at most 60 pt).
  EXPECT_NEAR((mark.x0 + mark.x1) / 2, kCentre, 0.5);
  EXPECT_LE(mark.x1 - mark.x0, kRight - kLeft + 0.5);
  EXPECT_NEAR(run->size, std::min(60.0, (kRight - kLeft) / 11), 0.05);
  // Its top edge (the em box's) 35 mm below the type area's top: 72 mm from the page's top.
  EXPECT_NEAR(run->baseline - kAscent * run->size, kTop + 35 * kMm, 0.2);
}

TEST_F(NoticeExample, TheDocNumberIsCentredTwoLinesBelowTheMark) {
  ASSERT_EQ(n_->exit_code, 0) << n_->err;
  const BoxLine& mark = must(n_->line(kMark, 1), kMark);
  const BoxLine& number = must(n_->line(kNumber, 1), kNumber);
  const TextRun* mark_run = n_->run_at(mark);
  auto baseline = n_->baseline(number);
  ASSERT_TRUE(mark_run && baseline);
  EXPECT_NEAR((number.x0 + number.x1) / 2, kCentre, 0.5);
  EXPECT_EQ(n_->run_at(number)->size, 16) << "3号";
  // Its line (a grid line, the 16 pt em box centred in it) starts two lines below the mark's bottom edge.
  double mark_bottom = mark_run->baseline + kDescent * mark_run->size;
  double line_top = *baseline - kAscent * 16 - (kLine - 16) / 2;
  EXPECT_NEAR(line_top - mark_bottom, 2 * kLine, 0.3);
}

TEST_F(NoticeExample, TheRedRuleIsTypeAreaWideAnd4mmBelowTheDocNumber) {
  ASSERT_EQ(n_->exit_code, 0) << n_->err;
  const BoxLine& number = must(n_->line(kNumber, 1), kNumber);
  auto baseline = n_->baseline(number);
  ASSERT_TRUE(baseline);
  std::vector<Stroke> red;
  for (const auto& r : n_->content.rules)
    if (r.colour == "1 0 0") red.push_back(r);
  ASSERT_EQ(red.size(), 1u);
  EXPECT_EQ(red[0].page, 1);
  EXPECT_NEAR(red[0].x0, kLeft, 0.1);
  EXPECT_NEAR(red[0].x1, kRight, 0.1);
  EXPECT_NEAR(red[0].y - (*baseline + kDescent * 16), 4 * kMm, 0.2);
}

TEST_F(NoticeExample, TheTitleIsBalancedBrokenBetweenWordsTwoLinesBelowTheRule) {
  ASSERT_EQ(n_->exit_code, 0) << n_->err;
  // 关于做好2024年中等职业学校质量年度报告编制和报送工作的通知: two lines, broken between 质量 and 年度.
  const BoxLine& first = must(n_->line("关于做好2024年中等职业学校质量", 1), "title line 1");
  const BoxLine& second = must(n_->line("年度报告编制和报送工作的通知", 1), "title line 2");
  for (const BoxLine* l : {&first, &second}) {
    EXPECT_NEAR((l->x0 + l->x1) / 2, kCentre, 0.5) << l->text();
    EXPECT_EQ(n_->run_at(*l)->size, 22) << "2号";
  }
  // Near-equal lines: a trapezoid, less than two characters apart.
  EXPECT_LT(std::abs((first.x1 - first.x0) - (second.x1 - second.x0)), 2 * 22);
  auto b1 = n_->baseline(first), b2 = n_->baseline(second);
  ASSERT_TRUE(b1 && b2);
  EXPECT_GT(*b2, *b1);
  // The first line's box (a grid line, 22 pt centred in it) two lines below the rule.
  double rule = 0, rule_width = 0;
  for (const auto& r : n_->content.rules)
    if (r.colour == "1 0 0") rule = r.y, rule_width = r.width;
  double box_top = *b1 - kAscent * 22 - (kLine - 22) / 2;
  EXPECT_NEAR(box_top - (rule + rule_width / 2), 2 * kLine, 0.3);
}

TEST_F(NoticeExample, TheAddresseeIsFlushLeftOneLineBelowTheTitleWithAFullWidthColon) {
  ASSERT_EQ(n_->exit_code, 0) << n_->err;
  const BoxLine& to = must(n_->line("各中等职业学校：", 1), "主送机关");
  const BoxLine& title = must(n_->line("年度报告编制和报送工作的通知", 1), "title");
  EXPECT_NEAR(to.x0, kLeft, 0.3);
  auto bt = n_->baseline(title), bo = n_->baseline(to);
  ASSERT_TRUE(bt && bo);
  double title_bottom = *bt - kAscent * 22 - (kLine - 22) / 2 + kLine;
  double to_top = *bo - kAscent * 16 - (kLine - 16) / 2;
  // One line between them, then on the grid's next line: from one to two lines below.
  EXPECT_GE(to_top - title_bottom, kLine - 0.3);
  EXPECT_LT(to_top - title_bottom, 2 * kLine);
  double rows = (to_top - kTop) / kLine;
  EXPECT_NEAR(rows, std::round(rows), 0.01) << "on the body's grid";
  // The body's first paragraph on the next line.
  const BoxLine* body = nullptr;
  for (const auto& l : n_->lines)
    if (l.page == 1 && squeeze(l.text()).starts_with("为全面反映")) body = &l;
  ASSERT_NE(body, nullptr);
  EXPECT_NEAR(*n_->baseline(*body) - *bo, kLine, 0.3);
}

TEST_F(NoticeExample, AttachmentsStandOneLineBelowTheBodyTheNamesAligned) {
  ASSERT_EQ(n_->exit_code, 0) << n_->err;
  const BoxLine& first = must(n_->line("附件：1.中等职业学校质量年度报告编写提纲"), "附件 1");
  const BoxLine& second = must(n_->line("2.中等职业学校质量年度报告数据表"), "附件 2");
  EXPECT_NEAR(first.x0, kLeft + 2 * kChar, 0.5) << "two characters in";
  EXPECT_EQ(second.page, first.page);
  EXPECT_NEAR(*n_->baseline(second) - *n_->baseline(first), kLine, 0.3);
  // "2." under "1.": three characters (附件：) after the label.
  EXPECT_NEAR(second.x0, first.x0 + 3 * kChar, 0.5);
  // One blank line above: the body's last line ("zjk@…") two lines above.
  const BoxLine& last = must(n_->line("zjk@hdjy.gov.cn。", first.page), "the body's last line");
  EXPECT_NEAR(*n_->baseline(first) - *n_->baseline(last), 2 * kLine, 0.5);
}

// 7.3.5.1: with a seal, the date four characters from the right edge, the
// signature centred over it, the seal centred on them, pressing on both, its
// top within one line of the text above.
TEST_F(NoticeExample, WithASealTheDateIsFourCharactersInAndTheSealPressesOnBoth) {
  ASSERT_EQ(n_->exit_code, 0) << n_->err;
  const BoxLine& date = must(n_->line("2024年11月20日"), "成文日期");
  const BoxLine& signature = must(n_->line("河西市河东区教育局", date.page), "署名");
  EXPECT_NEAR(date.x1, kRight - 4 * kChar, 0.5);
  EXPECT_NEAR((signature.x0 + signature.x1) / 2, (date.x0 + date.x1) / 2, 0.5);
  auto bs = n_->baseline(signature), bd = n_->baseline(date);
  ASSERT_TRUE(bs && bd);
  EXPECT_NEAR(*bd - *bs, kLine, 0.3) << "the date on the line after the signature";
  ASSERT_EQ(n_->content.images.size(), 1u);
  const Picture& seal = n_->content.images[0];
  EXPECT_EQ(seal.page, date.page);
  EXPECT_NEAR(seal.w, 42 * kMm, 0.1) << "a 42 mm seal";
  EXPECT_NEAR(seal.x + seal.w / 2, (date.x0 + date.x1) / 2, 0.5) << "centred on the date";
  double sig_top = *bs - kAscent * 16, date_bottom = *bd + kDescent * 16;
  EXPECT_LT(seal.top, sig_top);
  EXPECT_GT(seal.top + seal.h, date_bottom);
  // Signature and date a little below the seal's centre.
  double middle = (sig_top + date_bottom) / 2, centre = seal.top + seal.h / 2;
  EXPECT_GT(middle, centre);
  EXPECT_LT(middle - centre, kLine);
  // Its top within one line of the last line above (the 附件说明).
  const BoxLine& above = must(n_->line("2.中等职业学校质量年度报告数据表", date.page), "附件 2");
  double above_bottom = *n_->baseline(above) + kDescent * 16 + (kLine - 16) / 2;
  EXPECT_GE(seal.top, above_bottom - 0.3);
  EXPECT_LE(seal.top, above_bottom + kLine);
  // 附注 in parentheses on the line after the date, two characters in (7.3.6).
  const BoxLine& remark = must(n_->line("（此件主动公开）", date.page), "附注");
  EXPECT_NEAR(remark.x0, kLeft + 2 * kChar, 0.5);
  EXPECT_NEAR(*n_->baseline(remark) - *bd, kLine, 0.3);
}

// 7.4: the 版记 at the foot of the last page: rules the type area's width,
// the first and last 0.35 mm, the one between 0.25 mm; 抄送 in 4号 one
// character in, its second line aligned after the colon; 印发机关 left and
// 印发日期 right, one character in.
TEST_F(NoticeExample, TheFootSitsAtTheLastPagesFootBetweenItsRules) {
  ASSERT_EQ(n_->exit_code, 0) << n_->err;
  std::vector<Stroke> rules;
  for (const auto& r : n_->content.rules)
    if (r.page == n_->pages) rules.push_back(r);
  ASSERT_EQ(rules.size(), 3u);
  std::sort(rules.begin(), rules.end(), [](const Stroke& a, const Stroke& b) { return a.y < b.y; });
  EXPECT_NEAR(rules[0].width, 0.35 * kMm, 0.005);
  EXPECT_NEAR(rules[1].width, 0.25 * kMm, 0.005);
  EXPECT_NEAR(rules[2].width, 0.35 * kMm, 0.005);
  for (const auto& r : rules) {
    EXPECT_NEAR(r.x0, kLeft, 0.1);
    EXPECT_NEAR(r.x1, kRight, 0.1);
    EXPECT_EQ(r.colour, "0 0 0");
  }
  EXPECT_NEAR(rules[2].y, kBottom, 0.1) << "the last rule on the type area's bottom";
  // 抄送 between the first two rules.
  std::string cc;
  std::vector<const BoxLine*> cc_lines;
  for (const auto& l : n_->lines)
    if (l.page == n_->pages && l.y0 > rules[0].y && l.y1 < rules[1].y) {
      cc += squeeze(l.text());
      cc_lines.push_back(&l);
    }
  EXPECT_EQ(cc, "抄送：河西市教育局，河东区人民政府办公室，河东区财政局，河东区人力资源和社会保障局。");
  ASSERT_EQ(cc_lines.size(), 2u);
  EXPECT_NEAR(cc_lines[0]->x0, kLeft + 14, 0.3) << "one 4号 character in";
  EXPECT_NEAR(cc_lines[1]->x0, kLeft + 14 + 3 * 14, 0.3) << "aligned after 抄送：";
  EXPECT_EQ(n_->run_at(*cc_lines[0])->size, 14) << "4号";
  const BoxLine& office = must(n_->line("河西市河东区教育局办公室", n_->pages), "印发机关");
  const BoxLine& printed = must(n_->line("2024年11月20日印发", n_->pages), "印发日期");
  EXPECT_NEAR(office.x0, kLeft + 14, 0.3);
  EXPECT_NEAR(printed.x1, kRight - 14, 0.3);
  EXPECT_GT(office.y0, rules[1].y);
  EXPECT_LT(office.y1, rules[2].y);
}

// 7.3.7: each 附件 from a new page after the signature's, "附件1" flush left on
// the type area's first line in 3号黑体, its title centred on the third line
// in 2号, its headings numbered from 一、 again; the 版记 after the last 附件.
TEST_F(NoticeExample, AttachmentsFollowTheSignatureEachOnANewPage) {
  ASSERT_EQ(n_->exit_code, 0) << n_->err;
  const BoxLine& date = must(n_->line("2024年11月20日"), "成文日期");
  const std::pair<const char*, const char*> attachments[] = {{"附件1", "中等职业学校质量年度报告编写提纲"},
                                                             {"附件2", "中等职业学校质量年度报告数据表"}};
  int page = date.page;
  for (auto [label, title] : attachments) {
    const BoxLine& l = must(n_->line(label), label);
    EXPECT_EQ(l.page, ++page) << label;
    EXPECT_NEAR(l.x0, kLeft, 0.3) << label;
    const TextRun* run = n_->run_at(l);
    ASSERT_NE(run, nullptr);
    EXPECT_EQ(run->size, 16) << "3号";
    EXPECT_NEAR(run->baseline - kAscent * 16 - (kLine - 16) / 2, kTop, 0.3) << "the first line";
    const BoxLine& t = must(n_->line(title, l.page), title);
    EXPECT_NEAR((t.x0 + t.x1) / 2, kCentre, 0.5) << title;
    const TextRun* title_run = n_->run_at(t);
    ASSERT_NE(title_run, nullptr);
    EXPECT_EQ(title_run->size, 22) << "2号";
    EXPECT_NEAR(title_run->baseline - kAscent * 22 - (kLine - 22) / 2, kTop + 2 * kLine, 0.3) << "the third line";
  }
  // The outline's 一、 begins again in 附件1.
  EXPECT_EQ(must(n_->line("一、人才培养"), "一、人才培养").page, date.page + 1);
  EXPECT_EQ(page, n_->pages) << "the 版记's page is the last 附件's";
}

// --- small notices --------------------------------------------------------

const std::string kHead = "---\ntitle: 关于开展安全检查的通知\ndocument: notice\nlayout: gbt9704\n";

Notice small(const testing::TempDir& dir, const std::string& front, const std::string& body = "请认真做好检查工作。\n") {
  dir.write("r/report.md", kHead + front + "---\n\n" + body);
  return build_notice((dir.path() / "r").string(), (dir.path() / "r.pdf").string());
}

// 7.3.5.2, without a seal: the signature two characters from the right edge
// one line below the body, the date on the next line two characters to the
// right of the signature's first character.
TEST(NoticeSignature, WithoutASealTheSignatureIsTwoCharactersInAndTheDateTwoToTheRight) {
  testing::TempDir dir;
  Notice n = small(dir, "signature: 河西市河东区教育局\ndate: 2024年3月5日\n");
  ASSERT_EQ(n.exit_code, 0) << n.err;
  const BoxLine* body = n.line("请认真做好检查工作。");
  const BoxLine* sig = n.line("河西市河东区教育局");
  const BoxLine* date = n.line("2024年3月5日");
  ASSERT_TRUE(body && sig && date);
  EXPECT_NEAR(sig->x1, kRight - 2 * kChar, 0.5);
  EXPECT_NEAR(date->x0, sig->x0 + 2 * kChar, 0.5);
  EXPECT_NEAR(*n.baseline(*sig) - *n.baseline(*body), 2 * kLine, 0.3) << "one blank line below the body";
  EXPECT_NEAR(*n.baseline(*date) - *n.baseline(*sig), kLine, 0.3);
  EXPECT_TRUE(n.content.images.empty());
}

// ... and when the date is the longer, the date two characters in and the signature moved to keep the offset.
TEST(NoticeSignature, WithoutASealALongerDateIsTwoCharactersIn) {
  testing::TempDir dir;
  Notice n = small(dir, "signature: 河东区教育局\ndate: 2024年11月20日\n");
  ASSERT_EQ(n.exit_code, 0) << n.err;
  const BoxLine* sig = n.line("河东区教育局");
  const BoxLine* date = n.line("2024年11月20日");
  ASSERT_TRUE(sig && date);
  ASSERT_GT(date->x1 - date->x0, sig->x1 - sig->x0);
  EXPECT_NEAR(date->x1, kRight - 2 * kChar, 0.5);
  EXPECT_NEAR(date->x0, sig->x0 + 2 * kChar, 0.5);
}

// 7.2.6: an 上行文 with 签发人: the 文号 one character in from the left, "签发人：" and the name one character in from the right.
TEST(NoticeHead, WithASignerTheNumberIsLeftAndTheSignerRight) {
  testing::TempDir dir;
  Notice n = small(dir, "issuer-mark: 河东区教育局文件\ndoc-number: 河东教呈〔2024〕3号\nsigner: 张明\n");
  ASSERT_EQ(n.exit_code, 0) << n.err;
  const BoxLine* number = n.line("河东教呈〔2024〕3号");
  ASSERT_NE(number, nullptr);
  EXPECT_NEAR(number->x0, kLeft + kChar, 0.5);
  const BoxLine* signer = nullptr;
  for (const auto& l : n.lines)
    for (const auto& w : l.words)
      if (w.text.find("张明") != std::string::npos) signer = &l;
  ASSERT_NE(signer, nullptr);
  EXPECT_NEAR(signer->x1, kRight - kChar, 0.5);
  EXPECT_NE(squeeze(signer->text()).find("签发人：张明"), std::string::npos);
}

// 7.2.1–7.2.3: 份号, 密级 and 紧急程度 flush left on the type area's first three lines, in 3号.
TEST(NoticeHead, CopyNumberSecrecyAndUrgencyStandTopLeft) {
  testing::TempDir dir;
  Notice n = small(dir, "issuer-mark: 河东区教育局文件\ncopy-number: \"000012\"\nsecrecy: 秘密★1年\nurgency: 特急\n");
  ASSERT_EQ(n.exit_code, 0) << n.err;
  const char* texts[] = {"000012", "秘密★1年", "特急"};
  for (int i = 0; i < 3; ++i) {
    const BoxLine* l = n.line(texts[i], 1);
    ASSERT_NE(l, nullptr) << texts[i];
    EXPECT_NEAR(l->x0, kLeft, 0.3) << texts[i];
    double top = *n.baseline(*l) - kAscent * 16 - (kLine - 16) / 2;
    EXPECT_NEAR(top, kTop + i * kLine, 0.3) << texts[i];
  }
}

// A 版记 that does not fit under the body goes to the next page's foot.
TEST(NoticeFoot, AFootThatDoesNotFitMovesToANewPageFoot) {
  testing::TempDir dir;
  std::string body;
  for (int i = 0; i < 20; ++i) body += "请认真做好检查工作。\n\n";
  Notice n = small(dir, "cc: [市教育局]\nprinted-by: 区教育局办公室\nprinted-date: 2024年3月5日\n", body);
  ASSERT_EQ(n.exit_code, 0) << n.err;
  ASSERT_EQ(n.pages, 2);
  const BoxLine* cc = n.line("抄送：市教育局。");
  ASSERT_NE(cc, nullptr);
  EXPECT_EQ(cc->page, 2);
  double lowest = 0;
  for (const auto& r : n.content.rules)
    if (r.page == 2) lowest = std::max(lowest, r.y);
  EXPECT_NEAR(lowest, kBottom, 0.1);
}

// ... and when that page would be odd, a blank page comes first, so that the
// 版记 is on the back of the last sheet; neither page is numbered (7.4, 7.5).
TEST(NoticeFoot, AFootOnAPageOfItsOwnIsOnAnEvenPageAfterABlankOne) {
  testing::TempDir dir;
  std::string body;
  for (int i = 0; i < 42; ++i) body += "请认真做好检查工作。\n\n";
  Notice n = small(dir, "cc: [市教育局]\nprinted-by: 区教育局办公室\nprinted-date: 2024年3月5日\n", body);
  ASSERT_EQ(n.exit_code, 0) << n.err;
  ASSERT_EQ(n.pages, 4);
  std::map<int, std::string> text;
  for (const auto& l : n.lines) text[l.page] += squeeze(l.text());
  EXPECT_NE(text[2].find("—2—"), std::string::npos) << "the body's last page is numbered";
  EXPECT_EQ(text[3], "") << "a blank page, unnumbered";
  EXPECT_EQ(text[4], "抄送：市教育局。区教育局办公室2024年3月5日印发") << "the 版记, unnumbered";
}

// --- what a notice's front matter refuses ---------------------------------

/// "report.md:LINE:COL", how a diagnostic at a place of the report starts (after its folder).
std::string fmt_line(int line, int col) { return "report.md:" + std::to_string(line) + ":" + std::to_string(col); }

struct Refused {
  int exit_code;
  std::string err;
  bool pdf_written;
};

Refused refused(const std::string& front, const std::string& extra_file = "") {
  testing::TempDir dir;
  dir.write("r/report.md", kHead + front + "---\n\n正文。\n");
  if (!extra_file.empty()) dir.write("r/" + extra_file, "not an image\n");
  std::string pdf = (dir.path() / "r.pdf").string();
  auto r = run_command(std::string(PAIBAN_BINARY) + " build " + (dir.path() / "r").string() + " -o " + pdf);
  return {r.exit_code, r.err, std::filesystem::exists(pdf)};
}

TEST(NoticeFrontMatter, AnUnknownKeyGetsDidYouMean) {
  const std::pair<const char*, const char*> cases[] = {
      {"doc_number", "doc-number"}, {"issuer_mark", "issuer-mark"}, {"printed-by_", "printed-by"},
      {"attachment", "attachments"}, {"copynumber", "copy-number"}, {"signatur", "signature"}};
  for (auto [wrong, right] : cases) {
    Refused r = refused(std::string(wrong) + ": x\n");
    EXPECT_EQ(r.exit_code, 1) << wrong;
    EXPECT_FALSE(r.pdf_written);
    EXPECT_NE(r.err.find(fmt_line(5, 1) + ": error: front matter: unknown key \"" + wrong + "\""), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(std::string("hint: did you mean \"") + right + "\"?"), std::string::npos) << r.err;
  }
}

TEST(NoticeFrontMatter, ADocNumberWithOtherBracketsIsRefusedAtTheBracket) {
  // doc-number: 河东教发[2024]35号 — the bracket is the value's fifth character, column 12 + 5.
  for (const char* number : {"河东教发[2024]35号", "河东教发（2024）35号", "河东教发【2024】35号", "河东教发［2024］35号"}) {
    Refused r = refused(std::string("doc-number: ") + number + "\n");
    EXPECT_EQ(r.exit_code, 1) << number;
    EXPECT_FALSE(r.pdf_written);
    EXPECT_NE(r.err.find(fmt_line(5, 17) + ": error: front matter: doc-number \"" + number + "\" puts the year in"),
              std::string::npos) << r.err;
    EXPECT_NE(r.err.find("hint: the year goes in 六角括号 〔〕"), std::string::npos) << r.err;
  }
  Refused zero = refused("doc-number: 河东教发〔2024〕035号\n");
  EXPECT_NE(zero.err.find("leading zero"), std::string::npos) << zero.err;
  Refused copy = refused("copy-number: 12\n");
  EXPECT_NE(copy.err.find(fmt_line(5, 14) + ": error: front matter: copy-number \"12\" is not six digits"), std::string::npos)
      << copy.err;
}

TEST(NoticeFrontMatter, ADateNotInArabicNumeralsIsRefused) {
  for (const char* date : {"二〇二四年三月五日", "2024-03-05", "2024年03月05日"}) {
    Refused r = refused(std::string("date: ") + date + "\n");
    EXPECT_EQ(r.exit_code, 1) << date;
    EXPECT_FALSE(r.pdf_written);
    EXPECT_NE(r.err.find(fmt_line(5, 7) + ": error: front matter: date \"" + date + "\" is not a date in Arabic numerals"),
              std::string::npos) << r.err;
  }
  EXPECT_EQ(refused("date: 2024年3月5日\nprinted-date: 2024年12月31日\n").exit_code, 0);
}

TEST(NoticeFrontMatter, ASealThatIsNotAnImageIsRefusedWhereItIsNamed) {
  Refused r = refused("seal: seal.png\n", "seal.png");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_FALSE(r.pdf_written);
  EXPECT_NE(r.err.find(fmt_line(5, 7) + ": error: image \"seal.png\""), std::string::npos) << r.err;
  Refused missing = refused("seal: images/none.png\n");
  EXPECT_NE(missing.err.find(fmt_line(5, 7) + ": error: image \"images/none.png\" not found"), std::string::npos) << missing.err;
  Refused outside = refused("seal: ../seal.png\n");
  EXPECT_NE(outside.err.find("is outside the report folder"), std::string::npos) << outside.err;
}

TEST(NoticeFrontMatter, AFootTooLongForAPageIsRefusedAtItsList) {
  std::string cc = "cc:\n";
  for (int i = 0; i < 120; ++i) cc += "  - 河西市河东区某某委员会办公室第" + std::to_string(i) + "科\n";
  Refused r = refused(cc);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_FALSE(r.pdf_written);
  EXPECT_NE(r.err.find(fmt_line(6, 3) + ": error: the 版记 takes"), std::string::npos) << r.err;
}

TEST(NoticeFrontMatter, WhatMustStandOnOneLineAndDoesNotFitIsRefused) {
  Refused r = refused("signature: " + std::string(30 * 3 * 1, ' ').replace(0, 90, "河西市河东区教育局河西市河东区教育局河西市河东区教育局河西市河东区教育局") + "\n");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_FALSE(r.pdf_written);
  EXPECT_NE(r.err.find(fmt_line(5, 12) + ": error: front matter: \"signature\" does not fit on one line of the type area"),
            std::string::npos) << r.err;
}

// A title longer than the page goes on over the next page: nothing of it is drawn off the page.
TEST(NoticeHead, ATitleLongerThanAPageGoesOnOverTheNext) {
  testing::TempDir dir;
  std::string title;
  for (int i = 0; i < 60; ++i) title += "关于开展检查工作" + std::to_string(i);
  dir.write("r/report.md", "---\ntitle: " + title + "\ndocument: notice\nlayout: gbt9704\n---\n\n正文。\n");
  Notice n = build_notice((dir.path() / "r").string(), (dir.path() / "r.pdf").string());
  ASSERT_EQ(n.exit_code, 0) << n.err;
  EXPECT_GE(n.pages, 2);
  std::string text;
  for (const auto& l : n.lines) {
    std::string t = squeeze(l.text());
    if (l.y0 > kBottom && std::regex_match(t, std::regex("—\\d+—"))) continue;  // a page number
    text += t;
  }
  EXPECT_EQ(text, title + "正文。");
}

TEST(NoticeFrontMatter, ANoticesKeysInAReportAreNamedAsPrintedNowhere) {
  testing::TempDir dir;
  dir.write("r/report.md", "---\ntitle: 报告\ndoc-number: 河东教发〔2024〕35号\n---\n\n正文。\n");
  auto r = run_command(std::string(PAIBAN_BINARY) + " build " + (dir.path() / "r").string() + " -o " +
                       (dir.path() / "r.pdf").string());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("warning: front matter: \"doc-number\" is printed only in a notice"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("hint: add `document: notice`"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace paiban
