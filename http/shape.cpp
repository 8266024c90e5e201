#include "http/shape.h"

namespace docket::http::shape_detail {

void write_property_schema(JsonWriter& w, std::string_view type, bool nullable,
                           const FieldDoc& doc) {
  w.begin_object();
  if (nullable) {
    w.key("type").begin_array().value(type).value("null").end_array();
  } else {
    w.field("type", type);
  }
  if (type == "array") w.key("items").begin_object().field("type", "string").end_object();
  if (!doc.format.empty()) w.field("format", doc.format);
  if (!doc.values.empty()) {
    w.key("enum").begin_array();
    for (std::string_view v : doc.values)
      w.value(v);
    if (nullable) w.null();
    w.end_array();
  }
  if (!doc.pattern.empty()) w.field("pattern", doc.pattern);
  if (!doc.description.empty()) w.field("description", doc.description);
  w.end_object();
}

}  // namespace docket::http::shape_detail
