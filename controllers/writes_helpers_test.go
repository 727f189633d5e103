package controllers

import (
	"context"
	"errors"
	"fmt"
	"sync"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/watch"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/interceptor"
)

// suiteWrites records every API write the suite's GameRoom reconciler
// sends, as "verb kind ns/name answer", so a test can count what a room
// costs the API server. Events go through the recorder and are counted
// from the API (eventReasons).
var suiteWrites writeLog

type writeLog struct {
	mu     sync.Mutex
	writes []string
}

func (l *writeLog) add(verb string, obj client.Object, err error) {
	answer := "ok"
	switch {
	case apierrors.IsConflict(err):
		answer = "conflict"
	case apierrors.IsAlreadyExists(err):
		answer = "already-exists"
	case err != nil:
		answer = "error"
	}
	kind := fmt.Sprintf("%T", obj)
	l.mu.Lock()
	defer l.mu.Unlock()
	l.writes = append(l.writes, fmt.Sprintf("%s %s %s/%s %s", verb, kind, obj.GetNamespace(), obj.GetName(), answer))
}

// of lists the writes to objects in namespace ns.
func (l *writeLog) of(ns string) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for _, w := range l.writes {
		var verb, kind, key, answer string
		if _, err := fmt.Sscan(w, &verb, &kind, &key, &answer); err == nil && len(key) > len(ns) && key[:len(ns)+1] == ns+"/" {
			out = append(out, w)
		}
	}
	return out
}

// noWatch lets the manager's client (reads from the cache) be wrapped by
// an interceptor, which takes a client that can watch; nobody watches.
type noWatch struct{ client.Client }

func (noWatch) Watch(context.Context, client.ObjectList, ...client.ListOption) (watch.Interface, error) {
	return nil, errors.New("not a watching client")
}

// countingWrites wraps c so that every write it sends is logged in l.
func countingWrites(c client.Client, l *writeLog) client.WithWatch {
	return interceptor.NewClient(noWatch{c}, interceptor.Funcs{
		Create: func(ctx context.Context, c client.WithWatch, obj client.Object, opts ...client.CreateOption) error {
			err := c.Create(ctx, obj, opts...)
			l.add("create", obj, err)
			return err
		},
		Update: func(ctx context.Context, c client.WithWatch, obj client.Object, opts ...client.UpdateOption) error {
			err := c.Update(ctx, obj, opts...)
			l.add("update", obj, err)
			return err
		},
		Patch: func(ctx context.Context, c client.WithWatch, obj client.Object, p client.Patch, opts ...client.PatchOption) error {
			err := c.Patch(ctx, obj, p, opts...)
			l.add("patch", obj, err)
			return err
		},
		Delete: func(ctx context.Context, c client.WithWatch, obj client.Object, opts ...client.DeleteOption) error {
			err := c.Delete(ctx, obj, opts...)
			l.add("delete", obj, err)
			return err
		},
		SubResourceUpdate: func(ctx context.Context, c client.Client, sub string, obj client.Object, opts ...client.SubResourceUpdateOption) error {
			err := c.SubResource(sub).Update(ctx, obj, opts...)
			l.add("update-"+sub, obj, err)
			return err
		},
		SubResourcePatch: func(ctx context.Context, c client.Client, sub string, obj client.Object, p client.Patch, opts ...client.SubResourcePatchOption) error {
			err := c.SubResource(sub).Patch(ctx, obj, p, opts...)
			l.add("patch-"+sub, obj, err)
			return err
		},
	})
}
