-- SPDX-License-Identifier: MIT
-- wrk script for bench/content.sh. Plain GETs by default; with
-- BENCH_RANGES="A-B,C-D,..." in the environment every request asks for one
-- of those byte ranges in turn (Range: bytes=A-B), as BITS and Delivery
-- Optimization do. The requests are formatted once per thread, so the
-- client spends the same on both servers. done() prints one line that
-- content.sh parses instead of wrk's rounded text:
--
--   WRK|requests|bytes|duration_us|connect|read|write|status|timeout|p50_us|p99_us
--
-- (status counts answers >= 400, as wrk's "Non-2xx or 3xx responses").

local ranges = {}
local spec = os.getenv("BENCH_RANGES")
if spec ~= nil then
	for r in string.gmatch(spec, "[^,]+") do
		ranges[#ranges + 1] = r
	end
end

if #ranges > 0 then
	local reqs = {}
	local n = 0

	init = function(args)
		for k, r in ipairs(ranges) do
			reqs[k] = wrk.format("GET", nil, { ["Range"] = "bytes=" .. r })
		end
		-- Threads start at different ranges (bench_thread: see setup).
		n = ((bench_thread or 1) - 1) % #reqs
	end

	request = function()
		n = n % #reqs + 1
		return reqs[n]
	end
end

-- Runs in the main state once per thread, before the thread's init.
local threads = 0
function setup(thread)
	threads = threads + 1
	thread:set("bench_thread", threads)
end

function done(summary, latency, requests)
	local e = summary.errors
	io.write(string.format("WRK|%d|%d|%d|%d|%d|%d|%d|%d|%d|%d\n",
		summary.requests, summary.bytes, summary.duration,
		e.connect, e.read, e.write, e.status, e.timeout,
		math.floor(latency:percentile(50)), math.floor(latency:percentile(99))))
end
