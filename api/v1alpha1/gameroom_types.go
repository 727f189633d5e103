package v1alpha1

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Game names a rule set the game server implements.
// +kubebuilder:validation:Enum=cassino
type Game string

// GameCassino is the English fishing game of docs/CASSINO_RULES.md.
const GameCassino Game = "cassino"

// GameRoomSpec is what a platform team asks for: one table of one game.
// Partnerships are a four-player notion, and house bots need a seat left
// for a person, so those checks span two fields. Bots cannot be added or
// removed later: the seats are dealt when the match starts.
// +kubebuilder:validation:XValidation:rule="!has(self.rules) || !has(self.rules.partnerships) || !self.rules.partnerships || self.maxPlayers == 4",message="rules.partnerships needs maxPlayers: 4 (partners sit opposite each other)"
// +kubebuilder:validation:XValidation:rule="!has(self.bots) || self.bots.count < self.maxPlayers",message="bots.count must be less than maxPlayers: at least one seat is for a person"
// +kubebuilder:validation:XValidation:rule="has(self.bots) == has(oldSelf.bots)",message="bots cannot be added or removed: the seats are dealt when the match starts"
type GameRoomSpec struct {
	// Game is the rule set played at this table. Immutable.
	// +kubebuilder:default=cassino
	// +kubebuilder:validation:XValidation:rule="self == oldSelf",message="game is immutable: create a new GameRoom to play another game"
	// +optional
	Game Game `json:"game,omitempty"`

	// MaxPlayers is the number of seats, and so the number of players of
	// the match. Immutable.
	// +kubebuilder:default=2
	// +kubebuilder:validation:Minimum=2
	// +kubebuilder:validation:Maximum=4
	// +kubebuilder:validation:XValidation:rule="self == oldSelf",message="maxPlayers is immutable: the seats are dealt when the match starts"
	// +optional
	MaxPlayers int32 `json:"maxPlayers,omitempty"`

	// Listed puts the room in the lobby (`GET /v1/rooms?game=`), where
	// anyone may pick it. Unlisted rooms are reached by their name or by a
	// claim (quick play).
	// +kubebuilder:default=false
	// +optional
	Listed bool `json:"listed,omitempty"`

	// Rules are the options of the game, fixed for the whole match.
	// +kubebuilder:default={}
	// +kubebuilder:validation:XValidation:rule="self == oldSelf",message="rules are immutable: they are fixed for the whole match"
	// +optional
	Rules CassinoRules `json:"rules,omitempty"`

	// IdleTimeout is how long the room may have no player connected before
	// it is abandoned and collected.
	// +kubebuilder:default="5m"
	// +kubebuilder:validation:Type=string
	// +kubebuilder:validation:Pattern=`^([0-9]{1,6}(\.[0-9]{1,9})?(ns|us|ms|s|m|h))+$`
	// +kubebuilder:validation:MaxLength=15
	// +kubebuilder:validation:XValidation:rule="!self.matches('^([0-9]{1,6}([.][0-9]{1,9})?(ns|us|ms|s|m|h))+$') || (duration(self) >= duration('30s'))",message="idleTimeout must be at least 30s"
	// +optional
	IdleTimeout *metav1.Duration `json:"idleTimeout,omitempty"`

	// HeartbeatTimeout is how long the game pod may stay silent before it is
	// replaced; the new pod resumes the game from Redis.
	// +kubebuilder:default="30s"
	// +kubebuilder:validation:Type=string
	// +kubebuilder:validation:Pattern=`^([0-9]{1,6}(\.[0-9]{1,9})?(ns|us|ms|s|m|h))+$`
	// +kubebuilder:validation:MaxLength=15
	// +kubebuilder:validation:XValidation:rule="!self.matches('^([0-9]{1,6}([.][0-9]{1,9})?(ns|us|ms|s|m|h))+$') || (duration(self) >= duration('10s'))",message="heartbeatTimeout must be at least 10s (pods beat every few seconds)"
	// +optional
	HeartbeatTimeout *metav1.Duration `json:"heartbeatTimeout,omitempty"`

	// StartTimeout is how long the room may wait, from its creation, for its
	// game pod to become ready for the first time. A room that never started
	// within it (an image that cannot be pulled, a pod that crashes, a pod no
	// node can take) is collected. Once the room has started (condition
	// Started), idleTimeout applies instead: a room whose pod is not
	// serving has nobody connected.
	// +kubebuilder:default="5m"
	// +kubebuilder:validation:Type=string
	// +kubebuilder:validation:Pattern=`^([0-9]{1,6}(\.[0-9]{1,9})?(ns|us|ms|s|m|h))+$`
	// +kubebuilder:validation:MaxLength=15
	// +kubebuilder:validation:XValidation:rule="!self.matches('^([0-9]{1,6}([.][0-9]{1,9})?(ns|us|ms|s|m|h))+$') || (duration(self) >= duration('10s'))",message="startTimeout must be at least 10s"
	// +optional
	StartTimeout *metav1.Duration `json:"startTimeout,omitempty"`

	// SessionTTL is how long a player's session token stays valid.
	// +kubebuilder:default="24h"
	// +kubebuilder:validation:Type=string
	// +kubebuilder:validation:Pattern=`^([0-9]{1,6}(\.[0-9]{1,9})?(ns|us|ms|s|m|h))+$`
	// +kubebuilder:validation:MaxLength=15
	// +kubebuilder:validation:XValidation:rule="!self.matches('^([0-9]{1,6}([.][0-9]{1,9})?(ns|us|ms|s|m|h))+$') || (duration(self) >= duration('1m') && duration(self) <= duration('720h'))",message="sessionTTL must be between 1m and 720h"
	// +optional
	SessionTTL *metav1.Duration `json:"sessionTTL,omitempty"`

	// TTLAfterFinished, when set, deletes the room that long after its match
	// finished. Unset keeps finished rooms until someone deletes them.
	// +kubebuilder:validation:Type=string
	// +kubebuilder:validation:Pattern=`^([0-9]{1,6}(\.[0-9]{1,9})?(ns|us|ms|s|m|h))+$`
	// +kubebuilder:validation:MaxLength=15
	// +optional
	TTLAfterFinished *metav1.Duration `json:"ttlAfterFinished,omitempty"`

	// Bots seat house bots, played by the game pod itself, in the last
	// seats, so that fewer people can play: one person and one bot at a
	// table for two. Immutable.
	// +kubebuilder:validation:XValidation:rule="self == oldSelf",message="bots are immutable: the seats are dealt when the match starts"
	// +optional
	Bots *Bots `json:"bots,omitempty"`

	// Spectators may watch the match without a seat: they see what every
	// player sees of the table (no hand, no deck), optionally some actions
	// behind the table. Immutable: the game pod is started with it.
	// +kubebuilder:default={}
	// +kubebuilder:validation:XValidation:rule="self == oldSelf",message="spectators are immutable: the game pod is started with them"
	// +optional
	Spectators Spectators `json:"spectators,omitempty"`

	// Template lets a platform team override the game pod's image,
	// resources and placement.
	// +optional
	Template *GameRoomPodTemplate `json:"template,omitempty"`
}

