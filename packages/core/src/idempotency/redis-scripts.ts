/**
 * The Lua scripts behind {@link RedisIdempotencyStore}. KEYS[1] is the response hash, KEYS[2] the
 * lock. The lock value is `"<expiresAt> <token> <fingerprint>"` (expiresAt in epoch ms from the
 * store's clock); a plain string instead of JSON because Redis' cjson prints numbers with 14 digits.
 * @module
 */

/** ARGV: now, lockTtlMs, token, fingerprint → {"completed", fp, status, headers, body} | {"in-flight", fp} | {"started"}. */
export const BEGIN_SCRIPT = `
local now = tonumber(ARGV[1])
local response = redis.call('HMGET', KEYS[1], 'expiresAt', 'fingerprint', 'status', 'headers', 'body')
if response[1] then
  if tonumber(response[1]) > now then
    return {'completed', response[2], response[3], response[4], response[5]}
  end
  redis.call('DEL', KEYS[1])
end
local lock = redis.call('GET', KEYS[2])
if lock then
  local expiresAt, _, fingerprint = string.match(lock, '^(%d+) (%S+) (.*)$')
  if tonumber(expiresAt) > now then return {'in-flight', fingerprint} end
  redis.call('DEL', KEYS[2])
end
local value = string.format('%.0f %s %s', now + tonumber(ARGV[2]), ARGV[3], ARGV[4])
if redis.call('SET', KEYS[2], value, 'NX', 'PX', ARGV[2]) then return {'started'} end
return redis.error_reply('lock taken inside a script')
`;

/** ARGV: token, status, headers JSON, body base64, expiresAt, ttlMs → 1 when stored, 0 when the lock was lost. */
export const COMPLETE_SCRIPT = `
local lock = redis.call('GET', KEYS[2])
if not lock then return 0 end
local _, token, fingerprint = string.match(lock, '^(%d+) (%S+) (.*)$')
if token ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'fingerprint', fingerprint, 'status', ARGV[2], 'headers', ARGV[3],
  'body', ARGV[4], 'expiresAt', ARGV[5])
redis.call('PEXPIRE', KEYS[1], ARGV[6])
redis.call('DEL', KEYS[2])
return 1
`;

/** ARGV: token → 1 when the lock was dropped, 0 when it was not held with that token. */
export const RELEASE_SCRIPT = `
local lock = redis.call('GET', KEYS[2])
if not lock then return 0 end
local _, token = string.match(lock, '^(%d+) (%S+)')
if token ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[2])
return 1
`;
