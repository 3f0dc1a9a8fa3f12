#pragma once
#include <memory>

#include "data/data.h"

namespace paiban::testing {

/// A data set with nothing in it, for documents without data files.
inline const data::DataSet& no_data() {
  static const data::DataSet empty = [] {
    data::DataSet d;
    d.root.kind = data::Value::Kind::Record;
    d.root.record = std::make_shared<data::Record>();
    return d;
  }();
  return empty;
}

}  // namespace paiban::testing
