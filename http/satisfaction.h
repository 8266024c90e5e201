// Customer satisfaction on the wire (docs/analytics.md, "Customer satisfaction"): the
// body of POST …/satisfaction and the `satisfaction` member of request and inquiry
// answers.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "http/contract.h"
#include "http/shape.h"
#include "projections/satisfaction.h"

namespace docket::http {

struct RatingBody {
  std::int64_t rating = 0;
  std::optional<std::string> comment;
};

// {rating: 1-5, comment?: text of at most 2,000 characters, line breaks allowed}.
std::shared_ptr<const BodyContract<RatingBody>> rating_contract();

// {rating, comment, ratedAt}.
const Shape<projections::SatisfactionRow>& satisfaction_shape();

}  // namespace docket::http
