package controllers

import (
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	gamesv1 "github.com/croupier-dev/croupier/api/v1alpha1"
	"github.com/croupier-dev/croupier/roomcontract/pool"
)

// productAnnotations is the prefix of the only annotations the operator
// reads on a GameRoom (skip-redis-cleanup, a pool's draining-since and a
// claim's claimed-at); nothing reads a pool's.
const productAnnotations = "games.croupier.dev/"

// trimRoom is the cache's transform of a GameRoom and a GameRoomPool: no
// managedFields and no annotation outside the product's prefix, above all
// kubectl's last-applied-configuration, a whole copy of the manifest on
// every `kubectl apply`d room. Labels, finalizers, owner references, spec
// and status are kept whole: selectors match the labels, the pool
// classifies by owner, a pod is built from the spec, and the status is
// where the next status starts from (a field dropped there would be
// written on every reconcile).
//
// The strings rooms repeat (namespace, label keys, pool labels,
// finalizers, owner kind, phase, condition types and reasons) are shared
// between rooms (cacheStrings).
//
// Nothing trimmed can reach the API server: the status is written
// through the status subresource, which takes nothing but the status,
// and every other write of a cached room is a merge patch of the fields
// it changes (finalizer, draining mark), never an Update of the whole
// object. TestTrimmedRoomKeepsItsAnnotationsOnTheServer checks it.
func trimRoom(obj any) (any, error) {
	in := &cacheStrings
	switch o := obj.(type) {
	case *gamesv1.GameRoom:
		trimMeta(&o.ObjectMeta)
		o.Status.Phase = gamesv1.GameRoomPhase(in.of(string(o.Status.Phase)))
		for i := range o.Status.Conditions {
			c := &o.Status.Conditions[i]
			c.Type, c.Reason = in.of(c.Type), in.of(c.Reason)
			c.Status = metav1.ConditionStatus(in.of(string(c.Status)))
		}
	case *gamesv1.GameRoomPool:
		trimMeta(&o.ObjectMeta)
	}
	return obj, nil
}

// trimMeta drops managedFields and other tools' annotations, and shares
// the strings that repeat across rooms.
func trimMeta(m *metav1.ObjectMeta) {
	in := &cacheStrings
	m.ManagedFields = nil
	m.Annotations = productOnly(m.Annotations)
	m.Namespace = in.of(m.Namespace)
	m.Labels = in.labels(m.Labels, pool.LabelPool, pool.LabelClaimed, pool.LabelDraining)
	for i := range m.Finalizers {
		m.Finalizers[i] = in.of(m.Finalizers[i])
	}
	m.OwnerReferences = in.owners(m.OwnerReferences)
}

// productOnly is m without the annotations of other tools, nil when none
// is left; m itself when all are the product's, so a trimmed object is
// trimmed again at no cost.
func productOnly(m map[string]string) map[string]string {
	foreign := 0
	for k := range m {
		if !strings.HasPrefix(k, productAnnotations) {
			foreign++
		}
	}
	switch {
	case foreign == 0:
		return m
	case foreign == len(m):
		return nil
	}
	out := make(map[string]string, len(m)-foreign)
	for k, v := range m {
		if strings.HasPrefix(k, productAnnotations) {
			out[k] = v
		}
	}
	return out
}
