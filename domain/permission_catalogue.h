// The permission seed: the staff permission catalogue (core/auth/permissions.h) recorded
// in the log, so auditors and clients can read which permissions exist.
//
// Stream `permission_catalogue`; event PermissionCatalogueSeeded (domain/account_events.h)
// appended on a start whose catalogue differs from the latest one recorded (first
// start, or after an upgrade added a permission).
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"
#include "domain/account_events.h"
#include "events/event_store.h"

namespace docket::domain {

inline constexpr std::string_view kPermissionCatalogueStream = "permission_catalogue";

// The event of the current catalogue.
PermissionCatalogueSeeded current_permission_catalogue();

// Appends the catalogue when the log does not hold this one yet. Returns true when it
// appended. REQUIRES: not on the writer thread.
Result<bool> seed_permission_catalogue(events::EventStore& store);

}  // namespace docket::domain
