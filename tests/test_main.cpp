// The doctest runner for unit and in-process integration tests.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <cstdio>

#include "core/crypto.h"
#include "core/log.h"

int main(int argc, char** argv) {
  if (!docket::init_crypto()) {
    std::fprintf(stderr, "libsodium failed to initialise\n");
    return 1;
  }
  // Tests exercise many error paths; keep their expected warnings out of the output.
  docket::set_log_level(docket::LogLevel::kError);
  doctest::Context context(argc, argv);
  return context.run();
}
