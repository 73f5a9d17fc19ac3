import type { RedisScript } from './redis-coordination.ts';

/*
 * Budget counters in Redis, one hash per (scope, subject, window kind, window start):
 *   spent     micro-dollars billed in the window (mirrors the durable ledger)
 *   reserved  micro-dollars held by open reservations
 *   stale     present when `spent` may lag the ledger (a reservation lapsed or was lost):
 *             the next reservation rebuilds it from the durable store first
 * A reservation is a hash (amount, counters joined by "\n", state open|lapsed, run, holder set)
 * with its lease in one sorted set (score = expiry ms) and its id in its instance's set.
 *
 * Every script below runs atomically, so check-and-reserve across all of a request's counters
 * is one step for every instance. Standalone Redis (or one primary): the lapse sweep touches
 * reservation keys it finds in the lease set.
 */

/** Shared by the scripts that free a lapsed hold: subtract it and mark the counters stale. */
const lapseFunction = `
local function lapse(rkey, id, leases)
  local f = redis.call('HMGET', rkey, 'amount', 'counters', 'state', 'holder')
  if f[3] == 'open' then
    local held = tonumber(f[1])
    for counter in string.gmatch(f[2], '[^\\n]+') do
      if redis.call('EXISTS', counter) == 1 then
        local reserved = tonumber(redis.call('HGET', counter, 'reserved') or '0') - held
        if reserved < 0 then reserved = 0 end
        redis.call('HSET', counter, 'reserved', reserved, 'stale', '1')
      end
    end
    redis.call('HSET', rkey, 'state', 'lapsed')
    redis.call('PEXPIRE', rkey, 604800000)
    if f[4] then redis.call('SREM', f[4], id) end
  end
  redis.call('ZREM', leases, id)
end
`;

/**
 * KEYS: leases, reservation, holder set, counter 1..n (distinct).
 * ARGV: now, lease ms, amount, run id, reservation key prefix, reservation id, then per counter:
 *       the tightest hard limit (-1: none), time to live ms (0: none).
 * Returns {'ok', spent1, reserved1, ...} (before this hold), {'blocked', spent1, reserved1, ...},
 * or {'rebuild', i, ...} (counters missing or stale: nothing was written except the lapse sweep).
 */
export const reserveScript: RedisScript = {
  name: 'switchyardBudgetReserve',
  lua: `${lapseFunction}
local now = tonumber(ARGV[1])
local amount = tonumber(ARGV[3])
for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, 100)) do
  lapse(ARGV[5] .. id, id, KEYS[1])
end
if redis.call('EXISTS', KEYS[2]) == 1 then return redis.error_reply('reservation already exists') end
local n = #KEYS - 3
local rebuild = {'rebuild'}
local numbers = {}
for i = 1, n do
  local v = redis.call('HMGET', KEYS[3 + i], 'spent', 'reserved', 'stale')
  if (not v[1]) or v[3] then rebuild[#rebuild + 1] = i end
  numbers[#numbers + 1] = tonumber(v[1] or '0')
  numbers[#numbers + 1] = tonumber(v[2] or '0')
end
if #rebuild > 1 then return rebuild end
local blocked = false
for i = 1, n do
  local limit = tonumber(ARGV[5 + 2 * i])
  if limit >= 0 then
    local committed = numbers[2 * i - 1] + numbers[2 * i]
    if committed >= limit or committed + amount > limit then blocked = true end
  end
end
local out = {blocked and 'blocked' or 'ok'}
for _, value in ipairs(numbers) do out[#out + 1] = value end
if blocked then return out end
local counters = {}
for i = 1, n do
  redis.call('HINCRBY', KEYS[3 + i], 'reserved', amount)
  local ttl = tonumber(ARGV[6 + 2 * i])
  if ttl > 0 then redis.call('PEXPIRE', KEYS[3 + i], ttl) end
  counters[#counters + 1] = KEYS[3 + i]
end
redis.call('HSET', KEYS[2], 'amount', amount, 'counters', table.concat(counters, '\\n'), 'state', 'open', 'run', ARGV[4], 'holder', KEYS[3])
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[6])
redis.call('SADD', KEYS[3], ARGV[6])
return out
`,
};

/**
 * Seeds or repairs counters from the durable ledger. KEYS: counters; ARGV per counter: durable
 * spent, time to live ms (0: none). A missing counter takes the durable value; a stale one
 * the larger of the two (the ledger is written before Redis, so it is never behind).
 */
