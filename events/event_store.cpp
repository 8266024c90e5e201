#include "events/event_store.h"

#include "events/rocks_event_store.h"

namespace docket::events {

Result<std::unique_ptr<EventStore>> EventStore::open(const StoreOptions& options) {
  return RocksEventStore::open(options);
}

Result<std::unique_ptr<EventStore>> EventStore::open_read_only(const std::string& path) {
  return RocksEventStore::open_read_only(path);
}

}  // namespace docket::events
