-- Store the match setup and the room's epoch together, once.
-- KEYS: setup, epoch. ARGV: setup, epoch.
-- Returns {stored setup, stored epoch}. A setup stored before epochs
-- existed gets ARGV's epoch now, so an upgraded room is guarded from here on.
local setup = redis.call('GET', KEYS[1])
if not setup then
  redis.call('SET', KEYS[1], ARGV[1])
  redis.call('SET', KEYS[2], ARGV[2])
  return {ARGV[1], ARGV[2]}
end
local epoch = redis.call('GET', KEYS[2])
if not epoch then
  redis.call('SET', KEYS[2], ARGV[2])
  epoch = ARGV[2]
end
return {setup, epoch}
