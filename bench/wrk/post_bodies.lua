-- POST a different JSON body on every request, read from a file of one body per line.
-- Each wrk thread takes its own share of the lines, so no two requests share a body;
-- once every body is sent the thread stops (a third argument "repeat" wraps around).
local bodies = {}
local counter = 0
local threads = 1
local once = true
local next_id = 0

-- runs in the main state, once per thread; thread:set() defines a *global* there
function setup(thread)
  thread:set("thread_id", next_id)
  next_id = next_id + 1
end

function init(args)
  threads = tonumber(args[2]) or 1
  once = args[3] ~= "repeat"
  for line in io.lines(args[1]) do
    bodies[#bodies + 1] = line
  end
  counter = thread_id
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  if once and counter >= #bodies then
    -- every body sent once: stop rather than repeat one (a repeat would be refused)
    wrk.thread:stop()
  end
  local body = bodies[(counter % #bodies) + 1]
  counter = counter + threads
  return wrk.format(nil, nil, nil, body)
end

local reported = 0

function response(status, headers, body)
  if status >= 300 and reported < 3 then
    reported = reported + 1
    io.write("NON2XX " .. status .. " " .. string.sub(body or "", 1, 300) .. "\n")
  end
end

function done(summary, latency, requests)
  local codes = summary.errors.status
  io.write(string.format(
    "RESULT requests=%d duration_us=%d non2xx=%d p50_us=%d p99_us=%d\n",
    summary.requests, summary.duration, codes, latency:percentile(50), latency:percentile(99)))
end
