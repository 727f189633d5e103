// Package roomcontract is what the roles of Croupier must agree on about a
// room: the Redis key schema, the heartbeat record a game pod writes and the
// operator reads, the phase names, and the environment the operator gives a
// game pod. Redis connection settings, session tokens and the JSON answers
// of the roles' HTTP endpoints, which the roles also share, are its
// sub-packages redisconn, session and httpjson.
//
// It holds nothing that only one role uses.
package roomcontract
