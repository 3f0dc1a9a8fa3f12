// libFuzzer: the expression evaluator and the number formats.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "data/data.h"

namespace {
const paiban::data::DataSet& data_set() {
  using namespace paiban::data;
  static DataSet d = [] {
    DataSet d;
    d.root.kind = Value::Kind::Record;
    d.root.record = std::make_shared<Record>();
    Value students;
    students.kind = Value::Kind::Record;
    students.record = std::make_shared<Record>();
    (*students.record)["total"] = Value::of_number(10266, {}, "10266");
    (*students.record)["share"] = Value::of_number(0.9665, {}, "96.65%");
    (*d.root.record)["students"] = students;
    Value list;
    list.kind = Value::Kind::List;
    list.list = std::make_shared<List>();
    for (int i = 0; i < 3; ++i) {
      Value r;
      r.kind = Value::Kind::Record;
      r.record = std::make_shared<Record>();
      (*r.record)["n"] = Value::of_number(i * 1.5);
      (*r.record)["name"] = Value::of_text("项目" + std::to_string(i));
      list.list->push_back(r);
    }
    (*d.root.record)["rows"] = list;
    return d;
  }();
  return d;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string input(reinterpret_cast<const char*>(data), size);
  // "expression|format": the part after the last | is a number format.
  std::string format;
  if (size_t bar = input.rfind('|'); bar != std::string::npos) {
    format = input.substr(bar + 1);
    input.resize(bar);
  }
  paiban::DiagnosticSink sink;
  auto v = paiban::data::evaluate(input, data_set(), {"fuzz", 1, 1}, sink);
  if (v && v->is_number()) (void)paiban::data::format_number(*v, format);
  return 0;
}
