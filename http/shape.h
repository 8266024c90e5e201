// Response shapes: the JSON object a route answers with, declared once, used both to
// write the response and to write its JSON Schema in the OpenAPI document (decision
// 0016).
//
//   const Shape<projections::SupportInquiryMessageRow> kMessage = [] {
//     Shape<projections::SupportInquiryMessageRow> s;
//     s.field("id", &Row::id)
//      .field("senderType", &Row::senderType, {.values = {"visitor", "customer", ...}})
//      .field("createdAt", &Row::createdAt, {.format = "date-time"});
//     return s;
//   }();
//   kMessage.write(w, row);
//
// A member's JSON type follows its C++ type: integers, bool, std::string, RawJson
// (any JSON; say its schema in `schema`), std::vector<std::string>, and std::optional
// of these (null when empty, or left out with `omit_empty`). Every property that is
// not omittable is listed as required. Shapes are built at start-up and immutable
// afterwards; write() may run on any number of threads.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "core/json_writer.h"
#include "core/raw_json.h"

namespace docket::http {

// How the document describes one property beyond its type.
struct FieldDoc {
  std::string_view format;               // "date-time", "email", ...
  std::vector<std::string_view> values;  // an enum of strings
  std::string_view pattern;
  std::string_view description;
  std::string_view schema;  // RawJson members: their JSON Schema (default: any)
  bool omit_empty = false;  // std::optional members: left out (not null) when empty
};

// The schema side of a shape, for the OpenAPI document.
class ShapeSchema {
 public:
  virtual ~ShapeSchema() = default;
  virtual void write_schema(JsonWriter& w) const = 0;
};

// A JSON Schema written out, as a route's documented `data` (answers written by hand).
class SchemaText final : public ShapeSchema {
 public:
  explicit SchemaText(std::string json) : json_(std::move(json)) {}
  void write_schema(JsonWriter& w) const override { w.raw(json_); }

 private:
  std::string json_;
};

namespace shape_detail {

template <typename T>
struct IsOptional : std::false_type {
  using type = T;
};
template <typename T>
struct IsOptional<std::optional<T>> : std::true_type {
  using type = T;
};

// The JSON Schema "type" of a plain member type.
template <typename M>
constexpr std::string_view json_type() {
  if constexpr (std::is_same_v<M, bool>) {
    return "boolean";
  } else if constexpr (std::is_integral_v<M>) {
    return "integer";
  } else if constexpr (std::is_floating_point_v<M>) {
    return "number";
  } else if constexpr (std::is_same_v<M, std::vector<std::string>>) {
    return "array";
  } else {
    return "string";
  }
}

template <typename M>
void write_value(JsonWriter& w, const M& v) {
  if constexpr (IsOptional<M>::value) {
    if (v) {
      write_value(w, *v);
    } else {
      w.null();
    }
  } else if constexpr (std::is_same_v<M, RawJson>) {
    w.raw(v.text);
  } else if constexpr (std::is_same_v<M, std::vector<std::string>>) {
    w.begin_array();
    for (const std::string& s : v)
      w.value(s);
    w.end_array();
  } else if constexpr (std::is_integral_v<M> && !std::is_same_v<M, bool>) {
    if constexpr (std::is_signed_v<M>) {
      w.value(static_cast<std::int64_t>(v));
    } else {
      w.value(static_cast<std::uint64_t>(v));
    }
  } else {
    w.value(v);
  }
}

// Writes {"type": …} (with null when nullable) and the doc's keywords.
void write_property_schema(JsonWriter& w, std::string_view type, bool nullable,
                           const FieldDoc& doc);

}  // namespace shape_detail

template <typename T>
class Shape : public ShapeSchema {
 public:
  // A member written as its JSON value.
  template <typename M>
  Shape& field(std::string_view name, M T::*member, FieldDoc doc = {}) {
    using Plain = typename shape_detail::IsOptional<M>::type;
    Entry e;
    e.name = std::string(name);
    e.required = !(shape_detail::IsOptional<M>::value && doc.omit_empty);
    const bool omit = doc.omit_empty;
    e.write = [member, omit, name = e.name](JsonWriter& w, const T& t) {
      const M& value = t.*member;
      if constexpr (shape_detail::IsOptional<M>::value) {
        if (omit && !value) return;
      }
      w.key(name);
      shape_detail::write_value(w, value);
    };
    e.schema = [doc, nullable = shape_detail::IsOptional<M>::value](JsonWriter& w) {
      if constexpr (std::is_same_v<Plain, RawJson>) {
        if (doc.schema.empty()) {
          w.begin_object().end_object();
        } else {
          w.raw(doc.schema);
        }
      } else {
        shape_detail::write_property_schema(w, shape_detail::json_type<Plain>(), nullable, doc);
      }
    };
    entries_.push_back(std::move(e));
    return *this;
  }

