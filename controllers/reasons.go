package controllers

// The reasons the operator writes: in the GameRoom's conditions (what
// `kubectl get gr -o yaml` shows) and in its events (what `kubectl describe
// gameroom` shows). Users and alerts match on them, so they are API.

// Reasons of the Ready and PodHealthy conditions.
const (
	ReasonPodReady        = "PodReady"
	ReasonPodMissing      = "PodMissing"
	ReasonPodPending      = "PodPending"
	ReasonPodNotReady     = "PodNotReady"
	ReasonPodFailed       = "PodFailed"
	ReasonPodTerminating  = "PodTerminating"
	ReasonPodConflict     = "PodConflict"
	ReasonPodInvalid      = "PodInvalid"
	ReasonPodCreateFailed = "PodCreateFailed"
	ReasonRoomReady       = "RoomReady"
	ReasonPlaying         = "Playing"
	ReasonFinished        = "Finished"
	ReasonAbandoned       = "Abandoned"
)

// Reasons of the HeartbeatsKnown condition and of a silent pod.
const (
	ReasonHeartbeatRead    = "HeartbeatRead"
	ReasonNoHeartbeat      = "NoHeartbeat"
	ReasonRedisUnreachable = "RedisUnreachable"
	ReasonHeartbeatTimeout = "HeartbeatTimeout"
)

// ReasonIdleTimeout is the reason of the Abandoned condition.
const ReasonIdleTimeout = "IdleTimeout"

// Reasons of the events a user sees in `kubectl describe gameroom`.
const (
	EventPodCreated      = "PodCreated"
	EventPodReplaced     = "PodReplaced"
	EventPodFailed       = "PodFailed"
	EventPodCreateFailed = "PodCreateFailed"
	EventRoomReady       = "RoomReady"
	EventRoomFailed      = "RoomFailed"
	EventPodSilent       = "PodSilent"
	EventRoomFinished    = "RoomFinished"
	EventRoomAbandoned   = "RoomAbandoned"
	EventRoomExpired     = "RoomExpired"
)

// Events of a deleted room's cleanup.
const (
	EventRedisCleanupFailed  = "RedisCleanupFailed"
	EventRedisCleanupSkipped = "RedisCleanupSkipped"
)
