// Package controllers runs the GameRoom lifecycle: one game pod per room,
// the room's status from the pod and from its Redis heartbeat, the
// replacement of pods that go silent, the collection of rooms nobody plays
// in any more, and the cleanup of a deleted room's Redis keys. How it
// scales is in docs/ARCHITECTURE.md.
package controllers
