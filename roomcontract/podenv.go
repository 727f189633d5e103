package roomcontract

// Environment variables of the pod contract: the operator writes them into
// the game pod's spec and the game pod reads them at start (docs/GAMESERVER.md).
const (
	EnvRoomNamespace   = "CROUPIER_ROOM_NAMESPACE"
	EnvRoomName        = "CROUPIER_ROOM_NAME"
	EnvPodName         = "CROUPIER_POD_NAME"
	EnvGame            = "CROUPIER_GAME"
	EnvMaxPlayers      = "CROUPIER_MAX_PLAYERS"
	EnvRules           = "CROUPIER_RULES"
	EnvSessionTTL      = "CROUPIER_SESSION_TTL"
	EnvListenAddr      = "CROUPIER_LISTEN_ADDR"
	EnvHeartbeatPeriod = "CROUPIER_HEARTBEAT_PERIOD"
	EnvRedisMode       = "CROUPIER_REDIS_MODE"
	EnvRedisAddrs      = "CROUPIER_REDIS_ADDRS"
	EnvRedisMaster     = "CROUPIER_REDIS_MASTER_NAME"
	EnvRedisUsername   = "CROUPIER_REDIS_USERNAME"
	EnvRedisPassword   = "CROUPIER_REDIS_PASSWORD"
	EnvRedisTLS        = "CROUPIER_REDIS_TLS" // "true": connect with TLS
	// EnvRedisWaitReplicas is how many replicas must have an action before
	// the pod acknowledges it (Redis WAIT); unset or 0: none.
	EnvRedisWaitReplicas = "CROUPIER_REDIS_WAIT_REPLICAS"
	EnvSessionKeysDir    = "CROUPIER_SESSION_KEYS_DIR"
	EnvAllowedOrigins    = "CROUPIER_ALLOWED_ORIGINS"
	// EnvBots is the room's house bots as JSON, e.g.
	// {"count":1,"level":"greedy","delay":"700ms"}; unset means none.
	EnvBots = "CROUPIER_BOTS"
	// EnvSpectators is the room's spectator settings as JSON, e.g.
	// {"allowed":true,"max":10,"delay":0}; unset means no spectators.
	EnvSpectators = "CROUPIER_SPECTATORS"
	// EnvMatchStarted is "true" when the operator has seen the room's
	// match start (its DataIntact condition is on record): a pod that then
	// finds no setup in Redis reports the data as lost instead of dealing
	// a fresh match under the old sequence numbers.
	EnvMatchStarted = "CROUPIER_MATCH_STARTED"
)

// EnvSeed fixes the shuffle seed of a room's match, to replay a match
// for a test or a bug report. The operator never sets it: a room it runs
// is dealt from crypto/rand.
const EnvSeed = "CROUPIER_SEED"

// EnvStandInAfter is how long a player may be away mid-match before the
// pod plays their turns for them, as a Go duration ("0s": never); unset
// means DefaultStandInAfter. The operator does not set it.
const EnvStandInAfter = "CROUPIER_STAND_IN_AFTER"
