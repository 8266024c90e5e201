// Running a domain command from a route: the one command path of the API.
//
//   auto executed = run_command(api, ctx, domain::AssignInquiry{id, assignee});
//
// The decision runs on the writer thread (domain/command.h) with the request's actor
// and metadata; a refusal becomes its ApiError through the one table of
// domain/refusal.h; a storage failure is logged and answered 500 (503 while the log
// closes). Throws the ApiError; returns what was committed.
#pragma once

#include <optional>
#include <string_view>

#include "core/api_error.h"
#include "domain/command.h"
#include "domain/refusal.h"
#include "http/api_context.h"

namespace docket::http {

// The API's answer to a refusal: describe(refusal)'s status and errorCode, with
// `message` (or the table's); a refusal about one field is a VALIDATION_ERROR naming it.
ApiError refusal_error(domain::Refusal refusal, std::string_view message = {});

// The ApiError for a failed command: its refusal's, or unexpected() for the rest.
ApiError command_error(const Status& status, std::string_view command);

template <domain::DomainCommand Command>
domain::Executed run_command(ApiContext& api, const RequestContext& ctx, const Command& command) {
  auto executed = domain::execute(api.store, command, command_meta(ctx));
  if (!executed.ok()) throw command_error(executed.status(), Command::kName);
  return std::move(executed).value();
}

// As run_command, but `tolerated` (a refusal meaning "nothing to do", such as revoking
// a token twice) answers nullopt instead of an error.
template <domain::DomainCommand Command>
std::optional<domain::Executed> run_command_unless(ApiContext& api, const RequestContext& ctx,
                                                   const Command& command,
                                                   domain::Refusal tolerated) {
  auto executed = domain::execute(api.store, command, command_meta(ctx));
  if (executed.ok()) return std::move(executed).value();
  if (domain::refusal_of(executed.status()) == tolerated) return std::nullopt;
  throw command_error(executed.status(), Command::kName);
}

}  // namespace docket::http
