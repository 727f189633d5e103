package room

import (
	"testing"

	"github.com/croupier-dev/croupier/gameserver/cassino"
	"github.com/croupier-dev/croupier/gameserver/protocol"
)

// BenchmarkViewJSON encodes the views of the seat to move over a greedy
// 2-player match, by hand (appendView) and with encoding/json.
func BenchmarkViewJSON(b *testing.B) {
	m, _, err := cassino.New(cassino.Setup{Options: cassino.DefaultOptions(2), Seed: 7})
	if err != nil {
		b.Fatal(err)
	}
	var views []*cassino.View
	for !m.Finished() {
		v := m.View(m.Turn())
		views = append(views, &v)
		events, err := m.Decide(m.Turn(), cassino.Greedy(v))
		if err == nil {
			err = m.Evolve(events...)
		}
		if err != nil {
			b.Fatal(err)
		}
	}
	b.Run("appendView", func(b *testing.B) {
		b.ReportAllocs()
		buf := make([]byte, 0, 4096)
		for i := range b.N {
			var ok bool
			if buf, ok = appendView(buf[:0], views[i%len(views)]); !ok {
				b.Fatal("appendView refused a view")
			}
		}
	})
	b.Run("encoding/json", func(b *testing.B) {
		b.ReportAllocs()
		for i := range b.N {
			_ = protocol.Encode(views[i%len(views)])
		}
	})
}
