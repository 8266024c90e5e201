// CommandMeta: who issues a domain command and where it came from.
//
// Every command takes one; it becomes the actor and meta of the events the command
// appends. A value type; never holds a secret.
#pragma once

#include "events/event.h"
#include "events/event_store.h"

namespace docket::domain {

struct CommandMeta {
  events::Actor actor;          // system when not set
  events::RequestMeta request;  // request id, client IP, user agent
  // The client's retry key, scoped to the caller and to this command of its request
  // (http/idempotency.h); empty: none. Not in the events.
  events::IdempotencyMark idempotency;
};

}  // namespace docket::domain
