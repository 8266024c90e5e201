// The docket command line: `docket <command> [options]`.
#pragma once

namespace docket::cli {

// Runs the command named by argv[1..]. Returns the process exit status:
// 0 success, 1 the operation failed (or found a problem), 2 usage error.
int run(int argc, char** argv);

}  // namespace docket::cli
