-- Uploads of one PNG (DOCKET_BENCH_FILE) whose IDAT bytes differ per request (a counter
-- overwrites 16 bytes), so every upload is new content: hashed, stripped and written.
-- DOCKET_BENCH_TOKEN: a customer's token; DOCKET_BENCH_PATH: the upload path
-- (/api/attachments for Docket, /up/ for the nginx peer, which PUTs to <path><n>).
local body, token, path, method
local counter = 0
local thread_tag = 0

function setup(thread)
  thread_tag = thread_tag + 1
  thread:set("tag", thread_tag)
end

function init(args)
  local f = assert(io.open(os.getenv("DOCKET_BENCH_FILE"), "rb"))
  body = f:read("*a")
  f:close()
  token = os.getenv("DOCKET_BENCH_TOKEN") or ""
  path = os.getenv("DOCKET_BENCH_PATH") or "/api/attachments"
  method = os.getenv("DOCKET_BENCH_METHOD") or "POST"
end

function request()
  counter = counter + 1
  local stamp = string.format("%08d%08d", tag, counter)
  -- Bytes 101-116 are inside the IDAT data of the file bench/intake_bench.sh writes.
  local b = body:sub(1, 100) .. stamp .. body:sub(117)
  local target = path
  if method == "PUT" then target = path .. tag .. "-" .. counter end
  return wrk.format(method, target,
    { ["Content-Type"] = "image/png", ["Authorization"] = "Bearer " .. token }, b)
end
