// Expressions over a DataSet: `sum(majors.students) - students.total_2021`.
//
// evaluate → evaluate_expression → Lexer (tokens with code-point columns)
//                                → Parser (recursive descent → Node tree)
//                                → Evaluator (Node → Value, functions)
//
// Grammar (usual precedence, left-associative):
//   expression := additive END
//   additive   := multiplicative (("+" | "-") multiplicative)*
//   multiplicative := unary (("*" | "/") unary)*
//   unary      := "-" unary | "+" unary | postfix
//   postfix    := primary ("." NAME | "[" additive "]")*
//   primary    := NUMBER | STRING | NAME "(" arguments ")" | NAME | "(" additive ")"
// A NAME is letters (any script, so keys may be Chinese), digits and "_";
// after a "." it may start with a digit (`enrolment.2021`). A NUMBER may end
// in "%" (96.65% = 0.9665).
//
// Every error is thrown as an ExpressionError inside this file and turned
// into one diagnostic at the expression's span, shifted to the column of the
// failing token; nothing escapes evaluate().
#include <unicode/uchar.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <functional>
#include <memory>

#include <fmt/format.h>

#include "base/text_file.h"
#include "data/data_internal.h"

namespace paiban::data {

Span offset_span(const Span& span, int offset) {
  if (span.col <= 0) return span;
  return {span.path, span.line, span.col + offset};
}

namespace {

/// A problem in an expression, at a code-point column within it.
struct ExpressionError {
  int column = 0;
  std::string message;
  std::vector<std::string> hints;
  Span at;  ///< when set: the datum to correct (a cell, a CSV field, a YAML value); the expression goes in a hint
};

[[noreturn]] void fail(int column, std::string message, std::vector<std::string> hints = {}) {
  throw ExpressionError{column, std::move(message), std::move(hints), {}};
}

/// A number was needed and VALUE is not one. A text or empty datum from a file is reported where
/// it stands (学校.xlsx:学校!C5, schools.csv:3:4): that is what to correct; the expression is named in a hint.
[[noreturn]] void fail_not_a_number(int column, const Value& value, bool from_data) {
  bool scalar = value.kind == Value::Kind::Text || value.kind == Value::Kind::Null;
  if (from_data && scalar && !value.span.path.empty() && (value.span.line > 0 || value.span.path.find('!') != std::string::npos))
    throw ExpressionError{column, fmt::format("expected a number, got {}", describe_kind(value)), {}, value.span};
  fail(column, fmt::format("expected a number, got {}", describe_value(value, from_data)));
}

// ---- tokens -----------------------------------------------------------------

enum class TokenKind { Number, String, Name, Plus, Minus, Star, Slash, LeftParen, RightParen, Comma, Dot,
                       LeftBracket, RightBracket, End };

struct Token {
  TokenKind kind = TokenKind::End;
  std::string text;    ///< as written (for a String: its value, unquoted)
  double number = 0;   ///< TokenKind::Number
  size_t begin = 0;    ///< byte offset in the expression
  size_t end = 0;
  int column = 0;      ///< code-point offset in the expression
};

bool is_ascii_digit(char32_t c) { return c >= '0' && c <= '9'; }

/// Letters and digits of any script, and "_". Punctuation, full-width forms
/// included, is not: `（` must not silently become part of a key.
bool is_name_char(char32_t c) {
  if (c < 0x80) return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_ascii_digit(c) || c == '_';
  return u_isalnum(static_cast<UChar32>(c));
}

/// The ASCII character a full-width or typographic one stands for, if any:
/// an IME left on in Chinese mode types `（`, `，`, `“` and `×`.
std::optional<char> ascii_for(char32_t c) {
  if (c >= 0xFF01 && c <= 0xFF5E) return static_cast<char>(c - 0xFEE0);  // full-width forms block
  switch (c) {
    case U'×': return '*';
    case U'÷': return '/';
    case U'−': return '-';
    case U'“': case U'”': return '"';
    case U'。': return '.';
    case U'、': return ',';
    default: return std::nullopt;
  }
}

class Lexer {
 public:
  explicit Lexer(const std::string& text) : text_(text) {}

