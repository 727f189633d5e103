package roomcontract

// CodePlayerAway is the game pod's refusal (409) of a join into a room
// whose match has not started while a player seated there has been gone
// too long: the matchmaker, which joins players for quick play, then
// leaves that room (docs/PROTOCOL.md, section 1).
const CodePlayerAway = "player_away"
