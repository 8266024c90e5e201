-- A customer reply (a durable append) to a random support request of the seed.
package.path = os.getenv("DOCKET_BENCH_WRK_DIR") .. "/?.lua;" .. package.path
require("owner_pairs")

function init(args) load_pairs() end

function request()
  local e = pick()
  return wrk.format("POST", "/api/mobile/support-requests/" .. e[2] .. "/messages",
    { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. e[1] },
    '{"message":"Still waiting for an answer, any update?"}')
end
