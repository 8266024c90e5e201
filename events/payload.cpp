#include "events/payload.h"

#include <fmt/format.h>

namespace docket::events::payload_detail {

void write(JsonWriter& w, std::int64_t v) {
  w.value(v);
}

void write(JsonWriter& w, bool v) {
  w.value(v);
}

void write(JsonWriter& w, const std::string& v) {
  w.value(v);
}

void write(JsonWriter& w, const RawJson& v) {
  w.raw(v.text);
}

bool wrong_kind(JsonView value, std::string_view expected, const std::string& path,
                ReadFailure& failure) {
  failure = {path, fmt::format("is {}, not {}", JsonView::kind_name(value.kind()), expected)};
  return false;
}

bool read(JsonView value, std::int64_t& out, const std::string& path, ReadFailure& failure) {
  auto v = value.int64();
  if (!v) return wrong_kind(value, "an integer", path, failure);
  out = *v;
  return true;
}

bool read(JsonView value, bool& out, const std::string& path, ReadFailure& failure) {
  auto v = value.boolean();
  if (!v) return wrong_kind(value, "a boolean", path, failure);
  out = *v;
  return true;
}

bool read(JsonView value, std::string& out, const std::string& path, ReadFailure& failure) {
  auto v = value.string();
  if (!v) return wrong_kind(value, "a string", path, failure);
  out.assign(*v);
  return true;
}

bool read(JsonView value, RawJson& out, const std::string& /*path*/, ReadFailure& /*failure*/) {
  out.text = value.minified();
  return true;
}

Result<JsonView> parse_data(const EventRecord& record) {
  thread_local JsonDocument document;  // buffers reused from event to event
  auto root = document.parse(record.data);
  if (!root.ok() || root->kind() != JsonView::Kind::kObject) {
    return Status::Corruption(fmt::format("event {} ({}) of {}: data is not a JSON object",
                                          record.eventId, record.type, record.stream));
  }
  return root;
}

Status malformed_field(const EventRecord& record, const ReadFailure& failure) {
  return Status::Corruption(fmt::format("event {} ({}) of {}: field {} {}", record.eventId,
                                        record.type, record.stream, failure.path, failure.what));
}

Status wrong_type(const EventRecord& record, std::string_view expected) {
  return Status::Corruption(fmt::format("event {} of {} is {}, expected {}", record.eventId,
                                        record.stream, record.type, expected));
}

Status unknown_version(const EventRecord& record, std::uint32_t newest) {
  return Status::Corruption(
      fmt::format("event {} ({}) of {}: schema version {} is not one this build reads (newest: {})",
                  record.eventId, record.type, record.stream, record.version, newest));
}

}  // namespace docket::events::payload_detail
