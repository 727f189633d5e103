package matchmaker

import "github.com/redis/go-redis/v9"

// The seat scripts of one bucket. KEYS: 1 free (list of room keys, one
// entry per free seat), 2 queue (tickets of waiting players, oldest
// first), 3 alive (hash ticket → lease deadline, ms), 4 obtaining (zset
// obtain id → lease deadline, ms), 5 warm (set of the pool rooms a claim
// may take, fed from the replicas' watch), 6 claims (hash room → "<ms>
// <claimant>": rooms claimed here whose claimed label is not written
// yet), 7 lobby (zset: listed rooms waiting for players → free seats, fed
// from the watch too). ARGV[1] is the bucket's key prefix (mailboxes and room marks
// share its hash tag), ARGV[2] how long the bucket's keys outlive their
// last write (ms). Times come from Redis, so replicas' clocks do not
// matter. A room's mark (prefix room:<room>) says its seats were handed
// out, or that it left the pool for good: a marked room never enters
// warm again.
const luaHeader = `
local free, q, alive, obtaining, warm, claims, lobby = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7]
local prefix, keep = ARGV[1], tonumber(ARGV[2])
local function mark(room) return prefix .. 'room:' .. room end
local function now()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function box(ticket) return prefix .. 'mbox:' .. ticket end
local function touch()
  for _, k in ipairs({free, q, alive, obtaining, warm, claims, lobby}) do redis.call('PEXPIRE', k, keep) end
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
-- prune drops the waiting players whose lease ran out (their replica
-- died), so they count as waiting no more: at most once a second per
-- table, since it walks the whole queue.
local function prune(t)
  if not redis.call('SET', prefix .. 'pruned', '1', 'NX', 'PX', 1000) then return end
  for _, ticket in ipairs(redis.call('LRANGE', q, 0, -1)) do
    if tonumber(redis.call('HGET', alive, ticket) or '0') < t then
      redis.call('LREM', q, 1, ticket)
      redis.call('HDEL', alive, ticket)
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
-- claimWarm takes warm rooms while waiting players lack seats: each is
-- one compare-and-set (SPOP, then its mark set only if absent), recorded
-- in claims until its label is written, its seats handed out at once.
local function claimWarm(t, seats, by, supplied, claimed)
  while need(t, seats) > 0 do
    local room = redis.call('SPOP', warm)
    if not room then return end
    if redis.call('SET', mark(room), '1', 'NX', 'PX', supplied) then
      redis.call('HSET', claims, room, t .. ' ' .. by)
      for i = 1, seats do redis.call('RPUSH', free, room) end
      claimed[#claimed + 1] = room
      match(t)
    end
  end
end
-- fromLobby hands out the free seats of listed rooms waiting for
-- players, the fullest (fewest free seats) first, each room once.
local function fromLobby(t, seats, supplied)
  while need(t, seats) > 0 do
    local top = redis.call('ZPOPMIN', lobby)
    if #top == 0 then return end
    if redis.call('SET', mark(top[1]), '1', 'NX', 'PX', supplied) then
      for i = 1, tonumber(top[2]) do redis.call('RPUSH', free, top[1]) end
      match(t)
    end
  end
end
-- decide: a seat in the mailbox, else seats of a listed room waiting for
-- players, else claimed warm rooms, else obtain a room if one is needed,
-- else wait. The rooms claimed follow the step.
local function decide(t, ticket, seats, olease, oid, by, supplied)
  local claimed = {}
  prune(t)
  local seat = redis.call('LPOP', box(ticket))
  if not seat then
    fromLobby(t, seats, supplied)
    claimWarm(t, seats, by, supplied, claimed)
    seat = redis.call('LPOP', box(ticket))
  end
  local r
  if seat then
    r = {'seat', seat}
  elseif need(t, seats) > 0 then
    redis.call('ZADD', obtaining, t + olease, oid)
    r = {'obtain', ''}
  else
    r = {'wait', ''}
  end
  for _, room in ipairs(claimed) do r[#r + 1] = room end
  return r
end
`

