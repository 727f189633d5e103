package controllers

import (
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/selection"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// CacheOptions keep the operator's memory proportional to its rooms: only
// game pods are cached (not every pod of the cluster), and no object keeps
// its managedFields, which are most of a small object's size.
func CacheOptions() cache.Options {
	hasRoom, err := labels.NewRequirement(LabelRoom, selection.Exists, nil)
	if err != nil {
		panic(err) // a constant label key: cannot fail
	}
	return cache.Options{
		DefaultTransform: cache.TransformStripManagedFields(),
		ByObject: map[client.Object]cache.ByObject{
			&corev1.Pod{}: {Label: labels.NewSelector().Add(*hasRoom)},
		},
	}
}
