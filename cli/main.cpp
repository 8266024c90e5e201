// docket: the server and its operator commands.
#include "cli/cli.h"

int main(int argc, char** argv) {
  return docket::cli::run(argc, argv);
}