  std::vector<Token> tokenize() {
    std::vector<Token> tokens;
    for (;;) {
      skip_spaces();
      Token t;
      t.begin = pos_;
      t.column = column_;
      if (pos_ >= text_.size()) {
        t.end = pos_;
        tokens.push_back(t);
        return tokens;
      }
      bool after_dot = !tokens.empty() && tokens.back().kind == TokenKind::Dot;
      char32_t c = peek();
      if (is_ascii_digit(c) && !after_dot) {
        read_number(t);
      } else if (c == '.' && pos_ + 1 < text_.size() && is_ascii_digit(text_[pos_ + 1]) &&
                 (tokens.empty() || !ends_operand(tokens.back().kind))) {
        read_number(t);  // ".5"
      } else if (c == '"') {
        read_string(t);
      } else if (is_name_char(c)) {
        t.kind = TokenKind::Name;
        while (pos_ < text_.size() && is_name_char(peek())) take();
      } else {
        t.kind = punctuation(c, t.column);
        take();
      }
      t.end = pos_;
      if (t.kind != TokenKind::String) t.text = text_.substr(t.begin, t.end - t.begin);
      tokens.push_back(std::move(t));
    }
  }

 private:
  static bool ends_operand(TokenKind k) {
    return k == TokenKind::Name || k == TokenKind::Number || k == TokenKind::RightParen ||
           k == TokenKind::RightBracket || k == TokenKind::String;
  }

  char32_t peek() const {
    size_t i = pos_;
    return next_code_point(text_, i);
  }
  char32_t take() {
    ++column_;
    return next_code_point(text_, pos_);
  }
  void skip_spaces() {
    while (pos_ < text_.size() && (peek() == ' ' || peek() == '\t' || peek() == U'\u3000')) take();
  }

  void read_number(Token& t) {
    t.kind = TokenKind::Number;
    while (pos_ < text_.size() && is_ascii_digit(peek())) take();
    if (pos_ < text_.size() && peek() == '.' && pos_ + 1 < text_.size() && is_ascii_digit(text_[pos_ + 1])) {
      take();
      while (pos_ < text_.size() && is_ascii_digit(peek())) take();
    }
    if (pos_ < text_.size() && peek() == '%') take();
    std::string written = text_.substr(t.begin, pos_ - t.begin);
    if (written.size() > 1 && written[0] == '0' && is_ascii_digit(written[1]))
      fail(t.column, fmt::format("number \"{}\" starts with 0", written), {"write it without the leading zeros"});
    t.number = parse_number_literal(written[0] == '.' ? "0" + written : written).value_or(0);
  }

  void read_string(Token& t) {
    t.kind = TokenKind::String;
    take();  // the opening quote
    for (;;) {
      if (pos_ >= text_.size())
        fail(t.column, "the text in quotes is never closed", {"end it with \""});
      char32_t c = take();
      if (c == '"') return;
      if (c == '\\' && pos_ < text_.size() && (peek() == '"' || peek() == '\\')) c = take();
      append_utf8(t.text, c);
    }
  }

  TokenKind punctuation(char32_t c, int column) {
    switch (c) {
      case '+': return TokenKind::Plus;
      case '-': return TokenKind::Minus;
      case '*': return TokenKind::Star;
      case '/': return TokenKind::Slash;
      case '(': return TokenKind::LeftParen;
      case ')': return TokenKind::RightParen;
      case ',': return TokenKind::Comma;
      case '.': return TokenKind::Dot;
      case '[': return TokenKind::LeftBracket;
      case ']': return TokenKind::RightBracket;
      default: break;
    }
    std::string written;
    append_utf8(written, c);
    std::vector<std::string> hints;
    if (auto ascii = ascii_for(c)) hints.push_back(fmt::format("write \"{}\" instead of \"{}\"", *ascii, written));
    fail(column, fmt::format("unexpected character \"{}\"", written), std::move(hints));
  }

