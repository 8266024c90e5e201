// The content-addressed blob store: atomic put, one copy per content, renewal of a
// re-put blob's age, listing, verification, removal, and copies for backups.
#include "core/blob_store.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "core/crypto.h"
#include "tests/support/test_support.h"

namespace docket {

TEST_SUITE("core") {
  TEST_CASE("blobs are stored once per content, listed, verified and removed") {
    testing::TempDir dir;
    std::filesystem::create_directories(dir.sub("blobs/tmp"));
    std::ofstream(dir.sub("blobs/tmp/leftover")) << "half a write";
    auto store = BlobStore::open(dir.sub("blobs"));
    REQUIRE(store.ok());
    CHECK(std::filesystem::is_empty(dir.sub("blobs/tmp")));  // leftovers cleared

    const std::string bytes = "the same bytes";
    const std::string sha = sha256_hex(bytes);
    CHECK(store->put(sha, bytes).value());
    CHECK_FALSE(store->put(sha, bytes).value());  // already there
    CHECK(store->exists(sha));
    CHECK(store->path_of(sha) == dir.sub("blobs") + "/" + sha.substr(0, 2) + "/" + sha);
    CHECK(store->read(sha).value() == bytes);
    CHECK(store->list().value() == std::vector<std::string>{sha});
    CHECK(store->verify(sha).ok());
    CHECK(store->age_seconds(sha).value() >= 0);

    CHECK_FALSE(store->put("../../etc/passwd", bytes).ok());
    CHECK(store->read("nothex").status().IsNotFound());
    CHECK_FALSE(BlobStore::valid_name(std::string(64, 'A')));

    // A changed file is reported, a missing one too.
    std::filesystem::permissions(store->path_of(sha), std::filesystem::perms::owner_write,
                                 std::filesystem::perm_options::add);
    std::ofstream(store->path_of(sha), std::ios::app) << "!";
    CHECK(store->verify(sha).code() == Status::Code::kCorruption);

    // Copies for a backup keep the layout.
    auto copied = store->copy_to(dir.sub("backup"));
    REQUIRE(copied.ok());
    CHECK(*copied == 1);
    CHECK(BlobStore::existing(dir.sub("backup")).exists(sha));

    REQUIRE(store->remove(sha).ok());
    CHECK_FALSE(store->exists(sha));
    CHECK(store->verify(sha).IsNotFound());
    CHECK(store->remove(sha).ok());  // removing twice is fine
  }
}

}  // namespace docket