// CassinoRules are the options of CASSINO_RULES.md. The JSON names are the
// game server's option names; unset options take the game's defaults.
type CassinoRules struct {
	// Partnerships plays four players as two sides (seats 0+2 vs 1+3).
	// Unset means true with 4 players; only valid with maxPlayers 4.
	// +optional
	Partnerships *bool `json:"partnerships,omitempty"`

	// Sweeps scores one point for each capture that clears the table.
	// +kubebuilder:default=true
	// +optional
	Sweeps *bool `json:"sweeps,omitempty"`

	// TargetScore ends the match at the end of the hand in which a player
	// or side reaches it. One hand is worth 11 points plus sweeps.
	// +kubebuilder:default=21
	// +kubebuilder:validation:Minimum=11
	// +kubebuilder:validation:Maximum=121
	// +optional
	TargetScore *int32 `json:"targetScore,omitempty"`

	// CourtCapturesAll lets a court card take every card of its rank on the
	// table instead of exactly one.
	// +kubebuilder:default=false
	// +optional
	CourtCapturesAll *bool `json:"courtCapturesAll,omitempty"`

	// IncreaseOwnBuild lets a player increase a single build they own.
	// +kubebuilder:default=true
	// +optional
	IncreaseOwnBuild *bool `json:"increaseOwnBuild,omitempty"`

	// TrailWhenCaptureAvailable lets a player trail a card that could capture.
	// +kubebuilder:default=true
	// +optional
	TrailWhenCaptureAvailable *bool `json:"trailWhenCaptureAvailable,omitempty"`
}

