package room

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/croupier-dev/croupier/gameserver/protocol"
)

// The hand-written ack is the Ack message encoded.
func TestAckFrameIsTheAckEncoded(t *testing.T) {
	for _, id := range []string{"a-1", "s0-12", "A.b_c:d-9", "a<1>&\"é", "tab\there", "\u2028", strings.Repeat("z", 64)} {
		for _, seq := range []int64{1, 42, 1 << 40} {
			for _, dup := range []bool{false, true} {
				want := protocol.Encode(protocol.Ack{V: protocol.Version, Type: protocol.TypeAck, ActionID: id, Seq: seq, Duplicate: dup})
				if got := ackFrame(id, seq, dup); !bytes.Equal(got, want) {
					t.Errorf("ackFrame(%q, %d, %v):\n got %s\nwant %s", id, seq, dup, got, want)
				}
			}
		}
	}
}

// Strings written without escaping are exactly those encoding/json
// writes unchanged; every byte is tried alone and inside a string.
func TestAppendJSONStringIsEncodingJSON(t *testing.T) {
	ids := []string{"", "event", "a-1", "é", "\u2028", "a\x7fb", "<", ">", "&", `"`, `\`}
	for c := range 256 {
		ids = append(ids, string([]byte{byte(c)}), "x"+string([]byte{byte(c)})+"y")
	}
	for _, s := range ids {
		want, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := appendJSONString(nil, s); !bytes.Equal(got, want) {
			t.Errorf("appendJSONString(%q) = %s, encoding/json writes %s", s, got, want)
		}
	}
}
