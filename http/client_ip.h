// The client address of a request, behind trusted reverse proxies.
//
// X-Forwarded-For is believed only when the TCP peer is a configured trusted proxy;
// then the header is read from the right, skipping further trusted proxies, and the
// first address that is not one is the client. A malformed entry stops the walk at the
// last address known good. Anyone else's X-Forwarded-For is ignored, so a client cannot
// choose the address that rate limits and audit records see. Immutable; thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace docket::http {

// IPv4 and IPv6 addresses as 16 bytes (IPv4 in its IPv4-mapped IPv6 form), so
// "127.0.0.1" and "::ffff:127.0.0.1" compare equal.
using IpBytes = std::array<std::uint8_t, 16>;
std::optional<IpBytes> parse_ip(std::string_view text);

class TrustedProxies {
 public:
  TrustedProxies() = default;
  // Entries that are not IP addresses are ignored (config validation rejects them).
  explicit TrustedProxies(const std::vector<std::string>& addresses);

  bool empty() const { return addresses_.empty(); }
  bool contains(std::string_view ip) const;

 private:
  std::vector<IpBytes> addresses_;
};

// The client address as described above. The result views `peer_ip` or
// `forwarded_for`.
std::string_view resolve_client_ip(std::string_view peer_ip, std::string_view forwarded_for,
                                   const TrustedProxies& proxies);

}  // namespace docket::http
