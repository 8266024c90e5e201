-- A guest message (a durable append) to a random inquiry of the seed, acting as its
-- guest with the access token bench_inquiry_seed wrote next to the id (DOCKET_BENCH_PAIRS).
package.path = os.getenv("DOCKET_BENCH_WRK_DIR") .. "/?.lua;" .. package.path
require("owner_pairs")

function init(args) load_pairs() end

function request()
  local e = pick()
  return wrk.format("POST", "/api/support-inquiries/" .. e[2] .. "/messages",
    { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. e[1] },
    '{"message":"Hello again, is there any news on my inquiry?"}')
end
