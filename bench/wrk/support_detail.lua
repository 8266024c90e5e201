-- The detail (request + full message history) of a random support request of the seed.
package.path = os.getenv("DOCKET_BENCH_WRK_DIR") .. "/?.lua;" .. package.path
require("owner_pairs")

function init(args) load_pairs() end

function request()
  local e = pick()
  return wrk.format("GET", "/api/mobile/support-requests/" .. e[2], { ["Authorization"] = "Bearer " .. e[1] })
end
