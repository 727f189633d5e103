-- Free a seat: drop its player's session record, and the seat itself if
-- that player still holds it.
-- KEYS[1] seats hash (seat -> player id), KEYS[2] sessions hash
-- ARGV[1] player id, ARGV[2] seat
if redis.call('HGET', KEYS[1], ARGV[2]) == ARGV[1] then
  redis.call('HDEL', KEYS[1], ARGV[2])
end
redis.call('HDEL', KEYS[2], ARGV[1])
