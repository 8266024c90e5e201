#include "domain/sla_breach.h"

#include "core/time_format.h"
#include "domain/append.h"
#include "domain/refusal.h"
#include "domain/support_inquiry.h"
#include "domain/support_request.h"

namespace docket::domain {
namespace {

const TargetClock& target_clock(const SlaClock& clock, SlaTarget target) {
  if (target == SlaTarget::kFirstResponse) return clock.firstResponse;
  if (target == SlaTarget::kResolution) return clock.resolution;
  return *clock.nextResponse;  // sla_breach refused a missing one
}

// The breach decided on `sla` (a copy of the item's clock): the clock after it, the
// priority it escalates to and the note.
struct Breach {
  SlaClock clock;
  std::optional<std::string> from;
  std::optional<std::string> to;
  std::string note;
};

Result<Breach> decide_breach(const events::StagedView& view, const std::optional<SlaClock>& sla,
                             std::string_view priority, const RecordSlaBreach& c) {
  if (!sla) return refuse(Refusal::kSlaNotDue);
  Breach b{*sla, std::nullopt, std::nullopt, {}};
  if (Status s = sla_breach(b.clock, c.target, c.dueAt, view.now_ms()); !s.ok()) return s;
  const TargetClock breached = target_clock(b.clock, c.target);
  if (c.escalate && priority != "urgent") {
    b.from = std::string(priority);
    b.to = escalated_priority(priority);
    auto terms = load_sla_terms(view, b.clock);
    if (!terms.ok()) return terms.status();
    if (Status s = sla_priority_change(b.clock, *terms, *b.to); !s.ok()) return s;
  }
  b.note = sla_breach_note(c.target, breached, b.from, b.to);
  return b;
}

}  // namespace

Result<events::AppendRequest> decide(const events::StagedView& view, const RecordSlaBreach& c,
                                     const CommandMeta& meta) {
  const std::string target(sla_target_name(c.target));
  const std::string due = format_iso8601(c.dueAt);
  auto req = start_append(meta);
  if (c.kind == WorkKind::kSupportRequest) {
    auto r = load_support_request(view, c.itemId);
    if (!r.ok()) return r.status();
    auto b = decide_breach(view, r->sla, r->priority, c);
    if (!b.ok()) return b.status();
    auto& stream = open_stream(req, support_request_stream(r->id), r->version);
    add_event(stream, SupportRequestSlaBreached{r->id, target, due, b->from, b->to, b->note,
                                                r->customerId, r->assignedAdminId});
    if (b->to)
      add_event(stream, SupportRequestPriorityChanged{r->id, *b->from, *b->to, "sla_escalation"});
    add_event(stream, SupportRequestSlaUpdated{r->id, "breached", sla_clock_record(b->clock)});
    return req;
  }
  auto i = load_support_inquiry(view, c.itemId);
  if (!i.ok()) return i.status();
  auto b = decide_breach(view, i->sla, i->priority, c);
  if (!b.ok()) return b.status();
  auto& stream = open_stream(req, support_inquiry_stream(i->id), i->version);
  add_event(stream, InquirySlaBreached{i->id, target, due, b->from, b->to, b->note, i->customerId,
                                       i->assignedAdminId});
  if (b->to) add_event(stream, InquiryPriorityChanged{i->id, *b->from, *b->to, "sla_escalation"});
  add_event(stream, InquirySlaUpdated{i->id, "breached", sla_clock_record(b->clock)});
  return req;
}

}  // namespace docket::domain
