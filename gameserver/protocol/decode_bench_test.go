package protocol

import "testing"

// BenchmarkDecodeAction reads an action message as a client sends it,
// by DecodeClient (the quick path) and, as its floor, by the envelope's
// general decoder alone.
func BenchmarkDecodeAction(b *testing.B) {
	msg := []byte(`{"action":{"card":"9S","cards":[["9D"],["5H","4C"]],"type":"capture"},"action_id":"s0-12","type":"action","v":1}`)
	for _, bc := range []struct {
		name   string
		decode func([]byte) (ClientMessage, error)
	}{{"DecodeClient", DecodeClient}, {"envelope", decodeEnvelope}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for range b.N {
				if _, err := bc.decode(msg); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
