#include "realtime/rooms.h"

#include <algorithm>
#include <cassert>
#include <mutex>

namespace docket::realtime {

bool RoomRegistry::join(std::string_view room, const std::shared_ptr<Connection>& connection) {
  assert(connection != nullptr);
  const std::string& id = connection->id();
  std::unique_lock lock(mu_);
  auto room_it = rooms_.find(room);
  if (room_it == rooms_.end()) room_it = rooms_.emplace(std::string(room), Members{}).first;
  const bool added = room_it->second.emplace(id, connection).second;
  if (added) {
    auto member_it = memberships_.find(id);
    if (member_it == memberships_.end()) member_it = memberships_.emplace(id, Names{}).first;
    member_it->second.emplace(room);
  }
  return added;
}

bool RoomRegistry::erase_member(std::string_view room, std::string_view connection_id) {
  auto room_it = rooms_.find(room);
  if (room_it == rooms_.end()) return false;
  auto member = room_it->second.find(connection_id);
  if (member == room_it->second.end()) return false;
  room_it->second.erase(member);
  if (room_it->second.empty()) rooms_.erase(room_it);
  return true;
}

bool RoomRegistry::leave(std::string_view room, std::string_view connection_id) {
  std::unique_lock lock(mu_);
  if (!erase_member(room, connection_id)) return false;
  auto member_it = memberships_.find(connection_id);
  if (member_it != memberships_.end()) {
    if (auto name = member_it->second.find(room); name != member_it->second.end()) {
      member_it->second.erase(name);
    }
    if (member_it->second.empty()) memberships_.erase(member_it);
  }
  return true;
}

std::size_t RoomRegistry::leave_all(std::string_view connection_id) {
  std::unique_lock lock(mu_);
  auto member_it = memberships_.find(connection_id);
  if (member_it == memberships_.end()) return 0;
  std::size_t left = 0;
  for (const std::string& room : member_it->second) {
    if (erase_member(room, connection_id)) ++left;
  }
  memberships_.erase(member_it);
  return left;
}

std::vector<std::shared_ptr<Connection>> RoomRegistry::members(std::string_view room) const {
  std::vector<std::shared_ptr<Connection>> out;
  std::shared_lock lock(mu_);
  auto room_it = rooms_.find(room);
  if (room_it == rooms_.end()) return out;
  out.reserve(room_it->second.size());
  for (const auto& [id, connection] : room_it->second)
    out.push_back(connection);
  return out;
}

std::size_t RoomRegistry::broadcast(std::string_view room, std::string packet) const {
  const SharedPacket shared = std::make_shared<const std::string>(std::move(packet));
  std::size_t sent = 0;
  for (const auto& connection : members(room)) {
    if (connection->send(shared)) ++sent;
  }
  return sent;
}

std::size_t RoomRegistry::member_count(std::string_view room) const {
  std::shared_lock lock(mu_);
  auto room_it = rooms_.find(room);
  return room_it == rooms_.end() ? 0 : room_it->second.size();
}

bool RoomRegistry::is_member(std::string_view room, std::string_view connection_id) const {
  std::shared_lock lock(mu_);
  auto room_it = rooms_.find(room);
  return room_it != rooms_.end() && room_it->second.contains(connection_id);
}

std::vector<std::string> RoomRegistry::rooms_of(std::string_view connection_id) const {
  std::vector<std::string> out;
  {
    std::shared_lock lock(mu_);
    auto member_it = memberships_.find(connection_id);
    if (member_it != memberships_.end()) {
      out.assign(member_it->second.begin(), member_it->second.end());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::size_t RoomRegistry::room_count() const {
  std::shared_lock lock(mu_);
  return rooms_.size();
}

}  // namespace docket::realtime
