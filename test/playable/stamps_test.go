package playable

import (
	"context"
	"strings"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/watch"
	"sigs.k8s.io/controller-runtime/pkg/client"

	gamesv1 "github.com/croupier-dev/croupier/api/v1alpha1"
)

// stamps records when each room first reached one stage of its start.
type stamps struct {
	mu   sync.Mutex
	at   map[string]time.Time
	done map[string]chan struct{}
}

func newStamps(rooms []string) *stamps {
	s := &stamps{at: map[string]time.Time{}, done: map[string]chan struct{}{}}
	for _, r := range rooms {
		s.done[r] = make(chan struct{})
	}
	return s
}

func (s *stamps) mark(room string, t time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ch, ok := s.done[room]
	if _, seen := s.at[room]; !ok || seen {
		return
	}
	s.at[room] = t
	close(ch)
}

func (s *stamps) get(room string) (time.Time, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.at[room]
	return t, ok
}

func (s *stamps) wait(ctx context.Context, room string) (time.Time, error) {
	select {
	case <-s.done[room]:
		t, _ := s.get(room)
		return t, nil
	case <-ctx.Done():
		return time.Time{}, ctx.Err()
	}
}

// stage names the room an object shows at a stage, or "" when it is not.
type stage func(client.Object) string

func roomReady(o client.Object) string {
	if r, ok := o.(*gamesv1.GameRoom); ok && r.Status.Phase == gamesv1.PhaseReady {
		return r.Name
	}
	return ""
}

// podCreated and podReady name a game pod's room ("<room>-game").
func podCreated(o client.Object) string {
	room, _ := strings.CutSuffix(o.GetName(), "-game")
	return room
}

func podReady(o client.Object) string {
	p, ok := o.(*corev1.Pod)
	if !ok {
		return ""
	}
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodReady && c.Status == corev1.ConditionTrue {
			return podCreated(p)
		}
	}
	return ""
}

// follow watches list's kind in ns until ctx ends and stamps, for each
// stage, the rooms objects show at it. The API server closes the watch of
// a reader that falls behind, as it may under this load: follow then
// lists (stamping what it missed at the time of the list, late rather
// than never) and watches again from the list. started is closed once the
// first watch is open.
func follow(ctx context.Context, wc client.WithWatch, ns string, newList func() client.ObjectList, started chan<- struct{}, marks map[*stamps]stage) {
	onObj := func(o client.Object, t time.Time) {
		for s, at := range marks {
			if room := at(o); room != "" {
				s.mark(room, t)
			}
		}
	}
	opened := false
	for ctx.Err() == nil {
		list := newList()
		if err := wc.List(ctx, list, client.InNamespace(ns)); err != nil {
			time.Sleep(100 * time.Millisecond)
			continue
		}
		now := time.Now()
		for _, o := range items(list) {
			onObj(o, now)
		}
		w, err := wc.Watch(ctx, newList(), client.InNamespace(ns),
			&client.ListOptions{Raw: &metav1.ListOptions{ResourceVersion: list.GetResourceVersion()}})
		if err != nil {
			time.Sleep(100 * time.Millisecond)
			continue
		}
		if !opened {
			opened = true
			close(started)
		}
		for ev := range w.ResultChan() {
			if o, ok := ev.Object.(client.Object); ok && ev.Type != watch.Error {
				onObj(o, time.Now())
			}
		}
		w.Stop()
	}
}

func items(list client.ObjectList) []client.Object {
	var out []client.Object
	switch l := list.(type) {
	case *gamesv1.GameRoomList:
		for i := range l.Items {
			out = append(out, &l.Items[i])
		}
	case *corev1.PodList:
		for i := range l.Items {
			out = append(out, &l.Items[i])
		}
	}
	return out
}