// arrive: ARGV 3 ticket, 4 seats per room, 5 player lease, 6 obtain
// lease, 7 obtain id, 8 claimant, 9 how long a room counts as supplied (ms).
const decideArgs = `
local ticket, seats, lease, olease, oid = ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6]), ARGV[7]
local by, supplied = ARGV[8], tonumber(ARGV[9])
`

var arriveScript = redis.NewScript(luaHeader + decideArgs + `
local t = now()
if redis.call('LLEN', q) == 0 then
  local seat = redis.call('LPOP', free)
  if seat then touch() return {'seat', seat} end
end
redis.call('RPUSH', q, ticket)
redis.call('HSET', alive, ticket, t + lease)
match(t)
local r = decide(t, ticket, seats, olease, oid, by, supplied)
touch()
return r
`)

// poll: a waiting player renews its lease (queued again at the back if
// it ran out) and decides again. Same ARGV as arrive.
var pollScript = redis.NewScript(luaHeader + decideArgs + `
local t = now()
local seat = redis.call('LPOP', box(ticket))
if seat then return {'seat', seat} end
if redis.call('HEXISTS', alive, ticket) == 0 then redis.call('RPUSH', q, ticket) end
redis.call('HSET', alive, ticket, t + lease)
match(t)
local r = decide(t, ticket, seats, olease, oid, by, supplied)
touch()
return r
`)

// supply: a room was obtained. ARGV 3 room, 4 free seats, 5 obtain id
// (” for none), 6 how long the room counts as supplied (ms). A room is
// supplied once: a second replica that found the same listed room adds
// nothing.
var supplyScript = redis.NewScript(luaHeader + `
local room, n, oid = ARGV[3], tonumber(ARGV[4]), ARGV[5]
if oid ~= '' then redis.call('ZREM', obtaining, oid) end
local pushed = 0
if redis.call('SET', mark(room), '1', 'NX', 'PX', tonumber(ARGV[6])) then
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

// drop: a room refuses newcomers for a reason that lasts (a player seated
// there left before its match started): every free seat of it goes.
// ARGV 3 room.
var dropScript = redis.NewScript(luaHeader + `
return redis.call('LREM', free, 0, ARGV[3])
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

// feed tells Redis what a replica's watch shows of a room. ARGV 3 room,
// 4 state, 5 how long a mark lasts (ms), 6 free seats (state open).
// States of a pool room: warm (claimable: into warm unless marked), out
// (not claimable for now: starting, someone seated), drained (the pool is
// deleting it: out for good), labelled (its claimed label is written: out
// for good, its claim record done), gone (deleted: out for good, any
// claim record and free seat dropped). Of a listed room: open (waiting
// for players: into lobby unless its seats were handed out), closed,
// deleted (out of lobby, any free seat and its mark dropped).
var feedScript = redis.NewScript(luaHeader + `
local room, state, ttl = ARGV[3], ARGV[4], tonumber(ARGV[5])
if state == 'open' then
  if redis.call('EXISTS', mark(room)) == 1 then return 0 end
  redis.call('ZADD', lobby, tonumber(ARGV[6]), room)
  touch()
  return 1
end
if state == 'closed' then redis.call('ZREM', lobby, room) return 0 end
-- A room gone for good takes its free seats with it: a player sent to
-- one would wait for a room that no longer is. A listed room's mark goes
-- too: a room applied again under its name is a new room, to be listed.
if state == 'deleted' then
  redis.call('ZREM', lobby, room)
  redis.call('LREM', free, 0, room)
  redis.call('DEL', mark(room))
  return 0
end
if state == 'warm' then
  if redis.call('EXISTS', mark(room)) == 1 then return 0 end
  redis.call('SADD', warm, room)
  touch()
  return 1
end
redis.call('SREM', warm, room)
if state ~= 'out' then redis.call('SET', mark(room), '1', 'NX', 'PX', ttl) end
if state == 'labelled' or state == 'gone' then redis.call('HDEL', claims, room) end
if state == 'gone' then redis.call('LREM', free, 0, room) end
return 0
`)

// settle drops a claim record once its label is written. ARGV 3 room.
var settleScript = redis.NewScript(luaHeader + `
return redis.call('HDEL', claims, ARGV[3])
`)
