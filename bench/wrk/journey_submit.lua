-- Journey submits by one customer (DOCKET_BENCH_TOKEN) to journey 1: each creates a
-- support request (the answers walk three questions and a condition server-side).
local token
function init(args) token = os.getenv("DOCKET_BENCH_TOKEN") end

function request()
  return wrk.format("POST", "/api/journeys/1/submit",
    { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token },
    '{"answers":{"topic":"damaged","details":"The box arrived broken","photo":null}}')
end
