// libFuzzer: the stored event envelope (events/event.h, decode_event) and every typed
// event decoder of the domain (events/payload.h). Input: one selector byte, then bytes.
// Selector 0: the bytes are a whole stored record. Otherwise they are a payload (`data`)
// decoded as the event type the selector picks, at version 1 or the newest.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "domain/account_events.h"
#include "domain/agent_events.h"
#include "domain/attachment_events.h"
#include "domain/feedback_events.h"
#include "domain/journey_events.h"
#include "domain/sla_events.h"
#include "domain/support_inquiry_events.h"
#include "domain/support_request_events.h"
#include "events/event.h"

namespace {

using docket::events::EventRecord;

struct Decoder {
  std::string_view type;
  std::uint32_t newest;
  bool (*decode)(const EventRecord&);
};

template <typename E>
bool decode_one(const EventRecord& record) {
  return docket::events::decode<E>(record).ok();
}

template <typename... E>
void add_set(docket::events::EventSet<E...>*, std::vector<Decoder>& out) {
  (out.push_back(Decoder{E::kType, E::kVersion, &decode_one<E>}), ...);
}

const std::vector<Decoder>& decoders() {
  static const std::vector<Decoder> all = [] {
    namespace d = docket::domain;
    std::vector<Decoder> v;
    add_set(static_cast<d::AccountEvent*>(nullptr), v);
    add_set(static_cast<d::AgentEvent*>(nullptr), v);
    add_set(static_cast<d::AttachmentEvent*>(nullptr), v);
    add_set(static_cast<d::FeedbackEvent*>(nullptr), v);
    add_set(static_cast<d::JourneyEvent*>(nullptr), v);
    add_set(static_cast<d::SlaConfigEvent*>(nullptr), v);
    add_set(static_cast<d::SupportInquiryEvent*>(nullptr), v);
    add_set(static_cast<d::SupportRequestEvent*>(nullptr), v);
    return v;
  }();
  return all;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (data[0] == 0) {
    auto record = docket::events::decode_event(input);
    if (record.ok()) {
      // A decoded record's payload goes through its type's decoder, if it has one.
      for (const Decoder& d : decoders()) {
        if (d.type == record->type) (void)d.decode(*record);
      }
    }
    return 0;
  }
  const auto& all = decoders();
  const Decoder& d = all[(data[0] - 1u) / 2 % all.size()];
  EventRecord record;
  record.eventId = 1;
  record.type = std::string(d.type);
  record.version = data[0] % 2 == 0 ? 1 : d.newest;
  record.stream = "fuzz-1";
  record.data = std::string(input);
  (void)d.decode(record);
  return 0;
}
