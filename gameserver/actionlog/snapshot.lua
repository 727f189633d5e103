-- Store a snapshot unless a newer one is there, then drop the log entries
-- that neither recovery nor reconnect catch-up need any more.
-- KEYS[1] snapshot hash, KEYS[2] log stream
-- ARGV[1] sequence the snapshot covers, ARGV[2] state, ARGV[3] first
-- sequence to keep (0 keeps everything)
local cur = tonumber(redis.call('HGET', KEYS[1], 'seq') or '0')
if tonumber(ARGV[1]) <= cur then
  return 0
end
redis.call('HSET', KEYS[1], 'seq', ARGV[1], 'state', ARGV[2])
if tonumber(ARGV[3]) > 1 then
  redis.call('XTRIM', KEYS[2], 'MINID', ARGV[3] .. '-0')
end
return 1
