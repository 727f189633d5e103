-- Seat a new player: the preferred seat if free, else the lowest free seat.
-- KEYS[1] seats hash (seat -> player id), KEYS[2] sessions hash
-- ARGV[1] player id, ARGV[2] session record JSON (seat filled in here),
-- ARGV[3] preferred seat or -1, ARGV[4] number of seats
-- Returns the seat, -1 when the room is full (whether or not a seat was
-- asked for), -2 when the preferred seat is taken and another is free.
-- A player id already seated is a retry of this very join (go-redis
-- resends a script whose reply was lost): answer with its seat.
local existing = redis.call('HGET', KEYS[2], ARGV[1])
if existing then
  return cjson.decode(existing)['seat']
end
local n = tonumber(ARGV[4])
local want = tonumber(ARGV[3])
local seat = -1
if redis.call('HLEN', KEYS[1]) >= n then
  return -1
end
if want >= 0 then
  if redis.call('HEXISTS', KEYS[1], want) == 1 then
    return -2
  end
  seat = want
else
  for s = 0, n - 1 do
    if redis.call('HEXISTS', KEYS[1], s) == 0 then
      seat = s
      break
    end
  end
  if seat < 0 then
    return -1
  end
end
local rec = cjson.decode(ARGV[2])
rec['seat'] = seat
redis.call('HSET', KEYS[1], seat, ARGV[1])
redis.call('HSET', KEYS[2], ARGV[1], cjson.encode(rec))
return seat
