#include "base/yaml_parse.h"

#include <yaml.h>

#include <memory>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace paiban::yaml_parse {
/// The key to yaml-cpp's one door for making a YAML::Node of its own node type (below).
struct RootOf {};
}  // namespace paiban::yaml_parse

namespace YAML {
/// yaml-cpp makes a Node of a detail::node only for its friends, which include the template
/// as_if; this specialisation for paiban's own type lets the builder below wrap its root the way
/// yaml-cpp's NodeBuilder does.
template <>
struct as_if<paiban::yaml_parse::RootOf, void> {
  static Node wrap(detail::node& root, detail::shared_memory_holder memory) { return Node(root, std::move(memory)); }
};
}  // namespace YAML

namespace paiban {

namespace {

/// libyaml marks count characters; yaml-cpp's, and so every span made from them, count bytes.
class ByteMarks {
 public:
  explicit ByteMarks(const std::string& text) : text_(text) {}
  YAML::Mark operator()(const yaml_mark_t& m) {
    if (m.index < chars_) chars_ = bytes_ = 0;  // (marks come in order: this is rare)
    while (chars_ < m.index && bytes_ < text_.size()) {
      ++bytes_;
      while (bytes_ < text_.size() && (static_cast<unsigned char>(text_[bytes_]) & 0xC0) == 0x80) ++bytes_;
      ++chars_;
    }
    size_t line_start = bytes_;
    for (size_t c = 0; c < m.column && line_start > 0; ++c) {
      --line_start;
      while (line_start > 0 && (static_cast<unsigned char>(text_[line_start]) & 0xC0) == 0x80) --line_start;
    }
    YAML::Mark mark;
    mark.pos = static_cast<int>(bytes_);
    mark.line = static_cast<int>(m.line);
    mark.column = static_cast<int>(bytes_ - line_start);
    return mark;
  }

 private:
  const std::string& text_;
  size_t chars_ = 0, bytes_ = 0;
};

/// yaml-cpp's null: a plain scalar without a tag that reads as null (an empty value too).
bool is_null_string(std::string_view s) { return s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL"; }

/// Deeper than this, the text goes to yaml-cpp, which limits nesting itself (and the
/// recursive readers of the nodes need the limit).
constexpr size_t kMaxDepth = 256;

std::string tag_of(const yaml_char_t* tag) { return tag ? reinterpret_cast<const char*>(tag) : "?"; }

}  // namespace

YAML::Node parse_yaml_text(const std::string& text) {
  using YAML::detail::node;
  yaml_parser_t parser;
  if (!yaml_parser_initialize(&parser)) throw std::bad_alloc();
  struct Parser {
    yaml_parser_t* p;
    ~Parser() { yaml_parser_delete(p); }
  } parser_guard{&parser};
  yaml_parser_set_input_string(&parser, reinterpret_cast<const unsigned char*>(text.data()), text.size());

  ByteMarks marks(text);
  YAML::detail::shared_memory_holder memory = std::make_shared<YAML::detail::memory_holder>();
  struct Open {
    node* collection;
    bool map;
    node* key = nullptr;  ///< a map's key whose value is next
  };
  std::vector<Open> open;
  std::unordered_map<std::string, node*> anchors;
  node* root = nullptr;
  // As NodeBuilder::Pop: a finished node goes into the collection it is in.
  auto finished = [&](node& n) {
    if (open.empty()) {
      root = &n;
      return;
    }
    Open& in = open.back();
    if (!in.map) {
      in.collection->push_back(n, memory);
    } else if (!in.key) {
      in.key = &n;
    } else {
      in.collection->insert(*in.key, n, memory);
      in.key = nullptr;
    }
  };
  auto make = [&](const yaml_event_t& e, const yaml_char_t* anchor) -> node& {
    node& n = memory->create_node();
    n.set_mark(marks(e.start_mark));
    if (anchor) anchors[reinterpret_cast<const char*>(anchor)] = &n;
    return n;
  };
  // The next event; false where libyaml finds an error (it had no memory: bad_alloc).
  auto next_event = [&parser](yaml_event_t& e) {
    if (yaml_parser_parse(&parser, &e)) return true;
    if (parser.error == YAML_MEMORY_ERROR) throw std::bad_alloc();
    return false;
  };
  bool to_yaml_cpp = false;
  for (bool done = false; !done && !to_yaml_cpp;) {
    yaml_event_t e;
    if (!next_event(e)) {
      to_yaml_cpp = true;
      break;
    }
    struct Event {
      yaml_event_t* e;
      ~Event() { yaml_event_delete(e); }
    } event_guard{&e};
    switch (e.type) {
      case YAML_SCALAR_EVENT: {
        const auto& s = e.data.scalar;
        std::string_view value(reinterpret_cast<const char*>(s.value), s.length);
        node& n = make(e, s.anchor);
        const bool plain = s.style == YAML_PLAIN_SCALAR_STYLE || s.style == YAML_ANY_SCALAR_STYLE;
        if (!s.tag && plain && is_null_string(value)) {
          n.set_null();
        } else {
          n.set_scalar(std::string(value));
          n.set_tag(s.tag ? tag_of(s.tag) : plain ? "?" : "!");
        }
        finished(n);
        break;
      }
      case YAML_SEQUENCE_START_EVENT:
      case YAML_MAPPING_START_EVENT: {
        const bool map = e.type == YAML_MAPPING_START_EVENT;
        if (open.size() >= kMaxDepth) {
          to_yaml_cpp = true;
          break;
        }
        node& n = make(e, map ? e.data.mapping_start.anchor : e.data.sequence_start.anchor);
        const bool flow = map ? e.data.mapping_start.style == YAML_FLOW_MAPPING_STYLE
                              : e.data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE;
        n.set_type(map ? YAML::NodeType::Map : YAML::NodeType::Sequence);
        n.set_tag(tag_of(map ? e.data.mapping_start.tag : e.data.sequence_start.tag));
        n.set_style(flow ? YAML::EmitterStyle::Flow : YAML::EmitterStyle::Block);
        open.push_back({&n, map});
        break;
      }
      case YAML_SEQUENCE_END_EVENT:
      case YAML_MAPPING_END_EVENT: {
        node& n = *open.back().collection;
        open.pop_back();
        finished(n);
        break;
      }
      case YAML_ALIAS_EVENT: {
        auto it = anchors.find(reinterpret_cast<const char*>(e.data.alias.anchor));
        if (it == anchors.end()) {
          to_yaml_cpp = true;  // (yaml-cpp's error for it)
          break;
        }
        finished(*it->second);
        break;
      }
      case YAML_DOCUMENT_END_EVENT: {
        // The first document only, as YAML::Load; but libyaml ends a document before it reads
        // what follows, and text after it that starts no new document is an error.
        yaml_event_t next;
        if (!next_event(next)) {
          to_yaml_cpp = true;
          break;
        }
        yaml_event_delete(&next);
        done = true;
        break;
      }
      case YAML_STREAM_END_EVENT:
        done = true;
        break;
      default:
        break;
    }
  }
  if (to_yaml_cpp) return YAML::Load(text);
  if (!root) return YAML::Node();
  return YAML::as_if<yaml_parse::RootOf, void>::wrap(*root, memory);
}

}  // namespace paiban
