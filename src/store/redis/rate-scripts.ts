import type { RedisScript } from './redis-coordination.ts';

/*
 * Rate counters in Redis. A window counter is a hash slot start (ms) → units, counted like
 * the in-memory store: 60 slots per window, a unit counts until its slot's start + the window.
 * A concurrency counter is a sorted set of holders (`run:seq`) scored by lease expiry, so
 * the slots of an instance that died free themselves when their leases run out.
 */

/**
 * All or nothing across every check. KEYS: one counter per check. ARGV: now, then six per
 * check: kind (w|c), window ms, limit, amount, slot start (w) or holder (c), lease expiry (c).
 * Returns {1, used1, reset1, used2, reset2, ...} or {0, failed index (0-based), used, retry ms}.
 */
export const rateReserveScript: RedisScript = {
  name: 'switchyardRateReserve',
  lua: `
local now = tonumber(ARGV[1])
local used = {}
for i = 1, #KEYS do
  local b = 1 + (i - 1) * 6
  local kind, windowMs, limit, amount = ARGV[b + 1], tonumber(ARGV[b + 2]), tonumber(ARGV[b + 3]), tonumber(ARGV[b + 4])
  if kind == 'c' then
    redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now)
    local count = redis.call('ZCARD', KEYS[i])
    if count + 1 > limit then return {0, i - 1, count, 1000} end
    used[i] = count
  else
    local flat = redis.call('HGETALL', KEYS[i])
    local total = 0
    local slots = {}
    for j = 1, #flat, 2 do
      local slot, units = tonumber(flat[j]), tonumber(flat[j + 1])
      if slot + windowMs <= now then redis.call('HDEL', KEYS[i], flat[j])
      else
        total = total + units
        slots[#slots + 1] = {slot, units}
      end
    end
    if total + amount > limit then
      table.sort(slots, function(a, c) return a[1] < c[1] end)
      local remaining, retry = total, windowMs
      for _, entry in ipairs(slots) do
        remaining = remaining - entry[2]
        if remaining + amount <= limit then
          retry = entry[1] + windowMs - now
          break
        end
      end
      if retry < 0 then retry = 0 end
      return {0, i - 1, total, retry}
    end
    used[i] = total
  end
end
local out = {1}
for i = 1, #KEYS do
  local b = 1 + (i - 1) * 6
  local kind, windowMs, amount = ARGV[b + 1], tonumber(ARGV[b + 2]), tonumber(ARGV[b + 4])
  if kind == 'c' then
    redis.call('ZADD', KEYS[i], tonumber(ARGV[b + 6]), ARGV[b + 5])
    redis.call('PEXPIRE', KEYS[i], tonumber(ARGV[b + 6]) - now + 1000)
    out[#out + 1] = used[i] + 1
    out[#out + 1] = 0
  else
    if amount > 0 then redis.call('HINCRBY', KEYS[i], ARGV[b + 5], amount) end
    redis.call('PEXPIRE', KEYS[i], 2 * windowMs)
    local total = used[i] + amount
    out[#out + 1] = total
    out[#out + 1] = total == 0 and 0 or math.max(0, tonumber(ARGV[b + 5]) + windowMs - now)
  end
end
return out
`,
};

/** Corrects one slot by a delta (never below zero); a slot already gone has left the window. KEYS: counter. ARGV: slot, delta. */
export const rateAdjustScript: RedisScript = {
  name: 'switchyardRateAdjust',
  lua: `
local current = redis.call('HGET', KEYS[1], ARGV[1])
if not current then return 0 end
local value = tonumber(current) + tonumber(ARGV[2])
if value < 0 then value = 0 end
redis.call('HSET', KEYS[1], ARGV[1], value)
return 1
`,
};
