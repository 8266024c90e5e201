// Request ids: the correlation id carried in X-Request-Id, the error contract and logs.
//
// A client may supply its own id; it is kept when well-formed (1–64 characters of
// [A-Za-z0-9._-]) and replaced by a generated one otherwise, so ids are always safe to
// echo in headers and logs. Thread-safe.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace docket::http {

inline constexpr std::size_t kMaxRequestIdLength = 64;

// True for 1–64 characters of [A-Za-z0-9._-].
bool is_valid_request_id(std::string_view id);

// A request id stored inline, so carrying one costs no allocation. A value type.
class RequestId {
 public:
  RequestId() = default;
  // REQUIRES: is_valid_request_id(id).
  explicit RequestId(std::string_view id);

  std::string_view view() const { return {chars_.data(), size_}; }
  bool empty() const { return size_ == 0; }

 private:
  std::array<char, kMaxRequestIdLength> chars_{};
  std::uint8_t size_ = 0;
};

// A new id: 32 lower-case hex characters. Unique across threads and restarts (a random
// 64-bit prefix per thread, drawn from the OS CSPRNG, and a per-thread counter passed
// through a bijective mixer). Ids are correlation handles, not secrets.
RequestId generate_request_id();

// `from_header` when it is a valid id, otherwise generate_request_id().
RequestId choose_request_id(std::optional<std::string_view> from_header);

}  // namespace docket::http