  // A nested object that is always there.
  template <typename U>
  Shape& object(std::string_view name, U T::*member, const Shape<U>& shape) {
    Entry e;
    e.name = std::string(name);
    e.write = [member, &shape, name = e.name](JsonWriter& w, const T& t) {
      w.key(name);
      shape.write(w, t.*member);
    };
    e.schema = [&shape](JsonWriter& w) { shape.write_schema(w); };
    entries_.push_back(std::move(e));
    return *this;
  }

  // A nested object (null when empty, or left out with omit_empty).
  template <typename U>
  Shape& object(std::string_view name, std::optional<U> T::*member, const Shape<U>& shape,
                bool omit_empty = false) {
    Entry e;
    e.name = std::string(name);
    e.required = !omit_empty;
    e.write = [member, &shape, omit_empty, name = e.name](JsonWriter& w, const T& t) {
      const std::optional<U>& value = t.*member;
      if (!value && omit_empty) return;
      w.key(name);
      if (value) {
        shape.write(w, *value);
      } else {
        w.null();
      }
    };
    e.schema = [&shape](JsonWriter& w) {
      w.begin_object().key("oneOf").begin_array();
      shape.write_schema(w);
      w.begin_object().field("type", "null").end_object();
      w.end_array().end_object();
    };
    entries_.push_back(std::move(e));
    return *this;
  }

  // An array of nested objects.
  template <typename U>
  Shape& array(std::string_view name, std::vector<U> T::*member, const Shape<U>& shape) {
    Entry e;
    e.name = std::string(name);
    e.write = [member, &shape, name = e.name](JsonWriter& w, const T& t) {
      w.key(name).begin_array();
      for (const U& item : t.*member)
        shape.write(w, item);
      w.end_array();
    };
    e.schema = [&shape](JsonWriter& w) {
      w.begin_object().field("type", "array").key("items");
      shape.write_schema(w);
      w.end_object();
    };
    entries_.push_back(std::move(e));
    return *this;
  }

  // A property computed from the object, with its JSON Schema written by hand (maps
  // with data-dependent keys, say). `write` writes exactly one JSON value.
  Shape& computed(std::string_view name, std::string schema_json,
                  std::function<void(JsonWriter&, const T&)> write) {
    Entry e;
    e.name = std::string(name);
    e.write = [write = std::move(write), name = e.name](JsonWriter& w, const T& t) {
      w.key(name);
      write(w, t);
    };
    e.schema = [schema_json = std::move(schema_json)](JsonWriter& w) { w.raw(schema_json); };
    entries_.push_back(std::move(e));
    return *this;
  }

  // Every property of `shape`, read from `member` (composition: a detail view is its
  // row's shape plus more).
  template <typename U>
  Shape& include(U T::*member, const Shape<U>& shape) {
    for (const auto& inner : shape.entries_) {
      Entry e;
      e.name = inner.name;
      e.required = inner.required;
      e.write = [member, write = inner.write](JsonWriter& w, const T& t) { write(w, t.*member); };
      e.schema = inner.schema;
      entries_.push_back(std::move(e));
    }
    return *this;
  }

  // Writes the object.
  void write(JsonWriter& w, const T& value) const {
    w.begin_object();
    for (const Entry& e : entries_)
      e.write(w, value);
    w.end_object();
  }

  void write_schema(JsonWriter& w) const override {
    w.begin_object().field("type", "object").key("required").begin_array();
    for (const Entry& e : entries_)
      if (e.required) w.value(e.name);
    w.end_array().key("properties").begin_object();
    for (const Entry& e : entries_) {
      w.key(e.name);
      e.schema(w);
    }
    w.end_object().end_object();
  }

 private:
  template <typename>
  friend class Shape;

  struct Entry {
    std::string name;
    bool required = true;
    std::function<void(JsonWriter&, const T&)> write;
    std::function<void(JsonWriter&)> schema;
  };
  std::vector<Entry> entries_;
};

// A list of T in the `data` array of a list response.
template <typename T>
class ListShape : public ShapeSchema {
 public:
  explicit ListShape(const Shape<T>& items) : items_(items) {}
  void write_schema(JsonWriter& w) const override {
    w.begin_object().field("type", "array").key("items");
    items_.write_schema(w);
    w.end_object();
  }
  const Shape<T>& items() const { return items_; }

 private:
  const Shape<T>& items_;
};

// A response whose `data` has a schema written by hand (a free-form map, say).
class FixedSchema : public ShapeSchema {
 public:
  explicit FixedSchema(std::string json) : json_(std::move(json)) {}
  void write_schema(JsonWriter& w) const override { w.raw(json_); }

 private:
  std::string json_;
};

}  // namespace docket::http
