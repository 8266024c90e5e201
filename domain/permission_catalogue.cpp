#include "domain/permission_catalogue.h"

#include "core/auth/permissions.h"
#include "core/json_writer.h"

namespace docket::domain {

std::string permission_catalogue_json() {
  JsonWriter w;
  w.begin_object().key("permissions").begin_array();
  for (const auto& info : auth::permission_catalogue()) {
    w.begin_object().field("name", info.name).field("description", info.description).end_object();
  }
  w.end_array().end_object();
  return w.take();
}

Result<bool> seed_permission_catalogue(events::EventStore& store) {
  const std::string data = permission_catalogue_json();
  const std::string stream(kPermissionCatalogueStream);
  auto version = store.stream_version(stream);
  if (!version.ok()) return version.status();
  if (*version > 0) {
    auto latest = store.read_stream(stream, *version, 1);
    if (!latest.ok()) return latest.status();
    if (!latest->empty() && latest->front().data == data) return false;
  }
  events::AppendRequest req;
  req.streams.push_back({stream, *version, {{std::string(kPermissionCatalogueSeeded), 1, data}}});
  auto appended = store.append(std::move(req));
  if (!appended.ok()) return appended.status();
  return true;
}

}  // namespace docket::domain
