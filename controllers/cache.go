package controllers

import (
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/selection"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// CacheOptions keep the operator's memory proportional to its rooms: only
// game pods are cached (not every pod of the cluster), no object keeps
// its managedFields, which are most of a small object's size, and cached
// pods keep no spec (see stripPodSpec). With roomNamespaces, pods are
// watched in those namespaces only: there the operator may read pods
// (namespaced Roles), elsewhere it may not. GameRooms are watched in every
// namespace, so a room in any other namespace is still told why it gets
// no pod.
func CacheOptions(roomNamespaces ...string) cache.Options {
	hasRoom, err := labels.NewRequirement(LabelRoom, selection.Exists, nil)
	if err != nil {
		panic(err) // a constant label key: cannot fail
	}
	pods := cache.ByObject{Label: labels.NewSelector().Add(*hasRoom), Transform: stripPodSpec}
	if len(roomNamespaces) > 0 {
		pods.Namespaces = make(map[string]cache.Config, len(roomNamespaces))
		for _, ns := range roomNamespaces {
			pods.Namespaces[ns] = cache.Config{}
		}
	}
	return cache.Options{
		DefaultTransform: cache.TransformStripManagedFields(),
		ByObject:         map[client.Object]cache.ByObject{&corev1.Pod{}: pods},
	}
}

// stripPodSpec drops a cached game pod's spec (the operator's own
// creation, a few kilobytes per pod at 10,000 rooms) and its managedFields.
// The controller judges a pod by its metadata and status only, and never
// updates a pod; a reader that needs the spec must read past the cache.
func stripPodSpec(obj any) (any, error) {
	if pod, ok := obj.(*corev1.Pod); ok {
		pod.Spec = corev1.PodSpec{}
		pod.ManagedFields = nil
	}
	return obj, nil
}
