-- A staff reply (a durable append) to a random support request of the pairs file,
-- with the admin's token (DOCKET_BENCH_ADMIN_TOKEN). Counts the answer's bytes so the
-- bench can show that they do not grow with the thread.
package.path = os.getenv("DOCKET_BENCH_WRK_DIR") .. "/?.lua;" .. package.path
require("owner_pairs")

local token = os.getenv("DOCKET_BENCH_ADMIN_TOKEN")

function init(args) load_pairs() end

function request()
  local e = pick()
  return wrk.format("POST", "/api/admin/support-requests/" .. e[2] .. "/messages",
    { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token },
    '{"message":"Thanks for waiting, we are on it and will update you shortly."}')
end
