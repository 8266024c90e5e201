// RoomRegistry: which connections are in which room, for the Socket.IO layer
// (realtime/socket_server.h) and the live feed.
//
// A room is a name ("support:request:42:messages", "staff"); a member is a Connection,
// held by shared_ptr and keyed by Connection::id(). Rooms exist while they have members.
// broadcast() copies the members under a shared lock and sends outside it, so a slow
// Connection::send never holds up joins, and a send that fails (the transport closes
// that connection) never affects the others.
//
// Thread-safe: every method may be called from any thread (one std::shared_mutex;
// broadcasts take it shared, joins and leaves exclusive).
#pragma once

#include <cstddef>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "realtime/connection.h"

namespace docket::realtime {

class RoomRegistry {
 public:
  RoomRegistry() = default;
  RoomRegistry(const RoomRegistry&) = delete;
  RoomRegistry& operator=(const RoomRegistry&) = delete;

  // Adds `connection` to `room`. True when it was not a member yet.
  // REQUIRES: connection is not null.
  bool join(std::string_view room, const std::shared_ptr<Connection>& connection);
  // Removes the connection from `room`. True when it was a member.
  bool leave(std::string_view room, std::string_view connection_id);
  bool leave(std::string_view room, const Connection& connection) {
    return leave(room, connection.id());
  }
  // Removes the connection from every room; returns how many it was in.
  std::size_t leave_all(std::string_view connection_id);

  // Sends `packet` to every member of `room` (a snapshot taken at the call). Returns the
  // number of members whose send() accepted it.
  std::size_t broadcast(std::string_view room, std::string packet) const;

  // The members of `room` now (empty when none).
  std::vector<std::shared_ptr<Connection>> members(std::string_view room) const;
  std::size_t member_count(std::string_view room) const;
  bool is_member(std::string_view room, std::string_view connection_id) const;
  // The rooms a connection is in, sorted.
  std::vector<std::string> rooms_of(std::string_view connection_id) const;
  // The number of non-empty rooms.
  std::size_t room_count() const;

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  using Members =
      std::unordered_map<std::string, std::shared_ptr<Connection>, Hash, std::equal_to<>>;
  using Names = std::unordered_set<std::string, Hash, std::equal_to<>>;

  // Removes `connection_id` from `room`'s members (and the room when it empties).
  // REQUIRES: mu_ held exclusively.
  bool erase_member(std::string_view room, std::string_view connection_id);

  mutable std::shared_mutex mu_;
  std::unordered_map<std::string, Members, Hash, std::equal_to<>> rooms_;  // guarded by mu_
  // connection id -> the rooms it is in (the inverse of rooms_, for leave_all).
  std::unordered_map<std::string, Names, Hash, std::equal_to<>> memberships_;  // guarded by mu_
};

}  // namespace docket::realtime
