// libFuzzer: journey definitions (parse, validate) and walking answers over them.
// Input: a definition, then a NUL byte, then answers JSON (both optional); when the
// definition validates, the answers are walked and the subject and summary rendered.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/json_view.h"
#include "domain/journey_graph.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t nul = input.find('\0');
  const std::string_view definition = input.substr(0, nul);
  const std::string_view answers =
      nul == std::string_view::npos ? std::string_view("{}") : input.substr(nul + 1);
  docket::JsonDocument doc;
  auto root = doc.parse(definition);
  if (!root.ok()) return 0;
  const docket::domain::ParsedJourney parsed = docket::domain::parse_journey(*root);
  const auto problems = docket::domain::validate_journey(parsed, {{"general", "billing"}});
  if (!problems.empty()) return 0;
  docket::JsonDocument answer_doc;
  auto given = answer_doc.parse(answers);
  if (!given.ok()) return 0;
  const auto walk = docket::domain::walk_journey(parsed.graph, *given);
  if (walk.end) {
    (void)docket::domain::journey_subject(walk, "fallback", 200);
    (void)docket::domain::journey_summary(walk);
    (void)docket::domain::path_answers_json(walk);
  }
  return 0;
}
