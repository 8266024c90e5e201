#include "http/client_ip.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cstring>

#include "http/text.h"

namespace docket::http {

std::optional<IpBytes> parse_ip(std::string_view text) {
  // inet_pton needs a NUL-terminated string; addresses are short.
  char buf[INET6_ADDRSTRLEN + 1];
  if (text.empty() || text.size() >= sizeof buf) return std::nullopt;
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  IpBytes out{};
  in_addr v4;
  if (::inet_pton(AF_INET, buf, &v4) == 1) {
    out[10] = 0xFF;
    out[11] = 0xFF;
    std::memcpy(out.data() + 12, &v4, 4);
    return out;
  }
  in6_addr v6;
  if (::inet_pton(AF_INET6, buf, &v6) == 1) {
    std::memcpy(out.data(), &v6, 16);
    return out;
  }
  return std::nullopt;
}

TrustedProxies::TrustedProxies(const std::vector<std::string>& addresses) {
  for (const std::string& a : addresses) {
    if (auto ip = parse_ip(trim(a))) addresses_.push_back(*ip);
  }
}

bool TrustedProxies::contains(std::string_view ip) const {
  const std::optional<IpBytes> bytes = parse_ip(ip);
  if (!bytes) return false;
  return std::find(addresses_.begin(), addresses_.end(), *bytes) != addresses_.end();
}

std::string_view resolve_client_ip(std::string_view peer_ip, std::string_view forwarded_for,
                                   const TrustedProxies& proxies) {
  if (proxies.empty() || forwarded_for.empty() || !proxies.contains(peer_ip)) return peer_ip;
  std::string_view client = peer_ip;
  std::string_view rest = forwarded_for;
  while (!rest.empty()) {
    const std::size_t comma = rest.rfind(',');
    const std::string_view entry =
        trim(comma == std::string_view::npos ? rest : rest.substr(comma + 1));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(0, comma);
    if (!parse_ip(entry)) return client;
    client = entry;
    if (!proxies.contains(entry)) return client;
  }
  return client;
}

}  // namespace docket::http