  const std::string& text_;
  size_t pos_ = 0;
  int column_ = 0;
};

// ---- syntax tree ------------------------------------------------------------

/// One node of a parsed expression.
struct Node {
  enum class Kind { Number, String, Name, Field, Index, Negate, Binary, Call };
  Kind kind = Kind::Number;
  double number = 0;     ///< Kind::Number
  std::string text;      ///< String value, Name/Field key, Call function, Binary operator
  int column = 0;        ///< code-point offset of the node's own token (key, operator, function name)
  int start_column = 0;  ///< code-point offset of the node's first token
  size_t begin = 0, end = 0;  ///< byte range in the expression (to quote a path back)
  int height = 1;             ///< levels of nodes from this one down (1: a leaf)
  std::vector<std::unique_ptr<Node>> children;
};

/// Levels a syntax tree may have. The parser builds chains such as
/// `1+1+…+1` and `x.a.a…` in loops, so the bound is on the tree, checked as
/// each node is made: evaluating and freeing the tree recurse once per
/// level, and a tree that never grows past this bound cannot exhaust the
/// stack of any thread.
constexpr int kMaxTreeHeight = 256;

/// A human name for a token in "expected …, found …".
std::string describe_token(const Token& t) {
  if (t.kind == TokenKind::End) return "the end of the expression";
  if (t.kind == TokenKind::String) return fmt::format("text \"{}\"", t.text);
  return fmt::format("\"{}\"", t.text);
}

class Parser {
 public:
  explicit Parser(std::vector<Token> tokens) : tokens_(std::move(tokens)) {}

  std::unique_ptr<Node> parse() {
    if (current().kind == TokenKind::End) fail(0, "the expression is empty");
    auto node = additive();
    if (current().kind != TokenKind::End)
      fail(current().column, fmt::format("unexpected {} after the expression", describe_token(current())),
           {"combine values with an operator: + - * /"});
    return node;
  }

 private:
  // Deep enough for any real expression; guards the stack against "((((…".
  static constexpr int kMaxDepth = 100;

  const Token& current() const { return tokens_[index_]; }
  const Token& advance() { return tokens_[index_++]; }
  bool at(TokenKind k) const { return current().kind == k; }

  void expect(TokenKind k, const char* what) {
    if (!at(k)) fail(current().column, fmt::format("expected {}, found {}", what, describe_token(current())));
    advance();
  }

  std::unique_ptr<Node> make(Node::Kind kind, const Token& token) {
    auto n = std::make_unique<Node>();
    n->kind = kind;
    n->column = n->start_column = token.column;
    n->begin = token.begin;
    n->end = token.end;
    return n;
  }

  /// Makes CHILD the last child of N, failing at N's token when the tree
  /// would grow taller than kMaxTreeHeight (CHILD is freed first: its height
  /// is within the bound).
  static void adopt(Node& n, std::unique_ptr<Node> child) {
    int height = child->height + 1;
    if (height > kMaxTreeHeight)
      fail(n.column, fmt::format("the expression is too long: more than {} operations in a chain", kMaxTreeHeight),
           {"split it into derived values ({expr: …}) of a few terms each, or use sum() over a list"});
    n.height = std::max(n.height, height);
    n.children.push_back(std::move(child));
  }

  std::unique_ptr<Node> binary(const Token& op, std::unique_ptr<Node> left, std::unique_ptr<Node> right) {
    auto n = make(Node::Kind::Binary, op);
    n->text = op.text;
    n->start_column = left->start_column;
    n->begin = left->begin;
    n->end = right->end;
    adopt(*n, std::move(left));
    adopt(*n, std::move(right));
    return n;
  }

  std::unique_ptr<Node> additive() {
    if (++depth_ > kMaxDepth) fail(current().column, "the expression is nested too deeply");
    auto left = multiplicative();
    while (at(TokenKind::Plus) || at(TokenKind::Minus)) {
      const Token& op = advance();
      left = binary(op, std::move(left), multiplicative());
    }
    --depth_;
    return left;
  }

  std::unique_ptr<Node> multiplicative() {
    auto left = unary();
    while (at(TokenKind::Star) || at(TokenKind::Slash)) {
      const Token& op = advance();
      left = binary(op, std::move(left), unary());
    }
    return left;
  }

  std::unique_ptr<Node> unary() {
    if (at(TokenKind::Minus) || at(TokenKind::Plus)) {
      if (++depth_ > kMaxDepth) fail(current().column, "the expression is nested too deeply");
      const Token& op = advance();
      auto operand = unary();
      --depth_;
      if (op.kind == TokenKind::Plus) return operand;
      auto n = make(Node::Kind::Negate, op);
      n->end = operand->end;
      adopt(*n, std::move(operand));
      return n;
    }
    return postfix();
  }

