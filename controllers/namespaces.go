package controllers

import (
	"fmt"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation"
)

// ParseRoomNamespaces reads --room-namespaces: a comma-separated list of
// the namespaces prepared for game pods (their Secrets copied, the
// operator allowed to manage pods there). Empty means every namespace.
// Names are checked here so a typo stops the operator at start, not every
// room of that namespace later.
func ParseRoomNamespaces(s string) ([]string, error) {
	var out []string
	for _, f := range strings.Split(s, ",") {
		ns := strings.TrimSpace(f)
		if ns == "" {
			continue
		}
		if errs := validation.IsDNS1123Label(ns); len(errs) > 0 {
			return nil, fmt.Errorf("namespace %q: %s", ns, strings.Join(errs, "; "))
		}
		if !slices.Contains(out, ns) {
			out = append(out, ns)
		}
	}
	return out, nil
}

// namespacePrepared: game pods may be created in ns.
func (r *GameRoomReconciler) namespacePrepared(ns string) bool {
	return len(r.RoomNamespaces) == 0 || slices.Contains(r.RoomNamespaces, ns)
}