// BotLevel is how well a house bot plays.
// +kubebuilder:validation:Enum=random;greedy
type BotLevel string

// Bot levels: the game engine's own players.
const (
	// BotLevelRandom plays any legal move, uniformly.
	BotLevelRandom BotLevel = "random"
	// BotLevelGreedy plays the move with the best immediate gain.
	BotLevelGreedy BotLevel = "greedy"
)

// Bots are house players the game pod seats and plays itself. A bot holds
// a seat but is never connected: a room where only bots remain is idle and
// is collected after spec.idleTimeout.
type Bots struct {
	// Count of seats the bots take: the last ones, so people fill the room
	// from seat 0. Less than maxPlayers.
	// +kubebuilder:validation:Minimum=0
	// +kubebuilder:validation:Maximum=3
	Count int32 `json:"count"`

	// Level of play of every bot at the table.
	// +kubebuilder:default=greedy
	// +optional
	Level BotLevel `json:"level,omitempty"`

	// Delay is a bot's think time: how long it waits, once it is its turn,
	// before it plays, so people can follow the table.
	// +kubebuilder:default="700ms"
	// +kubebuilder:validation:Type=string
	// +kubebuilder:validation:Pattern=`^([0-9]{1,6}(\.[0-9]{1,9})?(ns|us|ms|s|m|h))+$`
	// +kubebuilder:validation:MaxLength=15
	// +kubebuilder:validation:XValidation:rule="!self.matches('^([0-9]{1,6}([.][0-9]{1,9})?(ns|us|ms|s|m|h))+$') || (duration(self) <= duration('10s'))",message="bots.delay must be at most 10s"
	// +optional
	Delay *metav1.Duration `json:"delay,omitempty"`
}

// Spectators are the room's watchers: people without a seat who see the
// table's public information only. They never count as connected players,
// so a room watched by spectators alone is still collected as idle.
type Spectators struct {
	// Allowed lets anyone who can reach the room watch it
	// (POST /v1/rooms/{namespace}/{name}/watch).
	// +kubebuilder:default=false
	// +optional
	Allowed bool `json:"allowed,omitempty"`

	// Max is how many spectators may watch at once; one more is refused.
	// +kubebuilder:default=10
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=1000
	// +optional
	Max int32 `json:"max,omitempty"`

	// Delay is how many actions the spectators' table trails the real one,
	// so a watcher cannot tell a player what just happened. It is released
	// when the match finishes: the final table is shown at once.
	// +kubebuilder:default=0
	// +kubebuilder:validation:Minimum=0
	// +kubebuilder:validation:Maximum=1000
	// +optional
	Delay int32 `json:"delay,omitempty"`
}

