package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// GameRoomPoolSpec asks for a number of warm rooms: rooms started ahead of
// demand so that quick play seats a player in a room that is already Ready.
type GameRoomPoolSpec struct {
	// Replicas is the number of unclaimed rooms the pool keeps. A claimed
	// room leaves the pool and is replaced.
	// +kubebuilder:default=0
	// +kubebuilder:validation:Minimum=0
	// +kubebuilder:validation:Maximum=1000
	// +optional
	Replicas int32 `json:"replicas"`

	// Template is what every room of the pool is made from. A change
	// applies to the rooms created after it; warm rooms keep their spec.
	Template GameRoomTemplate `json:"template"`
}

// GameRoomTemplate is a GameRoom without its name: the pool names its
// rooms `<pool>-<random>`.
type GameRoomTemplate struct {
	// Metadata of every room: labels and annotations only.
	// +optional
	Metadata GameRoomTemplateMeta `json:"metadata,omitempty"`

	// Spec of every room. Pool rooms are unlisted: they are found by a
	// claim, not in the lobby. Its game, maxPlayers, rules and bots are
	// fixed for the pool's life, as they are for a room: create another
	// pool to offer another table.
	// +kubebuilder:default={}
	// +kubebuilder:validation:XValidation:rule="!has(self.listed) || !self.listed",message="template.spec.listed must be false: pool rooms are claimed, not listed in the lobby"
	// +optional
	Spec GameRoomSpec `json:"spec,omitempty"`
}

// GameRoomTemplateMeta is the metadata a template may set on its rooms.
type GameRoomTemplateMeta struct {
	// Labels of every room. The games.croupier.dev/ prefix is the
	// operator's (the pool and claim labels).
	// +kubebuilder:validation:MaxProperties=32
	// +kubebuilder:validation:XValidation:rule="self.all(k, !k.startsWith('games.croupier.dev/'))",message="labels games.croupier.dev/* are set by the operator and the claims"
	// +optional
	Labels map[string]string `json:"labels,omitempty"`

	// Annotations of every room.
	// +kubebuilder:validation:MaxProperties=32
	// +kubebuilder:validation:XValidation:rule="self.all(k, !k.startsWith('games.croupier.dev/'))",message="annotations games.croupier.dev/* are set by the operator and the claims"
	// +optional
	Annotations map[string]string `json:"annotations,omitempty"`
}

// Condition types of a pool, positive polarity.
const (
	// PoolConditionReady is True while every room the pool wants is warm:
	// status.ready equals spec.replicas.
	PoolConditionReady = "Ready"
)

// GameRoomPoolStatus is what the operator observed of the pool's rooms.
type GameRoomPoolStatus struct {
	// Replicas is the number of unclaimed rooms of the pool, warm or not.
	// +optional
	Replicas int32 `json:"replicas"`

	// Ready is the number of unclaimed rooms a claim may take now: phase
	// Ready, nobody seated, not being deleted.
	// +optional
	Ready int32 `json:"ready"`

	// Claimed is the number of rooms that exist now and were claimed from
	// this pool: they carry the pool label and the claimed label. It falls
	// as claimed rooms are collected.
	// +optional
	Claimed int32 `json:"claimed"`

	// Desired is spec.replicas as last acted on.
	// +optional
	Desired int32 `json:"desired"`

	// ObservedGeneration is the spec generation this status describes.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`

	// Conditions: Ready.
	// +listType=map
	// +listMapKey=type
	// +patchStrategy=merge
	// +patchMergeKey=type
	// +optional
	Conditions []metav1.Condition `json:"conditions,omitempty" patchStrategy:"merge" patchMergeKey:"type"`
}

// GameRoomPool keeps spec.replicas warm, unclaimed GameRooms.
// Room names are `<pool>-` and 5 characters, and a room's name is at most
// 63 characters, hence the pool's 57.
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:subresource:scale:specpath=.spec.replicas,statuspath=.status.replicas
// +kubebuilder:resource:shortName=grp,categories=croupier
// +kubebuilder:printcolumn:name="Ready",type=integer,JSONPath=`.status.ready`
// +kubebuilder:printcolumn:name="Claimed",type=integer,JSONPath=`.status.claimed`
// +kubebuilder:printcolumn:name="Desired",type=integer,JSONPath=`.spec.replicas`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
// +kubebuilder:printcolumn:name="Replicas",type=integer,JSONPath=`.status.replicas`,priority=1
// +kubebuilder:printcolumn:name="Game",type=string,JSONPath=`.spec.template.spec.game`,priority=1
// +kubebuilder:printcolumn:name="Seats",type=integer,JSONPath=`.spec.template.spec.maxPlayers`,priority=1
// +kubebuilder:validation:XValidation:rule="size(self.metadata.name) <= 57",message="GameRoomPool names are at most 57 characters (a room is named <pool>-<5 characters>, at most 63)"
type GameRoomPool struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec GameRoomPoolSpec `json:"spec"`
	// +optional
	Status GameRoomPoolStatus `json:"status,omitempty"`
}

// GameRoomPoolList is a list of GameRoomPools.
// +kubebuilder:object:root=true
type GameRoomPoolList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []GameRoomPool `json:"items"`
}

func init() {
	SchemeBuilder.Register(&GameRoomPool{}, &GameRoomPoolList{})
}
