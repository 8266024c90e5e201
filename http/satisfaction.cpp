#include "http/satisfaction.h"

namespace docket::http {

std::shared_ptr<const BodyContract<RatingBody>> rating_contract() {
  auto c = std::make_shared<BodyContract<RatingBody>>();
  c->field(Integer("rating").range(1, 5).describe("1 (poor) to 5 (excellent)"), &RatingBody::rating)
      .field(Text("comment").length(1, 2000).with_line_breaks(), &RatingBody::comment);
  return c;
}

const Shape<projections::SatisfactionRow>& satisfaction_shape() {
  static const Shape<projections::SatisfactionRow> shape = [] {
    using S = projections::SatisfactionRow;
    Shape<S> s;
    s.field("rating", &S::rating)
        .field("comment", &S::comment)
        .field("ratedAt", &S::ratedAt, {.format = "date-time"});
    return s;
  }();
  return shape;
}

}  // namespace docket::http