// GameRoomPodTemplate is the part of the game pod a platform team may
// change. Everything else (command, ports, probes, security) is the
// operator's, because the game server's contract depends on it.
type GameRoomPodTemplate struct {
	// Image replaces the operator's default game server image.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=512
	// +optional
	Image string `json:"image,omitempty"`

	// Resources of the game container. Unset gets the operator's defaults.
	// +optional
	Resources *corev1.ResourceRequirements `json:"resources,omitempty"`

	// NodeSelector of the game pod.
	// +kubebuilder:validation:MaxProperties=32
	// +optional
	NodeSelector map[string]string `json:"nodeSelector,omitempty"`

	// Tolerations of the game pod.
	// +kubebuilder:validation:MaxItems=32
	// +listType=atomic
	// +optional
	Tolerations []corev1.Toleration `json:"tolerations,omitempty"`

	// Affinity of the game pod.
	// +optional
	Affinity *corev1.Affinity `json:"affinity,omitempty"`

	// Labels added to the game pod. The operator's selection labels cannot
	// be overridden.
	// +kubebuilder:validation:MaxProperties=32
	// +kubebuilder:validation:XValidation:rule="self.all(k, !k.startsWith('games.croupier.dev/') && k != 'app.kubernetes.io/name' && k != 'app.kubernetes.io/component')",message="labels games.croupier.dev/*, app.kubernetes.io/name and app.kubernetes.io/component are set by the operator"
	// +optional
	Labels map[string]string `json:"labels,omitempty"`

	// Annotations added to the game pod.
	// +kubebuilder:validation:MaxProperties=32
	// +optional
	Annotations map[string]string `json:"annotations,omitempty"`
}

// GameRoomPhase is where a room is in its life.
// +kubebuilder:validation:Enum=Pending;Starting;Ready;Playing;Finished;Abandoned;Failed
type GameRoomPhase string

// Phases of a room. Finished, Abandoned and Failed are final until the room
// is deleted.
const (
	// PhasePending: the room has no game pod yet.
	PhasePending GameRoomPhase = "Pending"
	// PhaseStarting: the game pod exists but is not ready.
	PhaseStarting GameRoomPhase = "Starting"
	// PhaseReady: the game pod serves players; seats are open.
	PhaseReady GameRoomPhase = "Ready"
	// PhasePlaying: the match has started.
	PhasePlaying GameRoomPhase = "Playing"
	// PhaseFinished: the match is over.
	PhaseFinished GameRoomPhase = "Finished"
	// PhaseAbandoned: nobody was connected for spec.idleTimeout.
	PhaseAbandoned GameRoomPhase = "Abandoned"
	// PhaseFailed: the room cannot run without a change to it or to the
	// cluster (see the Ready condition's message).
	PhaseFailed GameRoomPhase = "Failed"
)

// Condition types of a room, positive polarity.
const (
	// ConditionReady is True while players can reach the room and play.
	ConditionReady = "Ready"
	// ConditionPodHealthy is True while the room's game pod is ready.
	ConditionPodHealthy = "PodHealthy"
	// ConditionStarted turns True once the room's game pod was first ready,
	// and stays True. While it is False, spec.startTimeout runs.
	ConditionStarted = "Started"
	// ConditionHeartbeatsKnown is True while the operator can read the
	// room's heartbeat from Redis. While it is False nothing is replaced or
	// collected for missing heartbeats: an unreachable Redis is not
	// evidence that a pod is silent or a room empty.
	ConditionHeartbeatsKnown = "HeartbeatsKnown"
	// ConditionAbandoned is True once nobody was connected for
	// spec.idleTimeout; the room is then deleted.
	ConditionAbandoned = "Abandoned"
	// ConditionDataIntact appears once the room's match has started (its
	// setup and action log are in Redis), True. It turns False, reason
	// DataLost, when the game pod finds that Redis lost them, and stays
	// False until the room is deleted: the room is not collected as idle,
	// and a replacement pod does not deal a fresh match.
	ConditionDataIntact = "DataIntact"
)

