#include "core/auth/jwt_json.h"

#include <simdjson.h>

#include <cassert>
#include <cmath>
#include <cstdint>

#include "core/json_writer.h"

namespace docket::auth::jwt_json {
namespace {

// 9999-12-31T23:59:59Z: the largest NumericDate accepted, so that seconds * 1000 and
// seconds + leeway never overflow.
constexpr std::int64_t kMaxNumericDate = 253402300799;

simdjson::dom::parser& thread_parser() {
  thread_local simdjson::dom::parser parser;
  return parser;
}

// Parses `json` as an object with the calling thread's parser. The result stays valid
// until the thread's next parse.
JwtError parse_object(const std::string& json, std::string_view what, simdjson::dom::object& out,
                      std::string& detail) {
  assert(json.capacity() >= json.size() + simdjson::SIMDJSON_PADDING);
  simdjson::dom::element root;
  if (thread_parser().parse(json.data(), json.size(), false).get(root) != simdjson::SUCCESS) {
    detail = std::string(what) + " is not valid JSON";
    return JwtError::kMalformed;
  }
  if (root.get_object().get(out) != simdjson::SUCCESS) {
    detail = std::string(what) + " is not a JSON object";
    return JwtError::kMalformed;
  }
  return JwtError::kNone;
}

JwtError wrong_type(std::string_view claim, std::string_view expected, std::string& detail) {
  detail = "claim ";
  detail += claim;
  detail += " must be ";
  detail += expected;
  return JwtError::kMalformed;
}

JwtError repeated(std::string_view member, std::string& detail) {
  detail = "member ";
  detail += member;
  detail += " appears more than once";
  return JwtError::kMalformed;
}

bool read_string(simdjson::dom::element value, std::string& out) {
  std::string_view s;
  if (value.get_string().get(s) != simdjson::SUCCESS) return false;
  out.assign(s);
  return true;
}

// A NumericDate: an integer or a finite decimal in [0, kMaxNumericDate], truncated.
bool read_numeric_date(simdjson::dom::element value, std::int64_t& out) {
  switch (value.type()) {
    case simdjson::dom::element_type::INT64: {
      const std::int64_t v = value.get_int64().value_unsafe();
      if (v < 0 || v > kMaxNumericDate) return false;
      out = v;
      return true;
    }
    case simdjson::dom::element_type::DOUBLE: {
      const double v = value.get_double().value_unsafe();
      if (!std::isfinite(v) || v < 0 || v > static_cast<double>(kMaxNumericDate)) return false;
      out = static_cast<std::int64_t>(v);
      return true;
    }
    default:
      return false;  // UINT64 is above kMaxNumericDate; anything else is not a number
  }
}

// Bits for registered members already seen, to refuse repeats.
enum Seen : unsigned {
  kSeenSub = 1u << 0,
  kSeenRole = 1u << 1,
  kSeenIss = 1u << 2,
  kSeenAud = 1u << 3,
  kSeenExp = 1u << 4,
  kSeenNbf = 1u << 5,
  kSeenIat = 1u << 6,
};

bool first_time(unsigned& seen, unsigned bit) {
  if (seen & bit) return false;
  seen |= bit;
  return true;
}

JwtError read_audience(simdjson::dom::element value, std::string_view expected, Payload& out,
                       std::string& detail) {
  out.has_aud = true;
  std::string_view s;
  if (value.get_string().get(s) == simdjson::SUCCESS) {
    out.claims.aud.assign(s);
    out.aud_matched = s == expected;
    return JwtError::kNone;
  }
  simdjson::dom::array list;
  if (value.get_array().get(list) != simdjson::SUCCESS) {
    return wrong_type("aud", "a string or an array of strings", detail);
  }
  std::string_view first;
  for (simdjson::dom::element item : list) {
    if (item.get_string().get(s) != simdjson::SUCCESS) {
      return wrong_type("aud", "a string or an array of strings", detail);
    }
    if (first.empty()) first = s;
    if (s == expected) out.aud_matched = true;
  }
  out.claims.aud.assign(out.aud_matched ? expected : first);
  return JwtError::kNone;
}

}  // namespace

void reserve_for_parse(std::string& s, std::size_t size_hint) {
  s.reserve(size_hint + simdjson::SIMDJSON_PADDING);
}

JwtError parse_header(const std::string& json, Header& out, std::string& detail) {
  simdjson::dom::object object;
  if (JwtError e = parse_object(json, "header", object, detail); e != JwtError::kNone) return e;
  bool has_alg = false;
  for (simdjson::dom::key_value_pair member : object) {
    if (member.key == "alg") {
      if (has_alg) return repeated("alg", detail);
      has_alg = true;
      if (!read_string(member.value, out.alg)) {
        detail = "header alg must be a string";
        return JwtError::kMalformed;
      }
    } else if (member.key == "kid") {
      if (out.has_kid) return repeated("kid", detail);
      out.has_kid = true;
      if (!read_string(member.value, out.kid)) {
        detail = "header kid must be a string";
        return JwtError::kMalformed;
      }
    } else if (member.key == "crit") {
      detail = "header crit names extensions that are not supported";
      return JwtError::kMalformed;
    }
  }
  if (!has_alg) {
    detail = "header has no alg";
    return JwtError::kMalformed;
  }
  return JwtError::kNone;
}

JwtError parse_payload(const std::string& json, std::string_view expected_audience, Payload& out,
                       std::string& detail) {
  simdjson::dom::object object;
  if (JwtError e = parse_object(json, "payload", object, detail); e != JwtError::kNone) {
    return e;
  }
  unsigned seen = 0;
  JwtClaims& c = out.claims;
  for (simdjson::dom::key_value_pair member : object) {
    const std::string_view key = member.key;
    if (key == "sub") {
      if (!first_time(seen, kSeenSub)) return repeated(key, detail);
      if (!read_string(member.value, c.sub)) return wrong_type(key, "a string", detail);
      out.has_sub = true;
    } else if (key == "role") {
      if (!first_time(seen, kSeenRole)) return repeated(key, detail);
      if (!read_string(member.value, c.role)) return wrong_type(key, "a string", detail);
    } else if (key == "iss") {
      if (!first_time(seen, kSeenIss)) return repeated(key, detail);
      if (!read_string(member.value, c.iss)) return wrong_type(key, "a string", detail);
      out.has_iss = true;
    } else if (key == "aud") {
      if (!first_time(seen, kSeenAud)) return repeated(key, detail);
      if (JwtError e = read_audience(member.value, expected_audience, out, detail);
          e != JwtError::kNone) {
        return e;
      }
    } else if (key == "exp") {
      if (!first_time(seen, kSeenExp)) return repeated(key, detail);
      if (!read_numeric_date(member.value, c.exp)) return wrong_type(key, "a NumericDate", detail);
      out.has_exp = true;
    } else if (key == "nbf" || key == "iat") {
      if (!first_time(seen, key == "nbf" ? kSeenNbf : kSeenIat)) return repeated(key, detail);
      std::int64_t v = 0;
      if (!read_numeric_date(member.value, v)) return wrong_type(key, "a NumericDate", detail);
      (key == "nbf" ? c.nbf : c.iat) = v;
    }
  }
  return JwtError::kNone;
}

std::string write_payload(const JwtClaims& claims) {
  JsonWriter w;
  w.begin_object().field("sub", claims.sub);
  if (!claims.role.empty()) w.field("role", claims.role);
  w.field("iss", claims.iss).field("aud", claims.aud);
  if (claims.iat) w.field("iat", *claims.iat);
  if (claims.nbf) w.field("nbf", *claims.nbf);
  w.field("exp", claims.exp).end_object();
  return w.take();
}

}  // namespace docket::auth::jwt_json
