#include "base/yaml_parse.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

namespace paiban {
namespace {

/// Where A and B (the same YAML, from parse_yaml_text and from YAML::Load) first differ: kind,
/// tag, text, a collection's style, the mark, the entries in order. "" if nowhere.
std::string first_difference(const YAML::Node& a, const YAML::Node& b, const std::string& at) {
  auto where = [&](const std::string& what) {
    return at + ": " + what + " (line " + std::to_string(b.Mark().line + 1) + ")";
  };
  if (a.Type() != b.Type()) return where("type " + std::to_string(a.Type()) + " ≠ " + std::to_string(b.Type()));
  if (a.Tag() != b.Tag()) return where("tag \"" + a.Tag() + "\" ≠ \"" + b.Tag() + "\"");
  // (An empty value's mark is yaml-cpp's next token; the loaders stand the key in for it.)
  if (!a.IsNull() && (a.Mark().pos != b.Mark().pos || a.Mark().line != b.Mark().line || a.Mark().column != b.Mark().column))
    return where("mark " + std::to_string(a.Mark().line) + ":" + std::to_string(a.Mark().column) + "@" +
                 std::to_string(a.Mark().pos) + " ≠ " + std::to_string(b.Mark().line) + ":" +
                 std::to_string(b.Mark().column) + "@" + std::to_string(b.Mark().pos));
  if (a.IsScalar() && a.Scalar() != b.Scalar()) return where("text \"" + a.Scalar() + "\" ≠ \"" + b.Scalar() + "\"");
  if (a.IsMap() || a.IsSequence()) {
    if (a.Style() != b.Style()) return where("style");
    if (a.size() != b.size()) return where("size " + std::to_string(a.size()) + " ≠ " + std::to_string(b.size()));
    auto i = a.begin();
    auto j = b.begin();
    for (size_t n = 0; i != a.end(); ++i, ++j, ++n) {
      std::string d = a.IsMap() ? first_difference(i->first, j->first, at + "/key" + std::to_string(n)) +
                                      first_difference(i->second, j->second, at + "/" + j->first.Scalar())
                                : first_difference(*i, *j, at + "/" + std::to_string(n));
      if (!d.empty()) return d;
    }
  }
  return "";
}

std::string difference_from_yaml_cpp(const std::string& text) {
  return first_difference(parse_yaml_text(text), YAML::Load(text), "");
}

TEST(ParseYamlText, MakesTheNodesYamlCppMakesForEachFeatureAReportUses) {
  const char* cases[] = {
      "",
      "# a comment only\n",
      "title: 凉州区\nyear: 2023\nshare: 0.25\n",
      // Marks in bytes: 名称 is 6 bytes, so "值" starts at column 8.
      "名称: 值\n  \n学校:\n  - 名称: 甲校\n    人数: 1,234\n  - {名称: 乙校, 人数: 56}\n",
      // Nulls: ~, null, an empty value, an empty entry; "null" in quotes is text.
      "a: ~\nb: null\nc:\nd: 'null'\ne: NULL\nf:\n  -\n  - x\n",
      // Tags: plain "?", quoted "!", resolved !!str, a local tag.
      "a: 10266\nb: \"10266\"\nc: '10266'\nd: !!str 10266\ne: !pct 0.5\nf: !!int '7'\n",
      // Flow and block collections, nested.
      "rows: [1, [2, 3], {k: v}]\nmap: {a: 1, b: [x, y]}\nblock:\n  - - 1\n    - 2\n",
      // Block scalars, folded and literal, with chomping.
      "text: |\n  第一行\n  第二行\nfold: >-\n  a\n  b\n\nkeep: |+\n  x\n\n",
      // Quoted scalars with escapes and line folding.
      "a: \"tab\\there \\u4e2d\"\nb: 'it''s'\nc: \"one\n  two\"\n",
      // Anchors and aliases.
      "base: &b {x: 1, y: 2}\nuse: *b\nlist: [&s 3, *s]\n",
      // A key written twice: both kept, in order (the loaders report it).
      "k: 1\nk: 2\n",
      // Several documents: the first only.
      "---\na: 1\n...\n---\nb: 2\n",
      // Complex keys and a compact map in a flow sequence.
      "? [a, b]\n: c\nlist: [k: v]\n",
      // CRLF line ends.
      "a: 1\r\nb:\r\n  - 甲\r\n",
  };
  for (const char* text : cases) EXPECT_EQ(difference_from_yaml_cpp(text), "") << text;
}

TEST(ParseYamlText, MakesTheNodesYamlCppMakesForEveryYamlFileHere) {
  // Every YAML file of the reports, layouts, fonts and fixtures, and every report's front matter.
  size_t files = 0;  // (YAML texts)
  for (const char* dir : {"data", "layouts", "fonts", "tests/fixtures"}) {
    for (const auto& entry : std::filesystem::recursive_directory_iterator(std::string(PAIBAN_SOURCE_DIR) + "/" + dir)) {
      const auto ext = entry.path().extension();
      if (!entry.is_regular_file() || (ext != ".yaml" && ext != ".yml" && ext != ".md")) continue;
      std::ifstream in(entry.path(), std::ios::binary);
      std::stringstream ss;
      ss << in.rdbuf();
      std::string text = ss.str();
      std::vector<std::string> texts;
      if (ext != ".md") {
        texts.push_back(text);
      } else {
        // The front matter, and the YAML of the table, chart and contents blocks.
        if (text.rfind("---\n", 0) == 0)
          if (size_t end = text.find("\n---\n", 4); end != std::string::npos) texts.push_back(text.substr(4, end - 3));
        std::istringstream lines(text);
        std::string line, block;
        bool in_block = false;
        while (std::getline(lines, line)) {
          if (in_block && line.rfind("```", 0) == 0) {
            texts.push_back(block);
            in_block = false;
          } else if (in_block) {
            block += line + "\n";
          } else if (line == "```table" || line == "```chart" || line == "```contents") {
            in_block = true;
            block.clear();
          }
        }
      }
      for (const std::string& yaml : texts) {
        bool yaml_cpp_takes = true;
        try {
          YAML::Load(yaml);
        } catch (const YAML::Exception&) {
          yaml_cpp_takes = false;
        }
        if (!yaml_cpp_takes) continue;  // (the fixtures of errors: see the next test)
        EXPECT_EQ(difference_from_yaml_cpp(yaml), "") << entry.path() << "\n" << yaml;
        ++files;
      }
    }
  }
  EXPECT_GT(files, 50u);
}

TEST(ParseYamlText, ASyntaxErrorIsYamlCppsWithItsPlace) {
  const std::string bad = "a: [1, 2\nb: 3\n";
  try {
    parse_yaml_text(bad);
    FAIL() << "no error";
  } catch (const YAML::ParserException& e) {
    EXPECT_EQ(e.msg, "end of sequence flow not found");
    EXPECT_EQ(e.mark.line, 1);
    EXPECT_EQ(e.mark.column, 1);
  }
  // An alias to no anchor.
  EXPECT_THROW(parse_yaml_text("a: *nowhere\n"), YAML::ParserException);
}

TEST(ParseYamlText, AnAliasIsTheSameNodeAsItsAnchor) {
  const YAML::Node root = parse_yaml_text("base: &b {x: 1}\nuse: *b\n");
  EXPECT_TRUE(root["use"].is(root["base"]));
  EXPECT_EQ(root["use"]["x"].Scalar(), "1");
  EXPECT_EQ(root["use"].Mark().line, 0);  // the anchor's node, written on line 1
}

TEST(ParseYamlText, AMarkCountsBytesFromZero) {
  const YAML::Node root = parse_yaml_text("名称: 值\n学校:\n  - 甲校\n");
  EXPECT_EQ(root["名称"].Mark().line, 0);
  EXPECT_EQ(root["名称"].Mark().column, 8);  // past 名称 (6 bytes) and ": "
  EXPECT_EQ(root["名称"].Mark().pos, 8);
  EXPECT_EQ(root["学校"][0].Mark().line, 2);
  EXPECT_EQ(root["学校"][0].Mark().column, 4);
  EXPECT_EQ(root["学校"][0].Mark().pos, 12 + 8 + 4);  // "名称: 值\n" is 12 bytes, "学校:\n" 8, "  - " 4
}

TEST(ParseYamlText, NestingPastItsLimitIsYamlCppsToJudge) {
  // 300 open flow sequences: past libyaml's share, so yaml-cpp parses it (and takes it).
  std::string deep(300, '[');
  deep += std::string(300, ']');
  EXPECT_EQ(difference_from_yaml_cpp(deep), "");
}

}  // namespace
}  // namespace paiban
