package roomcontract

// Every Redis key a room owns is named here. All of a room's keys share one
// hash tag so the room lives in a single Redis Cluster slot: the action-log
// script touches several keys atomically, and the operator's cleanup can
// delete the whole room in one command.

// Room is the key set of one GameRoom.
type Room struct {
	Namespace string
	Name      string
}

// For returns the key set of the room namespace/name.
func For(namespace, name string) Room { return Room{Namespace: namespace, Name: name} }

// key is "croupier:{<namespace>/<name>}:<suffix>", built in one
// allocation: the operator names every room's heartbeat once a period.
func (r Room) key(suffix string) string {
	return "croupier:{" + r.Namespace + "/" + r.Name + "}:" + suffix
}

// Log is the action-log stream.
func (r Room) Log() string { return r.key("log") }

// Seq holds the last sequence number assigned to the log.
func (r Room) Seq() string { return r.key("seq") }

// Dedup is a hash of "<seat>:<action_id>" -> the sequence number that
// action was given, so a repeated action_id is answered, not replayed.
func (r Room) Dedup() string { return r.key("dedup") }

// Snapshot holds the latest engine snapshot and the sequence it covers.
func (r Room) Snapshot() string { return r.key("snapshot") }

// Setup holds the match setup (options and shuffle seed).
func (r Room) Setup() string { return r.key("setup") }

// Epoch holds the room's epoch: a random id written with the setup, in
// the same script, and never changed. A pod compares it with the one it
// holds in memory, so a Redis that lost the room's keys is told apart
// from a room that never started.
func (r Room) Epoch() string { return r.key("epoch") }

// Sessions is a hash of player id -> session record (seat, name, connections, last seen).
func (r Room) Sessions() string { return r.key("sessions") }

// Seats is a hash of seat number -> player id.
func (r Room) Seats() string { return r.key("seats") }

// Heartbeat is the hash the game pod refreshes every heartbeat period and
// the operator reads; its fields are the Field constants.
func (r Room) Heartbeat() string { return r.key("heartbeat") }

// All lists every key of the room, for deletion or expiry. A key a room
// writes must be listed here, or cleanup leaks it.
func (r Room) All() []string {
	return []string{r.Log(), r.Seq(), r.Dedup(), r.Snapshot(), r.Setup(), r.Epoch(), r.Sessions(), r.Seats(), r.Heartbeat()}
}