// AnnotationSkipRedisCleanup, set to "true" on a GameRoom, lets its
// deletion finish without removing its Redis keys: the escape hatch when
// Redis is gone for good.
const AnnotationSkipRedisCleanup = "games.croupier.dev/skip-redis-cleanup"

// FinalizerRedisCleanup holds a deleted GameRoom until its Redis keys are
// removed (or given an expiry for audit).
const FinalizerRedisCleanup = "games.croupier.dev/redis-cleanup"

// Players counts the people at the table.
type Players struct {
	// Seated is the number of players holding a seat.
	Seated int32 `json:"seated"`
	// Connected is the number of seated players with an open connection.
	Connected int32 `json:"connected"`
}

// GameRoomStatus is what the operator observed.
type GameRoomStatus struct {
	// Phase summarises the room's life; see the conditions for why.
	// +optional
	Phase GameRoomPhase `json:"phase,omitempty"`

	// PodName is the name of the room's game pod.
	// +optional
	PodName string `json:"podName,omitempty"`

	// Endpoint is the game pod's host:port, set while the pod runs.
	// +optional
	Endpoint string `json:"endpoint,omitempty"`

	// Players at the table, from the game pod's last heartbeat.
	// +optional
	Players Players `json:"players,omitempty"`

	// LastHeartbeatTime is when the game pod last reported in, to within
	// 60 to 90 minutes (a fixed jitter per room): the operator refreshes it
	// only that often unless the players or the phase change.
	// +optional
	LastHeartbeatTime *metav1.Time `json:"lastHeartbeatTime,omitempty"`

	// LastActivityTime is the last connect, disconnect or move at the table.
	// Like lastHeartbeatTime it is written when the players change, or when
	// it is 60 to 90 minutes behind the heartbeat: a steady room costs
	// almost no writes.
	// +optional
	LastActivityTime *metav1.Time `json:"lastActivityTime,omitempty"`

	// FinishedTime is when the match was seen finished; spec.ttlAfterFinished
	// counts from it.
	// +optional
	FinishedTime *metav1.Time `json:"finishedTime,omitempty"`

	// ObservedGeneration is the spec generation this status describes.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`

	// Conditions: Ready, PodHealthy, Started, HeartbeatsKnown, once the
	// match started DataIntact, and once abandoned, Abandoned.
	// +listType=map
	// +listMapKey=type
	// +patchStrategy=merge
	// +patchMergeKey=type
	// +optional
	Conditions []metav1.Condition `json:"conditions,omitempty" patchStrategy:"merge" patchMergeKey:"type"`
}

// GameRoom is one table of a card game, served by one game pod.
// The name becomes a pod label value, hence the 63-character limit.
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:shortName=gr,categories=croupier
// +kubebuilder:printcolumn:name="Phase",type=string,JSONPath=`.status.phase`
// +kubebuilder:printcolumn:name="Players",type=integer,JSONPath=`.status.players.seated`
// +kubebuilder:printcolumn:name="Endpoint",type=string,JSONPath=`.status.endpoint`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
// +kubebuilder:printcolumn:name="Connected",type=integer,JSONPath=`.status.players.connected`,priority=1
// +kubebuilder:printcolumn:name="Seats",type=integer,JSONPath=`.spec.maxPlayers`,priority=1
// +kubebuilder:printcolumn:name="Game",type=string,JSONPath=`.spec.game`,priority=1
// +kubebuilder:validation:XValidation:rule="size(self.metadata.name) <= 63",message="GameRoom names are at most 63 characters (the name is a label value on the game pod)"
type GameRoom struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// +kubebuilder:default={}
	// +optional
	Spec GameRoomSpec `json:"spec,omitempty"`
	// +optional
	Status GameRoomStatus `json:"status,omitempty"`
}

// GameRoomList is a list of GameRooms.
// +kubebuilder:object:root=true
type GameRoomList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []GameRoom `json:"items"`
}

func init() {
	SchemeBuilder.Register(&GameRoom{}, &GameRoomList{})
}
