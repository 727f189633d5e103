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

// Reasons of the Ready and PodHealthy conditions for a room whose pod
// cannot start, and of the Warning event sent when one first appears.
// The kubelet's own words follow in the message.
const (
	// ReasonNamespaceNotPrepared: the room's namespace is not one of
	// --room-namespaces; no pod is created.
	ReasonNamespaceNotPrepared = "NamespaceNotPrepared"
	// ReasonImagePullFailed: ErrImagePull, ImagePullBackOff, InvalidImageName.
	ReasonImagePullFailed = "ImagePullFailed"
	// ReasonCrashLooping: CrashLoopBackOff, or restarts after a crash.
	ReasonCrashLooping = "CrashLooping"
	// ReasonConfigMissing: CreateContainerConfigError, usually a Secret or
	// ConfigMap the pod mounts that the namespace lacks.
	ReasonConfigMissing = "ConfigMissing"
	// ReasonUnschedulable: no node can take the pod.
	ReasonUnschedulable = "Unschedulable"
	// ReasonStartTimeout: the pod never became ready within
	// spec.startTimeout of the room's creation; the room is deleted.
	ReasonStartTimeout = "StartTimeout"
	// ReasonRoomStarted: the Started condition turned True.
	ReasonRoomStarted = "RoomStarted"
)

// Reasons of the HeartbeatsKnown condition and of a silent pod.
const (
	ReasonHeartbeatRead    = "HeartbeatRead"
	ReasonNoHeartbeat      = "NoHeartbeat"
	ReasonRedisUnreachable = "RedisUnreachable"
	ReasonHeartbeatTimeout = "HeartbeatTimeout"
)

// Reasons of the DataIntact condition; ReasonDataLost is also Ready's
// reason and a Warning event's, once, when the loss is first seen.
const (
	ReasonMatchStored = "MatchStored"
	ReasonDataLost    = "DataLost"
)

// ReasonIdleTimeout is the reason of the Abandoned condition.
const ReasonIdleTimeout = "IdleTimeout"

// Reasons of the events a user sees in `kubectl describe gameroom`.
const (
	EventPodReplaced     = "PodReplaced"
	EventPodFailed       = "PodFailed"
	EventPodCreateFailed = "PodCreateFailed"
	EventRoomReady       = "RoomReady"
	EventRoomFailed      = "RoomFailed"
	EventPodSilent       = "PodSilent"
	EventPodUninformed   = "PodUninformed"
	EventRoomFinished    = "RoomFinished"
	EventRoomAbandoned   = "RoomAbandoned"
	EventRoomExpired     = "RoomExpired"
)

// Events of a deleted room's cleanup.
const (
	EventRedisCleanupFailed  = "RedisCleanupFailed"
	EventRedisCleanupSkipped = "RedisCleanupSkipped"
)