  std::unique_ptr<Node> postfix() {
    auto node = primary();
    for (;;) {
      if (at(TokenKind::Dot)) {
        advance();
        if (!at(TokenKind::Name))
          fail(current().column, fmt::format("expected a key after \".\", found {}", describe_token(current())));
        const Token& key = advance();
        auto n = make(Node::Kind::Field, key);
        n->text = key.text;
        n->start_column = node->start_column;
        n->begin = node->begin;
        adopt(*n, std::move(node));
        node = std::move(n);
      } else if (at(TokenKind::LeftBracket)) {
        auto n = make(Node::Kind::Index, advance());
        n->start_column = node->start_column;
        n->begin = node->begin;
        adopt(*n, std::move(node));
        adopt(*n, additive());
        n->end = current().end;
        expect(TokenKind::RightBracket, "\"]\"");
        node = std::move(n);
      } else {
        return node;
      }
    }
  }

  std::unique_ptr<Node> primary() {
    const Token& t = current();
    switch (t.kind) {
      case TokenKind::Number: {
        auto n = make(Node::Kind::Number, advance());
        n->number = t.number;
        return n;
      }
      case TokenKind::String: {
        auto n = make(Node::Kind::String, advance());
        n->text = t.text;
        return n;
      }
      case TokenKind::Name: {
        advance();
        if (!at(TokenKind::LeftParen)) {
          auto n = make(Node::Kind::Name, t);
          n->text = t.text;
          return n;
        }
        auto n = make(Node::Kind::Call, t);
        n->text = t.text;
        advance();  // "("
        if (!at(TokenKind::RightParen)) {
          adopt(*n, additive());
          while (at(TokenKind::Comma)) {
            advance();
            adopt(*n, additive());
          }
        }
        n->end = current().end;
        expect(TokenKind::RightParen, "\",\" or \")\"");
        return n;
      }
      case TokenKind::LeftParen: {
        advance();
        auto inner = additive();
        expect(TokenKind::RightParen, "\")\"");
        return inner;
      }
      default:
        fail(t.column, fmt::format("expected a number, a key or \"(\", found {}", describe_token(t)));
    }
  }

  std::vector<Token> tokens_;
  size_t index_ = 0;
  int depth_ = 0;
};

// ---- evaluation -------------------------------------------------------------

/// Functions by name, in the order hints list them.
const std::vector<std::string>& function_names() {
  static const std::vector<std::string> names = {"sum",   "count", "min", "max",    "avg",
                                                 "round", "abs",   "pct", "growth", "where", "join"};
  return names;
}

bool nearly_equal(double a, double b) {
  return std::fabs(a - b) <= 1e-9 * std::max({1.0, std::fabs(a), std::fabs(b)});
}

class Evaluator {
 public:
  Evaluator(const std::string& source, const DataSet& data, const Span& span)
      : source_(source), data_(data), span_(span) {}

  /// N's value; a number that is not finite (an overflow such as
  /// `big * 10`) is an error at N, never "inf" or "nan" in the report.
  Evaluation eval(const Node& n) {
    Evaluation e = eval_node(n);
    if (e.value.is_number() && !std::isfinite(e.value.number))
      fail(n.kind == Node::Kind::Binary || n.kind == Node::Kind::Call ? n.column : n.start_column,
           "the result is too large to be a number", {"a value beyond ±1.8e308 cannot be printed"});
    return e;
  }

 private:
  Evaluation eval_node(const Node& n) {
    switch (n.kind) {
      case Node::Kind::Number:
        return computed(Value::of_number(n.number, span_));
      case Node::Kind::String:
        return computed(Value::of_text(n.text, span_));
      case Node::Kind::Name:
        return {lookup(data_.root, n, ""), true};
      case Node::Kind::Field:
        return field(n);
      case Node::Kind::Index:
        return index(n);
      case Node::Kind::Negate:
        return computed(Value::of_number(-need_number(*n.children[0]), span_));
      case Node::Kind::Binary:
        return computed(Value::of_number(arithmetic(n), span_));
      case Node::Kind::Call:
        return call(n);
    }
    fail(n.column, "unknown expression");
  }

  Evaluation computed(Value v) { return {std::move(v), false}; }

  std::string source_text(const Node& n) const { return source_.substr(n.begin, n.end - n.begin); }

