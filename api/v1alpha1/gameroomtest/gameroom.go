// Package gameroomtest builds GameRooms for tests:
// MakeGameRoom("a", ns).Players(4).Obj().
package gameroomtest

import (
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	gamesv1 "github.com/croupier-dev/croupier/api/v1alpha1"
)

// GameRoomWrapper wraps a GameRoom under construction.
type GameRoomWrapper struct{ gamesv1.GameRoom }

// MakeGameRoom starts a room with only its name and namespace set, so the
// API server's defaults apply to everything else.
func MakeGameRoom(name, namespace string) *GameRoomWrapper {
	return &GameRoomWrapper{gamesv1.GameRoom{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: namespace},
	}}
}

// Obj returns a copy of the room.
func (w *GameRoomWrapper) Obj() *gamesv1.GameRoom { return w.GameRoom.DeepCopy() }

// Game sets spec.game.
func (w *GameRoomWrapper) Game(g gamesv1.Game) *GameRoomWrapper {
	w.Spec.Game = g
	return w
}

// Players sets spec.maxPlayers.
func (w *GameRoomWrapper) Players(n int32) *GameRoomWrapper {
	w.Spec.MaxPlayers = n
	return w
}

// Partnerships sets spec.rules.partnerships.
func (w *GameRoomWrapper) Partnerships(on bool) *GameRoomWrapper {
	w.Spec.Rules.Partnerships = ptr.To(on)
	return w
}

// Sweeps sets spec.rules.sweeps.
func (w *GameRoomWrapper) Sweeps(on bool) *GameRoomWrapper {
	w.Spec.Rules.Sweeps = ptr.To(on)
	return w
}

// TargetScore sets spec.rules.targetScore.
func (w *GameRoomWrapper) TargetScore(n int32) *GameRoomWrapper {
	w.Spec.Rules.TargetScore = ptr.To(n)
	return w
}

// IdleTimeout sets spec.idleTimeout.
func (w *GameRoomWrapper) IdleTimeout(d time.Duration) *GameRoomWrapper {
	w.Spec.IdleTimeout = &metav1.Duration{Duration: d}
	return w
}

// HeartbeatTimeout sets spec.heartbeatTimeout.
func (w *GameRoomWrapper) HeartbeatTimeout(d time.Duration) *GameRoomWrapper {
	w.Spec.HeartbeatTimeout = &metav1.Duration{Duration: d}
	return w
}

// StartTimeout sets spec.startTimeout.
func (w *GameRoomWrapper) StartTimeout(d time.Duration) *GameRoomWrapper {
	w.Spec.StartTimeout = &metav1.Duration{Duration: d}
	return w
}

// SessionTTL sets spec.sessionTTL.
func (w *GameRoomWrapper) SessionTTL(d time.Duration) *GameRoomWrapper {
	w.Spec.SessionTTL = &metav1.Duration{Duration: d}
	return w
}

// TTLAfterFinished sets spec.ttlAfterFinished.
func (w *GameRoomWrapper) TTLAfterFinished(d time.Duration) *GameRoomWrapper {
	w.Spec.TTLAfterFinished = &metav1.Duration{Duration: d}
	return w
}

// Bots sets spec.bots: count bots of level (empty: the API's default).
func (w *GameRoomWrapper) Bots(count int32, level gamesv1.BotLevel) *GameRoomWrapper {
	w.bots().Count, w.bots().Level = count, level
	return w
}

// BotDelay sets spec.bots.delay.
func (w *GameRoomWrapper) BotDelay(d time.Duration) *GameRoomWrapper {
	w.bots().Delay = &metav1.Duration{Duration: d}
	return w
}

func (w *GameRoomWrapper) bots() *gamesv1.Bots {
	if w.Spec.Bots == nil {
		w.Spec.Bots = &gamesv1.Bots{}
	}
	return w.Spec.Bots
}

func (w *GameRoomWrapper) template() *gamesv1.GameRoomPodTemplate {
	if w.Spec.Template == nil {
		w.Spec.Template = &gamesv1.GameRoomPodTemplate{}
	}
	return w.Spec.Template
}

// Image sets spec.template.image.
func (w *GameRoomWrapper) Image(image string) *GameRoomWrapper {
	w.template().Image = image
	return w
}

// Resources sets spec.template.resources.
func (w *GameRoomWrapper) Resources(r corev1.ResourceRequirements) *GameRoomWrapper {
	w.template().Resources = &r
	return w
}

// NodeSelector adds one entry to spec.template.nodeSelector.
func (w *GameRoomWrapper) NodeSelector(k, v string) *GameRoomWrapper {
	t := w.template()
	if t.NodeSelector == nil {
		t.NodeSelector = map[string]string{}
	}
	t.NodeSelector[k] = v
	return w
}

// Toleration adds one toleration to spec.template.
func (w *GameRoomWrapper) Toleration(tol corev1.Toleration) *GameRoomWrapper {
	t := w.template()
	t.Tolerations = append(t.Tolerations, tol)
	return w
}

// PodLabel adds one label to spec.template.labels.
func (w *GameRoomWrapper) PodLabel(k, v string) *GameRoomWrapper {
	t := w.template()
	if t.Labels == nil {
		t.Labels = map[string]string{}
	}
	t.Labels[k] = v
	return w
}

// PodAnnotation adds one annotation to spec.template.annotations.
func (w *GameRoomWrapper) PodAnnotation(k, v string) *GameRoomWrapper {
	t := w.template()
	if t.Annotations == nil {
		t.Annotations = map[string]string{}
	}
	t.Annotations[k] = v
	return w
}

// Generation sets metadata.generation, for pure status tests.
func (w *GameRoomWrapper) Generation(g int64) *GameRoomWrapper {
	w.ObjectMeta.Generation = g
	return w
}

// Phase sets status.phase, for pure status tests.
func (w *GameRoomWrapper) Phase(p gamesv1.GameRoomPhase) *GameRoomWrapper {
	w.Status.Phase = p
	return w
}

// Condition sets one status condition, for pure status tests.
func (w *GameRoomWrapper) Condition(c metav1.Condition) *GameRoomWrapper {
	for i := range w.Status.Conditions {
		if w.Status.Conditions[i].Type == c.Type {
			w.Status.Conditions[i] = c
			return w
		}
	}
	w.Status.Conditions = append(w.Status.Conditions, c)
	return w
}

// Spectators sets spec.spectators: allowed, at most max at once, delay
// actions behind the table.
func (w *GameRoomWrapper) Spectators(allowed bool, max, delay int32) *GameRoomWrapper {
	w.Spec.Spectators = gamesv1.Spectators{Allowed: allowed, Max: max, Delay: delay}
	return w
}
