package gameroomtest

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	gamesv1 "github.com/croupier-dev/croupier/api/v1alpha1"
)

// GameRoomPoolWrapper wraps a GameRoomPool under construction.
type GameRoomPoolWrapper struct{ gamesv1.GameRoomPool }

// MakeGameRoomPool starts a pool of replicas rooms with an empty template,
// so the API server's room defaults apply.
func MakeGameRoomPool(name, namespace string, replicas int32) *GameRoomPoolWrapper {
	return &GameRoomPoolWrapper{gamesv1.GameRoomPool{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: namespace},
		Spec:       gamesv1.GameRoomPoolSpec{Replicas: replicas},
	}}
}

// Obj returns a copy of the pool.
func (w *GameRoomPoolWrapper) Obj() *gamesv1.GameRoomPool { return w.GameRoomPool.DeepCopy() }

// Replicas sets spec.replicas.
func (w *GameRoomPoolWrapper) Replicas(n int32) *GameRoomPoolWrapper {
	w.Spec.Replicas = n
	return w
}

// Room sets the template's spec from a room built with MakeGameRoom.
func (w *GameRoomPoolWrapper) Room(r *GameRoomWrapper) *GameRoomPoolWrapper {
	w.Spec.Template.Spec = *r.Spec.DeepCopy()
	return w
}

// Label adds a label to the template.
func (w *GameRoomPoolWrapper) Label(k, v string) *GameRoomPoolWrapper {
	if w.Spec.Template.Metadata.Labels == nil {
		w.Spec.Template.Metadata.Labels = map[string]string{}
	}
	w.Spec.Template.Metadata.Labels[k] = v
	return w
}

// Annotation adds an annotation to the template.
func (w *GameRoomPoolWrapper) Annotation(k, v string) *GameRoomPoolWrapper {
	if w.Spec.Template.Metadata.Annotations == nil {
		w.Spec.Template.Metadata.Annotations = map[string]string{}
	}
	w.Spec.Template.Metadata.Annotations[k] = v
	return w
}

// Listed sets spec.listed.
func (w *GameRoomWrapper) Listed(on bool) *GameRoomWrapper {
	w.Spec.Listed = on
	return w
}
