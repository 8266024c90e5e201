#include "core/auth/permissions.h"

#include <simdjson.h>

#include <array>
#include <bit>

#include "core/json_writer.h"

namespace docket::auth {
namespace {

constexpr std::array<PermissionInfo, kPermissionCount> kCatalogue = {{
    {Permission::kSupportInquiriesRead, "SupportInquiries_READ",
     "List and open support inquiries, including guest conversations and their messages."},
    {Permission::kSupportInquiriesUpdate, "SupportInquiries_UPDATE",
     "Reply to, assign, change the status of and link support inquiries to support requests."},
    {Permission::kSupportRequestsRead, "SupportRequests_READ",
     "List and open support requests and their messages."},
    {Permission::kSupportRequestsUpdate, "SupportRequests_UPDATE",
     "Reply to, assign and change the status of support requests."},
    {Permission::kFeedbackRead, "Feedback_READ", "List and open feedback submissions."},
    {Permission::kFeedbackUpdate, "Feedback_UPDATE", "Mark feedback submissions as reviewed."},
    {Permission::kAuditRead, "Audit_READ",
     "Read the audit trail (the event log) and check its hash chain."},
    {Permission::kStaffManage, "Staff_MANAGE",
     "Create staff accounts, change their roles and permissions, and deactivate them."},
    {Permission::kOperationsManage, "Operations_MANAGE",
     "Run operator tasks: backups, projection rebuilds and scheduled-job settings."},
    {Permission::kAgentsManage, "Agents_MANAGE",
     "See every agent and the queue, and change agents' capacity, skills, shift and status."},
    {Permission::kAnalyticsRead, "Analytics_READ",
     "Read support statistics, analytics reports and their exports."},
    {Permission::kDataExport, "Data_EXPORT",
     "Export whole conversations (messages and contact data) in bulk."},
}};

// Invariant: the catalogue is indexed by the enum's value.
constexpr bool catalogue_in_enum_order() {
  for (std::size_t i = 0; i < kCatalogue.size(); ++i) {
    if (static_cast<std::size_t>(kCatalogue[i].permission) != i) return false;
  }
  return true;
}
static_assert(catalogue_in_enum_order());

}  // namespace

std::span<const PermissionInfo> permission_catalogue() {
  return kCatalogue;
}

std::string_view permission_name(Permission p) {
  return kCatalogue[static_cast<std::size_t>(p)].name;
}

std::string_view permission_description(Permission p) {
  return kCatalogue[static_cast<std::size_t>(p)].description;
}

std::optional<Permission> parse_permission(std::string_view name) {
  for (const PermissionInfo& info : kCatalogue) {
    if (info.name == name) return info.permission;
  }
  return std::nullopt;
}

std::size_t PermissionSet::size() const {
  return static_cast<std::size_t>(std::popcount(bits_));
}

std::vector<std::string_view> PermissionSet::names() const {
  std::vector<std::string_view> out;
  for (const PermissionInfo& info : kCatalogue) {
    if (has(info.permission)) out.push_back(info.name);
  }
  return out;
}

std::string PermissionSet::to_json() const {
  JsonWriter w;
  w.begin_array();
  for (std::string_view name : names())
    w.value(name);
  w.end_array();
  return w.take();
}

Result<PermissionSet> PermissionSet::from_names(std::span<const std::string_view> names,
                                                std::vector<std::string>* unknown_names) {
  PermissionSet set;
  std::string unknown;
  for (std::string_view name : names) {
    if (std::optional<Permission> p = parse_permission(name)) {
      set.add(*p);
      continue;
    }
    if (!unknown.empty()) unknown += ", ";
    unknown += name;
    if (unknown_names != nullptr) unknown_names->emplace_back(name);
  }
  if (!unknown.empty()) return Status::InvalidArgument("unknown permissions: " + unknown);
  return set;
}

Result<PermissionSet> PermissionSet::from_json(std::string_view json_array,
                                               std::vector<std::string>* unknown_names) {
  static constexpr std::string_view kShape = "permissions must be a JSON array of names";
  simdjson::dom::parser parser;
  simdjson::dom::array array;
  if (parser.parse(json_array.data(), json_array.size()).get_array().get(array) !=
      simdjson::SUCCESS) {
    return Status::InvalidArgument(kShape);
  }
  std::vector<std::string_view> names;
  names.reserve(array.size());
  for (simdjson::dom::element item : array) {
    std::string_view name;
    if (item.get_string().get(name) != simdjson::SUCCESS) return Status::InvalidArgument(kShape);
    names.push_back(name);
  }
  return from_names(names, unknown_names);
}

std::optional<PermissionSet> role_preset(std::string_view role) {
  if (role == kRoleAdmin) return PermissionSet::all();
  if (role == kRoleAgent) {
    return PermissionSet{Permission::kSupportInquiriesRead, Permission::kSupportInquiriesUpdate,
                         Permission::kSupportRequestsRead, Permission::kSupportRequestsUpdate,
                         Permission::kFeedbackRead};
  }
  return std::nullopt;
}

}  // namespace docket::auth
