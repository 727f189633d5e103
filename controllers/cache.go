package controllers

import (
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/selection"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"

	gamesv1 "github.com/croupier-dev/croupier/api/v1alpha1"
)

// CacheOptions keep the operator's memory proportional to its rooms and
// to what it reads of them: only game pods are cached (not every pod of
// the cluster), and each cached object keeps only what the operator
// reads. A game pod keeps a few metadata fields and the parts of its
// status that tell whether it is ready and why not (trimPod: no spec, no
// annotations, no container ids, addresses or unread conditions); a
// GameRoom or GameRoomPool keeps everything but managedFields and other
// tools' annotations such as kubectl's last-applied-configuration
// (trimRoom). Nothing is trimmed that the operator writes back whole.
// The strings every room and pod repeat (namespace, label keys, owner
// kind, condition types and reasons) are held once (cacheStrings).
// Objects of any other kind lose their managedFields. With
// roomNamespaces, pods are watched in those namespaces only: there the
// operator may read pods (namespaced Roles), elsewhere it may not.
// GameRooms are watched in every namespace, so a room in any other
// namespace is still told why it gets no pod.
func CacheOptions(roomNamespaces ...string) cache.Options {
	hasRoom, err := labels.NewRequirement(LabelRoom, selection.Exists, nil)
	if err != nil {
		panic(err) // a constant label key: cannot fail
	}
	pods := cache.ByObject{Label: labels.NewSelector().Add(*hasRoom), Transform: trimPod}
	if len(roomNamespaces) > 0 {
		pods.Namespaces = make(map[string]cache.Config, len(roomNamespaces))
		for _, ns := range roomNamespaces {
			pods.Namespaces[ns] = cache.Config{}
		}
	}
	return cache.Options{
		DefaultTransform: cache.TransformStripManagedFields(),
		ByObject: map[client.Object]cache.ByObject{
			&corev1.Pod{}:           pods,
			&gamesv1.GameRoom{}:     {Transform: trimRoom},
			&gamesv1.GameRoomPool{}: {Transform: trimRoom},
		},
	}
}