export const rebuildScript: RedisScript = {
  name: 'switchyardBudgetRebuild',
  lua: `
for i = 1, #KEYS do
  local durable = tonumber(ARGV[2 * i - 1])
  local v = redis.call('HMGET', KEYS[i], 'spent', 'stale')
  if not v[1] then
    redis.call('HSET', KEYS[i], 'spent', durable)
    redis.call('HSETNX', KEYS[i], 'reserved', 0)
  else
    if durable > tonumber(v[1]) then redis.call('HSET', KEYS[i], 'spent', durable) end
  end
  redis.call('HDEL', KEYS[i], 'stale')
  local ttl = tonumber(ARGV[2 * i])
  if ttl > 0 then redis.call('PEXPIRE', KEYS[i], ttl) end
end
return #KEYS
`,
};

/**
 * Closes a reservation. KEYS: leases, reservation, holder set, counters (as this process made
 * them). ARGV: actual micros (billed; 0 for a release), reservation id, 1 when billing.
 * Open: spent += actual, reserved -= hold. Lapsed or unknown (Redis restarted): the hold is
 * already gone, and the ledger (written first) has the spend: the counters are marked stale so
 * the next reservation takes it from there, never counting it twice. Returns 1 when it was open.
 */
export const closeScript: RedisScript = {
  name: 'switchyardBudgetClose',
  lua: `
local f = redis.call('HMGET', KEYS[2], 'amount', 'state')
local actual = tonumber(ARGV[1])
local open = f[2] == 'open'
for i = 4, #KEYS do
  local v = redis.call('HMGET', KEYS[i], 'spent', 'reserved')
  if v[1] then
    if open then
      local reserved = tonumber(v[2] or '0') - tonumber(f[1])
      if reserved < 0 then reserved = 0 end
      redis.call('HSET', KEYS[i], 'reserved', reserved)
      if actual > 0 then redis.call('HINCRBY', KEYS[i], 'spent', actual) end
    elseif ARGV[3] == '1' then
      redis.call('HSET', KEYS[i], 'stale', '1')
    end
  end
end
redis.call('DEL', KEYS[2])
redis.call('ZREM', KEYS[1], ARGV[2])
redis.call('SREM', KEYS[3], ARGV[2])
return open and 1 or 0
`,
};

/**
 * Bills an attempt without a reservation (a retry's first attempt, a partial stream) after the
 * ledger has it. KEYS: counters; ARGV: micros. Only counters that exist and are not stale move
 * (a missing or stale one is rebuilt from the ledger, which already has it).
 */
export const addSpentScript: RedisScript = {
  name: 'switchyardBudgetAddSpent',
  lua: `
for i = 1, #KEYS do
  local v = redis.call('HMGET', KEYS[i], 'spent', 'stale')
  if v[1] and not v[2] then redis.call('HINCRBY', KEYS[i], 'spent', tonumber(ARGV[1])) end
end
return #KEYS
`,
};

/** Marks counters stale (their spend reached the ledger but not Redis). KEYS: counters. */
export const markStaleScript: RedisScript = {
  name: 'switchyardBudgetMarkStale',
  lua: `
for i = 1, #KEYS do
  if redis.call('EXISTS', KEYS[i]) == 1 then redis.call('HSET', KEYS[i], 'stale', '1') end
end
return #KEYS
`,
};

/**
 * Extends the leases of live reservations, re-registering any Redis no longer holds as open
 * (it restarted, or the lease lapsed while it was unreachable), so their money is held again.
 * KEYS: leases. ARGV: now + lease, run id, then per reservation: id, reservation key, holder
 * set, amount, counters joined by "\\n". Returns how many were renewed or re-registered.
 */
export const renewScript: RedisScript = {
  name: 'switchyardBudgetRenew',
  lua: `
local renewed = 0
for i = 3, #ARGV, 5 do
  local id, rkey, holder, amount, counters = ARGV[i], ARGV[i + 1], ARGV[i + 2], tonumber(ARGV[i + 3]), ARGV[i + 4]
  if redis.call('HGET', rkey, 'state') ~= 'open' then
    for counter in string.gmatch(counters, '[^\\n]+') do redis.call('HINCRBY', counter, 'reserved', amount) end
    redis.call('HSET', rkey, 'amount', amount, 'counters', counters, 'state', 'open', 'run', ARGV[2], 'holder', holder)
    redis.call('PERSIST', rkey)
    redis.call('SADD', holder, id)
  end
  redis.call('ZADD', KEYS[1], tonumber(ARGV[1]), id)
  renewed = renewed + 1
end
return renewed
`,
};

/**
 * Frees every open reservation of this instance made by another run (it restarted: those
 * requests are gone). KEYS: holder set, leases. ARGV: run id, reservation key prefix.
 */
export const releaseAbandonedScript: RedisScript = {
  name: 'switchyardBudgetReleaseAbandoned',
  lua: `${lapseFunction}
local released = 0
for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local rkey = ARGV[2] .. id
  local run = redis.call('HGET', rkey, 'run')
  if not run then
    redis.call('SREM', KEYS[1], id)
  elseif run ~= ARGV[1] then
    lapse(rkey, id, KEYS[2])
    released = released + 1
  end
end
return released
`,
};
