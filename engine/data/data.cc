// Values, and how they are described in diagnostics.
#include "data/data.h"

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

#include "base/text_file.h"
#include "data/data_internal.h"

namespace paiban::data {

Value Value::of_number(double n, Span span, std::string literal) {
  Value v;
  v.kind = Kind::Number;
  v.number = n;
  v.literal = std::move(literal);
  v.span = std::move(span);
  return v;
}

Value Value::of_text(std::string t, Span span) {
  Value v;
  v.kind = Kind::Text;
  v.text = std::move(t);
  v.span = std::move(span);
  return v;
}

Record::iterator Record::lower_bound(std::string_view key) {
  return std::lower_bound(fields_.begin(), fields_.end(), key,
                          [](const value_type& field, std::string_view k) { return std::string_view(field.first) < k; });
}

const Value& Record::at(std::string_view key) const {
  auto it = find(key);
  if (it == end()) throw std::out_of_range(fmt::format("the record has no key \"{}\"", key));
  return it->second;
}

std::pair<Record::iterator, bool> Record::emplace(std::string_view key, Value value) {
  auto it = lower_bound(key);
  if (it != fields_.end() && it->first == key) return {it, false};
  return {fields_.emplace(it, std::string(key), std::move(value)), true};
}

Record::iterator Record::emplace_hint(const_iterator hint, std::string_view key, Value value) {
  if (hint == fields_.end() && (fields_.empty() || std::string_view(fields_.back().first) < key)) {
    fields_.emplace_back(std::string(key), std::move(value));
    return fields_.end() - 1;
  }
  return emplace(key, std::move(value)).first;
}

Value scalar_value(const std::string& text, Span span) {
  if (text.empty()) {
    Value v;
    v.span = std::move(span);
    return v;
  }
  if (auto number = parse_number_literal(text)) return Value::of_number(*number, std::move(span), text);
  return Value::of_text(text, std::move(span));
}

namespace {

std::vector<char32_t> code_points(std::string_view s) {
  std::vector<char32_t> out;
  for (size_t i = 0; i < s.size();) out.push_back(next_code_point(s, i));
  return out;
}

/// TEXT cut to 20 code points for a message (a whole cell of prose would bury it).
std::string shorten(const std::string& text) {
  constexpr size_t kMax = 20;
  std::vector<char32_t> cps = code_points(text);
  if (cps.size() <= kMax) return text;
  std::string out;
  for (size_t i = 0; i < kMax; ++i) append_utf8(out, cps[i]);
  return out + "…";
}

}  // namespace

std::string describe_kind(const Value& v) {
  switch (v.kind) {
    case Value::Kind::Null:
      return "an empty value";
    case Value::Kind::Number:
      return "number " + format_number(v, "").value_or("?");
    case Value::Kind::Text:
      return fmt::format("text \"{}\"", shorten(v.text));
    case Value::Kind::List: {
      size_t n = v.list ? v.list->size() : 0;
      return fmt::format("a list of {} item{}", n, n == 1 ? "" : "s");
    }
    case Value::Kind::Record:
      return "a record";
  }
  return "a value";
}

std::string describe_value(const Value& v, bool from_data) {
  std::string out = describe_kind(v);
  if (from_data && !v.span.path.empty()) out += fmt::format(" ({})", v.span.to_string());
  return out;
}

std::optional<std::string> closest_key(const std::string& wanted, const std::vector<std::string>& keys) {
  std::optional<std::string> best;
  int best_distance = 3;  // suggest only within 2 edits: further off is a different word
  for (const auto& key : keys) {
    int d = edit_distance(wanted, key);
    // Replacing every character is no typo: "x" is not a misspelt "学校".
    int longer = static_cast<int>(std::max(code_points(wanted).size(), code_points(key).size()));
    if (d < best_distance && d < longer) best = key, best_distance = d;
  }
  return best;
}

std::string list_keys_hint(const std::vector<std::string>& keys) {
  if (keys.empty()) return "there are no keys here";
  constexpr size_t kShown = 8;
  std::vector<std::string> shown(keys.begin(), keys.begin() + std::min(keys.size(), kShown));
  std::string out = fmt::format("existing keys: {}", fmt::join(shown, ", "));
  if (keys.size() > kShown) out += fmt::format(", … ({} in all)", keys.size());
  return out;
}

}  // namespace paiban::data
