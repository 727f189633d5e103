-- Store a snapshot unless a newer one is there. The log is never trimmed:
-- it holds the whole match, for replays, until the room's keys are removed.
-- KEYS[1] snapshot hash
-- ARGV[1] sequence the snapshot covers, ARGV[2] state
local cur = tonumber(redis.call('HGET', KEYS[1], 'seq') or '0')
if tonumber(ARGV[1]) <= cur then
  return 0
end
redis.call('HSET', KEYS[1], 'seq', ARGV[1], 'state', ARGV[2])
return 1
