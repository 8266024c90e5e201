#include "projections/satisfaction.h"

#include "projections/sqlite.h"

namespace docket::projections {

std::optional<SatisfactionRow> read_satisfaction(const Statement& st, int first) {
  if (st.column_is_null(first)) return std::nullopt;
  return SatisfactionRow{st.column_int64(first), st.column_optional_text(first + 1),
                         std::string(st.column_text(first + 2))};
}

}  // namespace docket::projections
