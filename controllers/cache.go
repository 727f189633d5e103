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
// pods keep no spec (see stripPodSpec).
func CacheOptions() cache.Options {
	hasRoom, err := labels.NewRequirement(LabelRoom, selection.Exists, nil)
	if err != nil {
		panic(err) // a constant label key: cannot fail
	}
	return cache.Options{
		DefaultTransform: cache.TransformStripManagedFields(),
		ByObject: map[client.Object]cache.ByObject{
			&corev1.Pod{}: {Label: labels.NewSelector().Add(*hasRoom), Transform: stripPodSpec},
		},
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
