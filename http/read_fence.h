// ReadFence: what a request waits for so that it sees every acknowledged write.
//
// A command may be acknowledged as soon as it is durable (commit_durable), before the
// read models hold it. A read issued after that acknowledgement must still see it, so
// the service holds every GET and HEAD until the read models have applied the log's
// head as it was when the request arrived — usually already the case, otherwise a
// millisecond or two — and any request that names an eventId in X-Docket-Min-Event-Id
// until they have applied that one. The request waits without holding its thread
// (decision 0021).
//
// Thread-safe.
#pragma once

#include <cstdint>
#include <functional>

namespace docket::events {
class EventStore;
}  // namespace docket::events

namespace docket::http {

class ReadFence {
 public:
  virtual ~ReadFence() = default;
  // The last durable eventId (every acknowledged write is at or below it).
  virtual std::uint64_t head() const = 0;
  // The last eventId the read models hold.
  virtual std::uint64_t applied() const = 0;
  // Runs `then` (on any thread; it must only hand work on) once applied() >= id.
  virtual void when_applied(std::uint64_t id, std::function<void()> then) = 0;
};

// The fence of an event store: its head and its commit observers' progress.
class StoreReadFence final : public ReadFence {
 public:
  explicit StoreReadFence(events::EventStore& store) : store_(store) {}
  std::uint64_t head() const override;
  std::uint64_t applied() const override;
  void when_applied(std::uint64_t id, std::function<void()> then) override;

 private:
  events::EventStore& store_;
};

}  // namespace docket::http
