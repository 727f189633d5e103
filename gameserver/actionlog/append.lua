-- Append one accepted action to a room's log, at most once.
-- KEYS[1] dedup hash, KEYS[2] sequence counter, KEYS[3] log stream
-- ARGV[1] dedup field, ARGV[2] sequence the caller's state is at,
-- ARGV[3] action id, ARGV[4] seat, ARGV[5] action JSON, ARGV[6] events JSON
-- Returns {seq, status}: status 0 appended, 1 duplicate (seq is the
-- original one), 2 conflict (seq is the log's current sequence).
local done = redis.call('HGET', KEYS[1], ARGV[1])
if done then
  return {tonumber(done), 1}
end
local cur = tonumber(redis.call('GET', KEYS[2]) or '0')
if cur ~= tonumber(ARGV[2]) then
  return {cur, 2}
end
local seq = cur + 1
redis.call('XADD', KEYS[3], seq .. '-0',
  'action_id', ARGV[3], 'seat', ARGV[4], 'action', ARGV[5], 'events', ARGV[6])
redis.call('SET', KEYS[2], seq)
redis.call('HSET', KEYS[1], ARGV[1], seq)
return {seq, 0}
