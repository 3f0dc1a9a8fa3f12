#pragma once
// YAML text → yaml-cpp nodes, parsed by libyaml: three to four times faster than yaml-cpp's own
// parser, which reads a few MB a second and was the largest part of loading a report's data.
#include <yaml-cpp/yaml.h>

#include <string>

namespace paiban {

/// TEXT's first document as yaml-cpp's YAML::Load makes it: the same nodes, tags ("?" plain,
/// "!" quoted, resolved tags as written), styles, nulls, marks (0-based lines; columns and
/// positions in bytes), repeated keys kept, aliases the same node as their anchor. Text that
/// libyaml does not take (a syntax error, an undefined alias, nesting past yaml-cpp's limit)
/// is handed to YAML::Load, so that its errors, and what it accepts, stay as they were.
/// Throws what YAML::Load throws.
YAML::Node parse_yaml_text(const std::string& text);

}  // namespace paiban
