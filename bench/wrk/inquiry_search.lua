-- The admin inquiry list searched for a fragment (an e-mail fragment in
-- bench/inquiry_bench.sh): GET /api/admin/support-inquiries?search=<fragment>&pageSize=20
-- with the admin's token. The fragment is the script argument (wrk ... -- fjor) or
-- DOCKET_BENCH_SEARCH; the token is DOCKET_BENCH_ADMIN_TOKEN. The fragment is put into
-- the URL as given (no percent-encoding): use letters and digits.
local req

function init(args)
  local fragment = args[1] or os.getenv("DOCKET_BENCH_SEARCH")
  local token = os.getenv("DOCKET_BENCH_ADMIN_TOKEN")
  assert(fragment and fragment ~= "", "no search fragment (argument or DOCKET_BENCH_SEARCH)")
  assert(token and token ~= "", "DOCKET_BENCH_ADMIN_TOKEN is not set")
  req = wrk.format("GET", "/api/admin/support-inquiries?search=" .. fragment .. "&pageSize=20",
    { ["Authorization"] = "Bearer " .. token })
end

function request() return req end
