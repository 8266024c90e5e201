// ApiContext: what the domain routes share — the log, the read models, the clock, the
// token issuer and the password work pool — and the small helpers every handler uses.
//
// Built once at start-up by the server runtime; every member outlives the HTTP server.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/api_error.h"
#include "core/clock.h"
#include "core/mail.h"
#include "core/status.h"
#include "domain/command_meta.h"
#include "domain/support_request.h"
#include "http/request_context.h"

namespace docket::events {
class EventStore;
}
namespace docket::projections {
class ProjectionEngine;
class ReaderPool;
class PooledLease;
}  // namespace docket::projections

namespace docket::http {

class PasswordWork;
class TokenIssuer;

struct ApiContext {
  events::EventStore& store;
  projections::ProjectionEngine& engine;
  projections::ReaderPool& readers;
  const Clock& clock;
  const TokenIssuer& tokens;
  PasswordWork& passwords;
  // Support request categories and their automatic priorities (DOCKET_SUPPORT_CATEGORIES).
  std::vector<domain::CategoryPriority> categories;
  // Queues an e-mail (core/mail.h; the server wires the scheduler's outbox and wakes
  // its delivery worker). Empty in tests that need no mail.
  QueueMail send_mail;
  // DOCKET_QUEUE_DEFAULT_CAPACITY and DOCKET_QUEUE_REQUEUE_ON_AWAY.
  std::uint32_t default_capacity = 5;
  bool requeue_on_away = false;
  // DOCKET_CSAT_WINDOW_DAYS: how long after its end a conversation may be rated.
  UnixMillis csat_window_ms = 7LL * 86'400'000;
};

// The actor and request metadata of the events a request's command appends: the
// identity from the guard, the request id, the client IP and the User-Agent (at most
// 256 bytes); with an Idempotency-Key, the key of the request's next command (each call
// counts one command).
domain::CommandMeta command_meta(const RequestContext& ctx);

// A lease on a read connection, or throws 503 SERVICE_UNAVAILABLE.
projections::PooledLease read_lease(ApiContext& api);

// For a Status that is not the caller's fault (storage, an unexpected state): logs it
// and returns 500 INTERNAL_ERROR, or 503 for Unavailable (the log is closing).
ApiError unexpected(const Status& status, std::string_view what);

}  // namespace docket::http
