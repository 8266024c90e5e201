#include "core/auth/jwt_error.h"

#include <cassert>
#include <string>

namespace docket::auth {

std::string_view jwt_error_name(JwtError error) {
  switch (error) {
    case JwtError::kNone:
      return "none";
    case JwtError::kTooLarge:
      return "too_large";
    case JwtError::kMalformed:
      return "malformed";
    case JwtError::kAlgNone:
      return "alg_none";
    case JwtError::kAlgorithmNotAllowed:
      return "algorithm_not_allowed";
    case JwtError::kUnknownKey:
      return "unknown_key";
    case JwtError::kBadSignature:
      return "bad_signature";
    case JwtError::kMissingClaim:
      return "missing_claim";
    case JwtError::kExpired:
      return "expired";
    case JwtError::kNotYetValid:
      return "not_yet_valid";
    case JwtError::kWrongIssuer:
      return "wrong_issuer";
    case JwtError::kWrongAudience:
      return "wrong_audience";
    case JwtError::kInternal:
      return "internal";
  }
  return "unknown";
}

Status jwt_error_status(JwtError error, std::string_view detail) {
  assert(error != JwtError::kNone);
  std::string msg = "jwt ";
  msg += jwt_error_name(error);
  msg += ": ";
  msg += detail;
  if (error == JwtError::kInternal) return Status::Internal(msg);
  return Status::InvalidArgument(msg);
}

}  // namespace docket::auth
