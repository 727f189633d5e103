package matchmaker

import "github.com/redis/go-redis/v9"

// The seat scripts of one bucket. KEYS: 1 free (list of room keys, one
// entry per free seat), 2 queue (tickets of waiting players, oldest
// first), 3 alive (hash ticket → lease deadline, ms), 4 obtaining (zset
// obtain id → lease deadline, ms). ARGV[1] is the bucket's key prefix
// (mailboxes and room marks share its hash tag), ARGV[2] how long the
// bucket's keys outlive their last write (ms). Times come from Redis, so
// replicas' clocks do not matter.
const luaHeader = `
local free, q, alive, obtaining = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local prefix, keep = ARGV[1], tonumber(ARGV[2])
local function now()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function box(ticket) return prefix .. 'mbox:' .. ticket end
local function touch()
  for _, k in ipairs({free, q, alive, obtaining}) do redis.call('PEXPIRE', k, keep) end
end
-- match gives free seats to waiting players, oldest first; a player whose
-- lease ran out (its replica died) is dropped, not seated.
local function match(t)
  while redis.call('LLEN', free) > 0 do
    local ticket = redis.call('LPOP', q)
    if not ticket then return end
    local deadline = tonumber(redis.call('HGET', alive, ticket) or '0')
    redis.call('HDEL', alive, ticket)
    if deadline >= t then
      redis.call('RPUSH', box(ticket), redis.call('LPOP', free))
      redis.call('PEXPIRE', box(ticket), keep)
      redis.call('PUBLISH', '` + seatedChannel + `', ticket)
    end
  end
end
-- need is how many more rooms must be obtained so that every waiting
-- player has a seat: ceil(waiting / seats) minus rooms being obtained.
local function need(t, seats)
  redis.call('ZREMRANGEBYSCORE', obtaining, '-inf', t)
  local waiting = redis.call('LLEN', q)
  return math.floor((waiting + seats - 1) / seats) - redis.call('ZCARD', obtaining)
end
-- decide: a seat in the mailbox, else obtain a room if one is needed, else wait.
local function decide(t, ticket, seats, olease, oid)
  local seat = redis.call('LPOP', box(ticket))
  if seat then return {'seat', seat} end
  if need(t, seats) > 0 then
    redis.call('ZADD', obtaining, t + olease, oid)
    return {'obtain', ''}
  end
  return {'wait', ''}
end
`

// arrive: ARGV 3 ticket, 4 seats per room, 5 player lease, 6 obtain lease, 7 obtain id.
var arriveScript = redis.NewScript(luaHeader + `
local ticket, seats, lease, olease, oid = ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6]), ARGV[7]
local t = now()
if redis.call('LLEN', q) == 0 then
  local seat = redis.call('LPOP', free)
  if seat then touch() return {'seat', seat} end
end
redis.call('RPUSH', q, ticket)
redis.call('HSET', alive, ticket, t + lease)
match(t)
local r = decide(t, ticket, seats, olease, oid)
touch()
return r
`)

// poll: a waiting player renews its lease (queued again at the back if
// it ran out) and decides again. Same ARGV as arrive.
var pollScript = redis.NewScript(luaHeader + `
local ticket, seats, lease, olease, oid = ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6]), ARGV[7]
local t = now()
local seat = redis.call('LPOP', box(ticket))
if seat then return {'seat', seat} end
if redis.call('HEXISTS', alive, ticket) == 0 then redis.call('RPUSH', q, ticket) end
redis.call('HSET', alive, ticket, t + lease)
match(t)
local r = decide(t, ticket, seats, olease, oid)
touch()
return r
`)

// supply: a room was obtained. ARGV 3 room, 4 free seats, 5 obtain id
// (” for none), 6 how long the room counts as supplied (ms). A room is
// supplied once: a second replica that found the same listed room adds
// nothing.
var supplyScript = redis.NewScript(luaHeader + `
local room, n, oid, mark = ARGV[3], tonumber(ARGV[4]), ARGV[5], prefix .. 'room:' .. ARGV[3]
if oid ~= '' then redis.call('ZREM', obtaining, oid) end
local pushed = 0
if redis.call('SET', mark, '1', 'NX', 'PX', tonumber(ARGV[6])) then
  for i = 1, n do redis.call('RPUSH', free, room) end
  pushed = n
end
match(now())
touch()
return pushed
`)

// release: an obtain failed; its lease ends now. ARGV 3 obtain id.
var releaseScript = redis.NewScript(luaHeader + `
redis.call('ZREM', obtaining, ARGV[3])
return 1
`)

// giveBack: a seat a player could not use (it gave up, or its join failed
// for a reason that is not the room's) goes to the head of the free list.
// ARGV 3 room.
var giveBackScript = redis.NewScript(luaHeader + `
redis.call('LPUSH', free, ARGV[3])
match(now())
touch()
return 1
`)

// leave: a player gives up: out of the queue; a seat already in its
// mailbox goes back. ARGV 3 ticket.
var leaveScript = redis.NewScript(luaHeader + `
local ticket = ARGV[3]
redis.call('LREM', q, 1, ticket)
redis.call('HDEL', alive, ticket)
local seats = redis.call('LRANGE', box(ticket), 0, -1)
redis.call('DEL', box(ticket))
for i = #seats, 1, -1 do redis.call('LPUSH', free, seats[i]) end
match(now())
touch()
return #seats
`)
