package matchmaker

import (
	"context"
	"fmt"
	"maps"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	gamesv1 "github.com/croupier-dev/croupier/api/v1alpha1"
)

// listed reports a room the lobby shows (spec.listed).
func listed(gr *gamesv1.GameRoom) bool { return gr.Spec.Listed }

// fromTemplate is a new room of t made from the template pool's template:
// its metadata and spec, with the seats, rules and bots t asks for. It is
// no pool's room (no pool label, no owner) and unlisted: quick play fills it.
func (k *kubeRooms) fromTemplate(ctx context.Context, t Table) (*gamesv1.GameRoom, error) {
	var p gamesv1.GameRoomPool
	err := k.cache.Get(ctx, client.ObjectKey{Namespace: k.template.Namespace, Name: k.template.Name}, &p)
	if apierrors.IsNotFound(err) {
		// Waiting cannot make the pool appear: answer no_room now.
		return nil, fmt.Errorf("template pool %s/%s: %w", k.template.Namespace, k.template.Name, errNoTemplatePool)
	}
	if err != nil {
		return nil, fmt.Errorf("template pool %s/%s: %w", k.template.Namespace, k.template.Name, err)
	}
	spec := *p.Spec.Template.Spec.DeepCopy()
	spec.Game, spec.MaxPlayers, spec.Listed = t.Game, t.Players, false
	spec.Rules = *t.Rules.DeepCopy()
	if t.Players != 4 {
		spec.Rules.Partnerships = nil // only 4 seats may name it
	}
	spec.Bots = nil
	if t.Bots > 0 {
		spec.Bots = &gamesv1.Bots{Count: t.Bots}
	}
	return &gamesv1.GameRoom{
		ObjectMeta: metav1.ObjectMeta{
			Namespace:    k.template.Namespace,
			GenerateName: "play-",
			Labels:       maps.Clone(p.Spec.Template.Metadata.Labels),
			Annotations:  maps.Clone(p.Spec.Template.Metadata.Annotations),
		},
		Spec: spec,
	}, nil
}
