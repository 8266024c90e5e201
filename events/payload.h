// Typed event payloads: one struct per event type, one encode/decode pair for all.
//
// An aggregate's events header (e.g. domain/support_inquiry_events.h) declares each
// event type as a struct with its type name, its schema version and its fields, named
// once:
//
//   struct InquiryAssigned {
//     static constexpr std::string_view kType = "support.inquiry.assigned";
//     static constexpr std::uint32_t kVersion = 1;
//     std::int64_t supportInquiryId = 0;
//     std::optional<std::int64_t> assignedAdminId;
//     static constexpr auto fields() {
//       return std::tuple{events::field("supportInquiryId", &InquiryAssigned::supportInquiryId),
//                         events::field("assignedAdminId", &InquiryAssigned::assignedAdminId)};
//     }
//   };
//
// Writers append `events::to_new_event(InquiryAssigned{...})`; readers call
// `events::decode<InquiryAssigned>(record)` or decode any event of a set with
// `EventSet<...>::decode(record)` and std::visit the result. Neither side spells a
// field name, so they cannot disagree.
//
// Field types: std::int64_t, bool, std::string, RawJson (any JSON value kept as its
// text), std::vector<T>, std::optional<T> and nested records (structs with fields()).
// Encoding writes the fields in declaration order; std::nullopt is written as null.
//
// Decoding is strict, because the log is permanent and a reader that guesses hides a
// bug until the day the guess is wrong:
//   * a field that is not std::optional must be present and of its type;
//   * a std::optional field may be absent or null (both read as std::nullopt);
//   * members the struct does not name are ignored (a later version may add some).
// Anything else is Corruption naming the event and the field: "event 12
// (support.request.created) of support_request-3: field customerId is missing".
//
// Versions. `kVersion` is the schema version written today. When a payload changes
// shape, the old struct keeps its fields under a new name with its old kVersion, and
// the new struct names it and converts it:
//
//   struct InquiryAssignedV1 { kType, kVersion = 1, fields() ... };
//   struct InquiryAssigned {
//     kType, kVersion = 2, ..., fields()
//     using Previous = InquiryAssignedV1;
//     static InquiryAssigned upcast(InquiryAssignedV1 old);
//   };
//
// decode<InquiryAssigned> then reads a version-1 record as InquiryAssignedV1 and
// upcasts it (chains of versions upcast step by step); a version above kVersion, or one
// no Previous covers, is Corruption. Pure; thread-safe (decoding uses one parser per
// thread).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "core/json_view.h"
#include "core/json_writer.h"
#include "core/raw_json.h"
#include "core/result.h"
#include "events/event.h"