  /// RECORD[key of N]; BASE_TEXT is how the record was reached ("" at the root).
  Value lookup(const Value& record, const Node& n, const std::string& base_text) {
    auto it = record.record->find(n.text);
    if (it != record.record->end()) {
      ReadRecorder::note(it->second.span);
      return it->second;
    }
    std::vector<std::string> keys;
    for (const auto& [key, value] : *record.record) keys.push_back(key);
    std::string prefix = base_text.empty() ? "" : base_text + ".";
    std::vector<std::string> hints;
    if (auto near = closest_key(n.text, keys)) hints.push_back(fmt::format("did you mean \"{}{}\"?", prefix, *near));
    else hints.push_back(list_keys_hint(keys));
    fail(n.column, fmt::format("no data \"{}{}\"", prefix, n.text), std::move(hints));
  }

  Evaluation field(const Node& n) { return field_of(*n.children[0], n); }

  /// The field N.text of BASE_NODE's value (a record, or every record of a list).
  Evaluation field_of(const Node& base_node, const Node& n) {
    Evaluation base = eval(base_node);
    std::string base_text = source_text(base_node);
    if (base.value.kind == Value::Kind::Record) return {lookup(base.value, n, base_text), base.from_data};
    if (base.value.kind == Value::Kind::List) {
      // list.field: that field of every record, e.g. majors.students.
      Value out;
      out.kind = Value::Kind::List;
      out.list = std::make_shared<List>();
      out.span = span_;
      for (const Value& item : *base.value.list) {
        if (item.kind != Value::Kind::Record)
          fail(n.column, fmt::format("\"{}\" is not a list of records: an item is {}", base_text,
                                     describe_value(item, true)));
        out.list->push_back(lookup(item, n, base_text));
      }
      return computed(std::move(out));
    }
    fail(n.column, fmt::format("expected a record, got {}", describe_value(base.value, base.from_data)),
         {fmt::format("\"{}\" has no keys", base_text)});
  }

  Evaluation index(const Node& n) {
    const Node& index_node = *n.children[1];
    if (index_node.kind == Node::Kind::String) {
      // row["在校生（人）"]: a key that is not a name, as a field.
      Node as_field;
      as_field.kind = Node::Kind::Field;
      as_field.text = index_node.text;
      as_field.column = index_node.column;
      as_field.begin = n.children[0]->begin;
      as_field.end = n.children[0]->end;
      as_field.start_column = n.children[0]->start_column;
      return field_of(*n.children[0], as_field);
    }
    Evaluation base = eval(*n.children[0]);
    if (base.value.kind != Value::Kind::List)
      fail(n.column, fmt::format("expected a list, got {}", describe_value(base.value, base.from_data)));
    double i = need_number(index_node);
    size_t size = base.value.list->size();
    if (i != std::floor(i) || i < 0 || i >= static_cast<double>(size))
      fail(index_node.start_column,
           fmt::format("index {} is out of range: \"{}\" has {} item{}", format_number(Value::of_number(i), "").value_or("?"),
                       source_text(*n.children[0]), size, size == 1 ? "" : "s"),
           {"the first item is [0]"});
    const Value& item = (*base.value.list)[static_cast<size_t>(i)];
    ReadRecorder::note(item.span);
    return {item, base.from_data};
  }

  double need_number(const Node& n) {
    Evaluation e = eval(n);
    if (!e.value.is_number()) fail_not_a_number(n.start_column, e.value, e.from_data);
    return e.value.number;
  }

  double arithmetic(const Node& n) {
    double a = need_number(*n.children[0]);
    double b = need_number(*n.children[1]);
    switch (n.text[0]) {
      case '+': return a + b;
      case '-': return a - b;
      case '*': return a * b;
      default:
        if (b == 0) fail(n.column, "division by zero");
        return a / b;
    }
  }

  void expect_arguments(const Node& call, size_t min, size_t max, const char* usage) {
    size_t got = call.children.size();
    if (got < min || got > max)
      fail(call.column, fmt::format("{}() takes {}, got {}", call.text, usage, got),
           {fmt::format("{}", usage_example(call.text))});
  }

  static std::string usage_example(const std::string& name) {
    static const std::map<std::string, std::string> examples = {
        {"sum", "sum(majors.students)"},     {"count", "count(majors)"},
        {"min", "min(majors.students)"},     {"max", "max(majors.students)"},
        {"avg", "avg(majors.students)"},     {"round", "round(x, 2)"},
        {"abs", "abs(x)"},                   {"pct", "pct(part, whole)"},
        {"growth", "growth(new, old)"},      {"where", "where(schools, \"type\", \"公办\")"},
        {"join", "join(school.honours, \"；\")"}};
    auto it = examples.find(name);
    return it == examples.end() ? name : it->second;
  }

