package controllers

import (
	"strings"
	"sync"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// maxInterned bounds the strings shared by the cache: far more than the
// namespaces, label keys, reasons and types of a cluster's rooms, so
// strings that turn out to be unique per object cannot grow it without
// end.
const maxInterned = 4096

// interner shares one copy of a string that every cached object would
// otherwise hold its own copy of (the decoders allocate each field
// anew): namespaces, label keys, owner kinds, condition types and
// reasons, finalizers. Only fields with few distinct values across
// rooms go through it, never names, uids or messages.
type interner struct {
	mu sync.Mutex
	m  map[string]string
}

// cacheStrings serves every transform of the cache; informers call them
// from goroutines of their own, hence the lock.
var cacheStrings interner

// of returns the shared copy of s, making s's copy the shared one if
// there is none yet and the table has room.
func (in *interner) of(s string) string {
	if s == "" {
		return s
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	if v, ok := in.m[s]; ok {
		return v
	}
	if len(in.m) >= maxInterned {
		return s
	}
	if in.m == nil {
		in.m = map[string]string{}
	}
	s = strings.Clone(s) // never pin the buffer s may point into
	in.m[s] = s
	return s
}

// labels returns m with shared keys, and shared values for the keys in
// shared (whose values repeat across objects); nil for an empty map.
func (in *interner) labels(m map[string]string, shared ...string) map[string]string {
	if len(m) == 0 {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		for _, sk := range shared {
			if k == sk {
				v = in.of(v)
				break
			}
		}
		out[in.of(k)] = v
	}
	return out
}

// owners shares the API version and kind of each owner reference, in
// place: refs is the decoded object's own.
func (in *interner) owners(refs []metav1.OwnerReference) []metav1.OwnerReference {
	for i := range refs {
		refs[i].APIVersion, refs[i].Kind = in.of(refs[i].APIVersion), in.of(refs[i].Kind)
	}
	return refs
}
