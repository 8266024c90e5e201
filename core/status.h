// Status: the outcome of an operation in core/, events/ and projections/.
//
// A Status is either OK (cheap: no allocation) or carries a code and a message.
// Codes are coarse categories. kRefused is a domain decision saying no: it carries a
// reason (a domain::Refusal, see domain/refusal.h) that callers switch on, and a
// message for people; nothing ever compares the message. Thread-compatible: a Status
// is a value, safe to copy across threads.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace docket {

class Status {
 public:
  enum class Code : unsigned char {
    kOk = 0,
    kNotFound,            // the thing asked for does not exist
    kInvalidArgument,     // the caller's input is malformed or breaks a rule
    kConflict,            // optimistic concurrency: expected stream version differs
    kAlreadyExists,       // a unique key is taken
    kCorruption,          // stored data does not match its checksum / format
    kIOError,             // the storage layer failed (write, fsync, read)
    kUnavailable,         // the component is shutting down or not started
    kFailedPrecondition,  // the state does not allow the operation
    kInternal,            // a bug: an invariant did not hold
    kRefused,             // a domain decision refused the command; see reason()
  };

  Status() = default;  // OK

  static Status Ok() { return Status(); }
  static Status NotFound(std::string_view msg) { return Status(Code::kNotFound, msg); }
  static Status InvalidArgument(std::string_view msg) {
    return Status(Code::kInvalidArgument, msg);
  }
  static Status Conflict(std::string_view msg) { return Status(Code::kConflict, msg); }
  static Status AlreadyExists(std::string_view msg) { return Status(Code::kAlreadyExists, msg); }
  static Status Corruption(std::string_view msg) { return Status(Code::kCorruption, msg); }
  static Status IOError(std::string_view msg) { return Status(Code::kIOError, msg); }
  // An IOError because the storage is full (ENOSPC, SQLITE_FULL).
  static Status NoSpace(std::string_view msg) { return Status(Code::kIOError, msg, kNoSpace); }
  static Status Unavailable(std::string_view msg) { return Status(Code::kUnavailable, msg); }
  static Status FailedPrecondition(std::string_view msg) {
    return Status(Code::kFailedPrecondition, msg);
  }
  static Status Internal(std::string_view msg) { return Status(Code::kInternal, msg); }
  // REQUIRES: reason != 0 (0 means "no reason" on every other code).
  static Status Refused(std::uint16_t reason, std::string_view msg) {
    return Status(Code::kRefused, msg, reason);
  }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  bool IsNotFound() const { return code_ == Code::kNotFound; }
  bool IsConflict() const { return code_ == Code::kConflict; }
  bool IsAlreadyExists() const { return code_ == Code::kAlreadyExists; }
  bool IsCorruption() const { return code_ == Code::kCorruption; }
  bool IsIOError() const { return code_ == Code::kIOError; }
  bool IsNoSpace() const { return code_ == Code::kIOError && reason_ == kNoSpace; }
  bool IsInvalidArgument() const { return code_ == Code::kInvalidArgument; }
  bool IsUnavailable() const { return code_ == Code::kUnavailable; }
  bool IsFailedPrecondition() const { return code_ == Code::kFailedPrecondition; }
  bool IsRefused() const { return code_ == Code::kRefused; }
  // The refusal's reason for kRefused; kNoSpace for NoSpace(); 0 otherwise.
  std::uint16_t reason() const { return reason_; }

  // The message without the code name; empty for OK.
  const std::string& message() const;
  // "Conflict: stream support-request-7 is at version 3, expected 2"; "OK" for OK.
  std::string ToString() const;
  static std::string_view CodeName(Code code);

 private:
  static constexpr std::uint16_t kNoSpace = 1;  // the reason of NoSpace()

  Status(Code code, std::string_view msg, std::uint16_t reason = 0)
      : code_(code), reason_(reason), msg_(std::make_shared<const std::string>(msg)) {}

  Code code_ = Code::kOk;
  std::uint16_t reason_ = 0;
  std::shared_ptr<const std::string> msg_;  // null when OK
};

}  // namespace docket
