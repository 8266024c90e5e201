// BlobStore: files stored by the SHA-256 of their bytes (content-addressed), for
// attachments. The same bytes are stored once however often they are uploaded.
//
//   <dir>/<first two hex digits>/<64 hex digits>   one file per distinct content
//   <dir>/tmp/                                     writes in progress
//
// put() writes a temporary file, fsyncs it, renames it into place and fsyncs the
// directory, so a blob either exists whole or not at all after a crash; leftovers in
// tmp/ are removed when the store is opened. Blobs are never modified, only removed.
// Thread-safe: concurrent puts of the same content race to the same rename, which is
// harmless (both write identical bytes).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace docket {

class BlobStore {
 public:
  // Creates `dir` (and tmp/) when missing and clears tmp/. For the server.
  static Result<BlobStore> open(std::string dir);
  // The store at `dir` as it is, touching nothing (a backup or a check beside a running
  // server, whose uploads in flight are in tmp/).
  static BlobStore existing(std::string dir) { return BlobStore(std::move(dir)); }

  // Stores `bytes` under `name` (REQUIRES: the SHA-256 of bytes, 64 lower-case hex
  // digits). True when it was written now, false when that content was stored already
  // (its modification time is then renewed: a sweep leaves recently used blobs alone).
  Result<bool> put(std::string_view name, std::string_view bytes) const;
  // The bytes of a blob; NotFound when it is not stored.
  Result<std::string> read(std::string_view name) const;
  bool exists(std::string_view name) const;
  // Removes a blob (OK when it was not there).
  Status remove(std::string_view name) const;
  // Seconds since the blob was written or last put again; nullopt when missing.
  std::optional<std::int64_t> age_seconds(std::string_view name) const;
  // Every stored blob's name (its SHA-256), in no particular order.
  Result<std::vector<std::string>> list() const;
  // Copies every blob into `dir` (created; the same layout), hard-linking where `dir` is
  // on the same file system (blobs never change) and copying with fsync otherwise. The
  // number of blobs copied.
  Result<std::uint64_t> copy_to(const std::string& dir) const;
  // Re-reads a blob and compares its SHA-256 with its name: NotFound when missing,
  // Corruption when its bytes changed.
  Status verify(std::string_view name) const;

  std::string path_of(std::string_view name) const;
  const std::string& dir() const { return dir_; }

  // Whether `text` is 64 lower-case hex digits.
  static bool valid_name(std::string_view text);

 private:
  explicit BlobStore(std::string dir) : dir_(std::move(dir)) {}
  std::string dir_;
};

}  // namespace docket
