// Package matchmaker is the quick-play role: POST /v1/play seats a player
// at a table of the game, seats and rules asked for, in this order of
// preference: a listed room waiting for players, a ready room claimed from
// a warm pool, a room created from the platform's template.
//
// Matchmaker replicas share nothing but Redis and the API server. Per
// bucket (game, seats, rules, bots) Redis holds the free seats of rooms
// being filled, the queue of players waiting, and the leases of rooms
// being obtained; Lua scripts move seats to players atomically, and a
// player obtains a room only while the rooms already being obtained cannot
// seat everyone waiting. So N players arriving at once for s-seat rooms
// obtain exactly ceil(N/s) rooms, whichever replica each reaches.
package matchmaker
