#include "http/read_fence.h"

#include "events/event_store.h"

namespace docket::http {

std::uint64_t StoreReadFence::head() const {
  return store_.head();
}

std::uint64_t StoreReadFence::applied() const {
  return store_.applied();
}

void StoreReadFence::when_applied(std::uint64_t id, std::function<void()> then) {
  store_.when_applied(id, std::move(then));
}

}  // namespace docket::http
