package protocol

// Refusals of spectators (docs/PROTOCOL.md, section Spectators).
const (
	// CodeSpectator: a spectator sent an action; nothing was played.
	CodeSpectator = "spectator"
	// CodeSpectatorsFull: the room has as many spectators as it allows.
	CodeSpectatorsFull = "spectators_full"
	// CodeSpectatorsNotAllowed: the room does not allow spectators.
	CodeSpectatorsNotAllowed = "spectators_not_allowed"
)

// RoleSpectator is Welcome.Role for a spectator's connection.
const RoleSpectator = "spectator"
