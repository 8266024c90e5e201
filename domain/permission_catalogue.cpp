#include "domain/permission_catalogue.h"

#include "core/auth/permissions.h"

namespace docket::domain {

PermissionCatalogueSeeded current_permission_catalogue() {
  PermissionCatalogueSeeded event;
  for (const auto& info : auth::permission_catalogue()) {
    event.permissions.push_back({std::string(info.name), std::string(info.description)});
  }
  return event;
}

Result<bool> seed_permission_catalogue(events::EventStore& store) {
  const events::NewEvent event = events::to_new_event(current_permission_catalogue());
  const std::string stream(kPermissionCatalogueStream);
  auto version = store.stream_version(stream);
  if (!version.ok()) return version.status();
  if (*version > 0) {
    auto latest = store.read_stream(stream, *version, 1);
    if (!latest.ok()) return latest.status();
    if (!latest->empty() && latest->front().data == event.data) return false;
  }
  events::AppendRequest req;
  req.streams.push_back({stream, *version, {event}});
  auto appended = store.append(std::move(req));
  if (!appended.ok()) return appended.status();
  return true;
}

}  // namespace docket::domain