  /// The numbers of the arguments of an aggregate: lists are flattened,
  /// empty cells skipped (as Excel's SUM does), anything else is an error.
  std::vector<double> numbers_of(const Node& call) {
    std::vector<double> out;
    for (const auto& argument : call.children) {
      Evaluation e = eval(*argument);
      if (e.value.is_number()) {
        out.push_back(e.value.number);
      } else if (e.value.kind == Value::Kind::List) {
        ReadRecorder::note(e.value.span);
        for (const Value& item : *e.value.list) {
          if (ReadRecorder::active()) ReadRecorder::note(item.span);
          if (item.is_number()) out.push_back(item.number);
          else if (item.kind != Value::Kind::Null)
            fail_not_a_number(argument->start_column, item, true);
        }
      } else {
        fail(argument->start_column,
             fmt::format("expected a list of numbers, got {}", describe_value(e.value, e.from_data)));
      }
    }
    return out;
  }

  Evaluation call(const Node& n) {
    const std::string& name = n.text;
    auto number = [&](double x) { return computed(Value::of_number(x, span_)); };
    if (name == "sum" || name == "min" || name == "max" || name == "avg") {
      expect_arguments(n, 1, SIZE_MAX, "a list");
      std::vector<double> xs = numbers_of(n);
      if (name == "sum") {
        double total = 0;
        for (double x : xs) total += x;
        return number(total);
      }
      if (xs.empty()) fail(n.column, fmt::format("{}() of a list with no numbers", name));
      if (name == "min") return number(*std::min_element(xs.begin(), xs.end()));
      if (name == "max") return number(*std::max_element(xs.begin(), xs.end()));
      double total = 0;
      for (double x : xs) total += x;
      return number(total / static_cast<double>(xs.size()));
    }
    if (name == "count") {
      expect_arguments(n, 1, 1, "1 list");
      Evaluation e = eval(*n.children[0]);
      if (e.value.kind != Value::Kind::List)
        fail(n.children[0]->start_column,
             fmt::format("expected a list, got {}", describe_value(e.value, e.from_data)));
      ReadRecorder::note(e.value.span);
      return number(static_cast<double>(e.value.list->size()));
    }
    if (name == "round") {
      expect_arguments(n, 1, 2, "a number and a count of decimals");
      double x = need_number(*n.children[0]);
      double digits = n.children.size() > 1 ? need_number(*n.children[1]) : 0;
      if (digits != std::floor(digits) || std::fabs(digits) > 15)
        fail(n.children[1]->start_column, "round() takes a whole number of decimals between -15 and 15");
      return number(round_half_away(x, static_cast<int>(digits)));
    }
    if (name == "abs") {
      expect_arguments(n, 1, 1, "1 number");
      return number(std::fabs(need_number(*n.children[0])));
    }
    if (name == "pct" || name == "growth") {
      expect_arguments(n, 2, 2, "2 numbers");
      double a = need_number(*n.children[0]);
      double b = need_number(*n.children[1]);
      if (b == 0) fail(n.column, "division by zero");
      return number(name == "pct" ? a / b : (a - b) / b);
    }
    if (name == "where") return where(n);
    if (name == "join") {
      // join(list, "；"): a list of texts as one text (honours in a table cell).
      expect_arguments(n, 2, 2, "a list and a separator");
      Evaluation list = eval(*n.children[0]);
      Evaluation separator = eval(*n.children[1]);
      if (list.value.kind != Value::Kind::List)
        fail(n.children[0]->start_column, fmt::format("expected a list, got {}", describe_value(list.value, list.from_data)));
      if (separator.value.kind != Value::Kind::Text)
        fail(n.children[1]->start_column, "expected a separator in quotes", {"join(school.honours, \"；\")"});
      std::string text;
      for (const Value& item : *list.value.list) {
        if (item.kind == Value::Kind::Null) continue;
        if (!text.empty()) text += separator.value.text;
        text += item.kind == Value::Kind::Text ? item.text : format_number(item, "").value_or("");
      }
      return computed(Value::of_text(text, span_));
    }

    std::vector<std::string> hints;
    if (auto near = closest_key(name, function_names())) hints.push_back(fmt::format("did you mean \"{}\"?", *near));
    else hints.push_back(fmt::format("functions: {}", fmt::join(function_names(), ", ")));
    fail(n.column, fmt::format("unknown function \"{}\"", name), std::move(hints));
  }

