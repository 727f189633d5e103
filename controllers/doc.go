// Package controllers runs the GameRoom lifecycle: one game pod per room,
// the room's status from the pod (and, later, from its Redis heartbeat),
// and the collection of rooms nobody plays in any more.
package controllers