namespace docket::events {

// A field of a payload record: its JSON name and the member that holds it.
template <typename Record, typename Member>
struct Field {
  std::string_view name;
  Member Record::*member;
};

template <typename Record, typename Member>
constexpr Field<Record, Member> field(std::string_view name, Member Record::*member) {
  return {name, member};
}

// A struct whose fields() lists its members.
template <typename T>
concept PayloadRecord = requires {
  T::fields();
};

// A payload record that is an event type.
template <typename T>
concept EventPayload = PayloadRecord<T> && requires {
  { T::kType } -> std::convertible_to<std::string_view>;
  { T::kVersion } -> std::convertible_to<std::uint32_t>;
};

template <typename T>
concept Upcastable = EventPayload<T> && requires {
  typename T::Previous;
};

namespace payload_detail {

void write(JsonWriter& w, std::int64_t v);
void write(JsonWriter& w, bool v);
void write(JsonWriter& w, const std::string& v);
void write(JsonWriter& w, const RawJson& v);

template <typename T>
void write(JsonWriter& w, const std::optional<T>& v);
template <typename T>
void write(JsonWriter& w, const std::vector<T>& v);
template <PayloadRecord T>
void write(JsonWriter& w, const T& record);

template <typename T>
void write(JsonWriter& w, const std::optional<T>& v) {
  if (v) {
    write(w, *v);
  } else {
    w.null();
  }
}

template <typename T>
void write(JsonWriter& w, const std::vector<T>& v) {
  w.begin_array();
  for (const T& item : v)
    write(w, item);
  w.end_array();
}

template <PayloadRecord T>
void write(JsonWriter& w, const T& record) {
  w.begin_object();
  std::apply([&](const auto&... f) { ((w.key(f.name), write(w, record.*(f.member))), ...); },
             T::fields());
  w.end_object();
}

// The first failure of a decode: the dotted path of the field and what is wrong.
struct ReadFailure {
  std::string path;
  std::string what;  // "is missing", "is a string, not an integer"
};

// Each read() fills `out` from a present, non-null `value`, or records a failure
// under `path` and returns false.
bool read(JsonView value, std::int64_t& out, const std::string& path, ReadFailure& failure);
bool read(JsonView value, bool& out, const std::string& path, ReadFailure& failure);
bool read(JsonView value, std::string& out, const std::string& path, ReadFailure& failure);
bool read(JsonView value, RawJson& out, const std::string& path, ReadFailure& failure);
bool wrong_kind(JsonView value, std::string_view expected, const std::string& path,
                ReadFailure& failure);

template <typename T>
bool read(JsonView value, std::vector<T>& out, const std::string& path, ReadFailure& failure);
template <PayloadRecord T>
bool read(JsonView value, T& out, const std::string& path, ReadFailure& failure);

template <typename T>
struct IsOptional : std::false_type {};
template <typename T>
struct IsOptional<std::optional<T>> : std::true_type {};

// A member of an object: optional members may be absent or null.
template <typename M>
bool read_member(JsonView object, std::string_view name, M& out, const std::string& prefix,
                 ReadFailure& failure) {
  std::string path = prefix.empty() ? std::string(name) : prefix + "." + std::string(name);
  std::optional<JsonView> value = object.member(name);
  if constexpr (IsOptional<M>::value) {
    if (!value || value->is_null()) {
      out.reset();
      return true;
    }
    typename M::value_type inner{};
    if (!read(*value, inner, path, failure)) return false;
    out = std::move(inner);
    return true;
  } else {
    if (!value) {
      failure = {std::move(path), "is missing"};
      return false;
    }
    return read(*value, out, path, failure);
  }
}

template <typename T>
bool read(JsonView value, std::vector<T>& out, const std::string& path, ReadFailure& failure) {
  if (value.kind() != JsonView::Kind::kArray) return wrong_kind(value, "array", path, failure);
  out.clear();
  std::size_t i = 0;
  for (JsonView element : value.elements()) {
    T item{};
    if (!read(element, item, path + "[" + std::to_string(i++) + "]", failure)) return false;
    out.push_back(std::move(item));
  }
  return true;
}

template <PayloadRecord T>
bool read(JsonView value, T& out, const std::string& path, ReadFailure& failure) {
  if (value.kind() != JsonView::Kind::kObject) return wrong_kind(value, "object", path, failure);
  return std::apply(
      [&](const auto&... f) {
        return (read_member(value, f.name, out.*(f.member), path, failure) && ...);
      },
      T::fields());
}

// The data object of `record`, parsed with this thread's parser; valid until the next
// call on the same thread. Corruption when it is not a JSON object.
Result<JsonView> parse_data(const EventRecord& record);
Status malformed_field(const EventRecord& record, const ReadFailure& failure);
Status wrong_type(const EventRecord& record, std::string_view expected);
Status unknown_version(const EventRecord& record, std::uint32_t newest);

template <EventPayload E>
Result<E> decode_version(const EventRecord& record) {
  if (record.version == E::kVersion) {
    auto data = parse_data(record);
    if (!data.ok()) return data.status();
    E out{};
    ReadFailure failure;
    if (!read(*data, out, "", failure)) return malformed_field(record, failure);
    return out;
  }
  if constexpr (Upcastable<E>) {
    using Previous = typename E::Previous;
    static_assert(Previous::kVersion < E::kVersion && Previous::kType == E::kType,
                  "Previous must be an older version of the same event type");
    if (record.version < E::kVersion) {
      auto older = decode_version<Previous>(record);
      if (!older.ok()) return older.status();
      return E::upcast(std::move(older).value());
    }
  }
  return unknown_version(record, E::kVersion);
}

}  // namespace payload_detail

// The payload as the log stores it: compact JSON, fields in declaration order.
template <PayloadRecord T>
std::string encode_payload(const T& payload) {
  JsonWriter w;
  payload_detail::write(w, payload);
  return w.take();
}

// The event to append for `payload`, at the current schema version.
template <EventPayload E>
NewEvent to_new_event(const E& payload) {
  return NewEvent{std::string(E::kType), E::kVersion, encode_payload(payload)};
}

// The payload of a stored event of type E (any version an upcast chain covers).
// Corruption when the record is of another type, of an unknown version, or a field is
// missing or mistyped; the message names the eventId and the field.
template <EventPayload E>
Result<E> decode(const EventRecord& record) {
  if (record.type != E::kType) return payload_detail::wrong_type(record, E::kType);
  return payload_detail::decode_version<E>(record);
}

// The event types of one aggregate (or any set of them), decoded into a variant:
//
//   using InquiryEvent = EventSet<InquiryCreated, InquiryAssigned, ...>;
//   auto event = InquiryEvent::decode(record);        // Result<InquiryEvent::Variant>
//   std::visit(overloaded{[&](const InquiryCreated& e) {...}, ...}, *event);
template <EventPayload... E>
struct EventSet {
  using Variant = std::variant<E...>;

  static constexpr bool contains(std::string_view type) { return ((type == E::kType) || ...); }

  // Corruption when the record is not of one of these types, or as decode<E>.
  static Result<Variant> decode(const EventRecord& record) {
    std::optional<Result<Variant>> out;
    (void)((record.type == E::kType ? (out.emplace(as_variant(events::decode<E>(record))), true)
                                    : false) ||
           ...);
    if (!out) return payload_detail::wrong_type(record, "an event of this aggregate");
    return std::move(*out);
  }

 private:
  template <typename One>
  static Result<Variant> as_variant(Result<One> one) {
    if (!one.ok()) return one.status();
    return Variant(std::move(one).value());
  }
};

// The usual helper for std::visit with lambdas.
template <typename... F>
struct Overloaded : F... {
  using F::operator()...;
};
template <typename... F>
Overloaded(F...) -> Overloaded<F...>;

}  // namespace docket::events