  /// where(list, "field", value): the records whose field equals value.
  Evaluation where(const Node& n) {
    expect_arguments(n, 3, 3, "a list, a field name and a value");
    const Node& list_node = *n.children[0];
    const Node& field_node = *n.children[1];
    Evaluation list = eval(list_node);
    if (list.value.kind != Value::Kind::List)
      fail(list_node.start_column, fmt::format("expected a list, got {}", describe_value(list.value, list.from_data)));
    Evaluation field = eval(field_node);
    if (field.value.kind != Value::Kind::Text)
      fail(field_node.start_column, fmt::format("expected a field name in quotes, got {}",
                                                describe_value(field.value, field.from_data)),
           {"where(schools, \"type\", \"公办\")"});
    Value wanted = eval(*n.children[2]).value;

    Value out;
    out.kind = Value::Kind::List;
    out.list = std::make_shared<List>();
    out.span = span_;
    for (const Value& item : *list.value.list) {
      if (item.kind != Value::Kind::Record)
        fail(list_node.start_column, fmt::format("\"{}\" is not a list of records: an item is {}",
                                                 source_text(list_node), describe_value(item, true)));
      auto it = item.record->find(field.value.text);
      if (it == item.record->end()) {
        std::vector<std::string> keys;
        for (const auto& [key, value] : *item.record) keys.push_back(key);
        std::vector<std::string> hints;
        if (auto near = closest_key(field.value.text, keys)) hints.push_back(fmt::format("did you mean \"{}\"?", *near));
        else hints.push_back(list_keys_hint(keys));
        fail(field_node.start_column,
             fmt::format("no field \"{}\" in the records of \"{}\"", field.value.text, source_text(list_node)),
             std::move(hints));
      }
      ReadRecorder::note(it->second.span);
      if (same_value(it->second, wanted)) out.list->push_back(item);
    }
    return computed(std::move(out));
  }

  static bool same_value(const Value& a, const Value& b) {
    if (a.kind != b.kind) return false;
    switch (a.kind) {
      case Value::Kind::Null: return true;
      case Value::Kind::Number: return nearly_equal(a.number, b.number);
      case Value::Kind::Text: return a.text == b.text;
      default: return false;  // lists and records are not compared
    }
  }

  const std::string& source_;
  const DataSet& data_;
  const Span& span_;
};

}  // namespace

namespace {
thread_local ReadRecorder* current_recorder = nullptr;
}  // namespace

ReadRecorder::ReadRecorder() : previous_(current_recorder) { current_recorder = this; }
ReadRecorder::~ReadRecorder() { current_recorder = previous_; }
void ReadRecorder::note(const Span& span) {
  if (current_recorder && !span.path.empty()) current_recorder->reads_.push_back(span);
}
bool ReadRecorder::active() { return current_recorder != nullptr; }

std::optional<Evaluation> evaluate_expression(const std::string& expression, const DataSet& data,
                                              const Span& span, DiagnosticSink& sink) {
  try {
    if (data.root.kind != Value::Kind::Record || !data.root.record) fail(0, "no data is loaded");
    Parser parser(Lexer(expression).tokenize());
    std::unique_ptr<Node> tree = parser.parse();
    return Evaluator(expression, data, span).eval(*tree);
  } catch (const ExpressionError& e) {
    if (!e.at.path.empty()) {
      std::vector<std::string> hints{fmt::format("used by \"{}\" at {}", expression, offset_span(span, e.column).to_string())};
      hints.insert(hints.end(), e.hints.begin(), e.hints.end());
      sink.error(e.at, e.message, hints);
    } else {
      sink.error(offset_span(span, e.column), e.message, e.hints);
    }
    return std::nullopt;
  }
}

std::optional<Value> evaluate(const std::string& expression, const DataSet& data, const Span& span,
                              DiagnosticSink& sink) {
  auto result = evaluate_expression(expression, data, span, sink);
  if (!result) return std::nullopt;
  return std::move(result->value);
}

}  // namespace paiban::data
