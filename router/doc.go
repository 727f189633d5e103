// Package router is `croupier router`: the one public endpoint of a
// Croupier platform. It keeps a table of room → game pod endpoint from a
// watch on GameRooms, answers the versioned public API under /v1/rooms/,
// checks a player's session token before anything reaches a pod, and
// carries the player's websocket to the room's pod frame by frame. It
// makes no API or Redis call per request: everything it needs is in the
// table, so many replicas run behind one Service and nothing reloads when
// rooms come and go.
package router
