package router

import (
	"context"
	"fmt"

	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/rest"
	toolscache "k8s.io/client-go/tools/cache"
	"sigs.k8s.io/controller-runtime/pkg/cache"

	gamesv1 "github.com/croupier-dev/croupier/api/v1alpha1"
)

// Watch feeds the router's table from a watch on GameRooms in namespaces
// (all when empty) and marks the router ready once the first list is in.
// It returns when the watch is running; the watch stops with ctx.
func (r *Router) Watch(ctx context.Context, cfg *rest.Config, namespaces []string) error {
	scheme := runtime.NewScheme()
	if err := gamesv1.AddToScheme(scheme); err != nil {
		return err
	}
	opts := cache.Options{Scheme: scheme, DefaultTransform: stripRoom}
	if len(namespaces) > 0 {
		opts.DefaultNamespaces = map[string]cache.Config{}
		for _, ns := range namespaces {
			opts.DefaultNamespaces[ns] = cache.Config{}
		}
	}
	c, err := cache.New(cfg, opts)
	if err != nil {
		return fmt.Errorf("watch GameRooms: %w", err)
	}
	inf, err := c.GetInformer(ctx, &gamesv1.GameRoom{})
	if err != nil {
		return fmt.Errorf("watch GameRooms: %w", err)
	}
	if _, err := inf.AddEventHandler(toolscache.ResourceEventHandlerFuncs{
		AddFunc:    func(obj any) { r.roomSeen(obj) },
		UpdateFunc: func(_, obj any) { r.roomSeen(obj) },
		DeleteFunc: r.roomGone,
	}); err != nil {
		return fmt.Errorf("watch GameRooms: %w", err)
	}
	errc := make(chan error, 1)
	go func() { errc <- c.Start(ctx) }()
	if !c.WaitForCacheSync(ctx) {
		select {
		case err := <-errc:
			return fmt.Errorf("watch GameRooms: %w", err)
		default:
			return fmt.Errorf("watch GameRooms: the first list did not complete: %w", context.Cause(ctx))
		}
	}
	r.synced.Store(true)
	r.log.Info("room table synced", "rooms", r.routeCount())
	return nil
}

func (r *Router) roomSeen(obj any) {
	if gr, ok := obj.(*gamesv1.GameRoom); ok {
		r.table.set(gr)
	}
}

func (r *Router) roomGone(obj any) {
	if t, ok := obj.(toolscache.DeletedFinalStateUnknown); ok {
		obj = t.Obj
	}
	if gr, ok := obj.(*gamesv1.GameRoom); ok {
		r.table.remove(gr.Namespace, gr.Name)
	}
}

// stripRoom keeps only what the table reads, so 10,000 rooms stay small.
func stripRoom(obj any) (any, error) {
	if gr, ok := obj.(*gamesv1.GameRoom); ok {
		gr.ManagedFields = nil
		gr.Annotations = nil
		gr.Spec.Template = nil
	}
	return obj, nil
}
