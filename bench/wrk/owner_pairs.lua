-- Shared by the support-request wrk scripts: loads the "<token> <id>" lines that
-- bench_support_seed wrote (path in DOCKET_BENCH_PAIRS) and picks one at random per
-- request, so every request acts as the owner of the support request it touches.
local entries = {}

function load_pairs()
  for line in io.lines(os.getenv("DOCKET_BENCH_PAIRS")) do
    local token, id = line:match("^(%S+) (%S+)$")
    if token then entries[#entries + 1] = { token, id } end
  end
  math.randomseed(os.time() + #tostring({}))
end

function pick()
  return entries[math.random(#entries)]
end
