package playerclient

import (
	"encoding/json"
	"testing"
)

func TestHelloSendsLastSeqOnlyOnceASequenceIsHeld(t *testing.T) {
	for _, tc := range []struct {
		name    string
		lastSeq int64
		seen    bool
		want    string
	}{
		{"first connection", 0, false, `{"token":"tok","type":"hello","v":1}`},
		{"reconnect at the start", 0, true, `{"last_seq":0,"token":"tok","type":"hello","v":1}`},
		{"reconnect mid-match", 17, true, `{"last_seq":17,"token":"tok","type":"hello","v":1}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, _ := json.Marshal(Hello("tok", tc.lastSeq, tc.seen))
			if string(got) != tc.want {
				t.Fatalf("hello = %s, want %s", got, tc.want)
			}
		})
	}
}

func TestDecodeKeepsTheRawFrame(t *testing.T) {
	raw := []byte(`{"v":1,"type":"ack","action_id":"s0-3","seq":9,"duplicate":true}`)
	f, err := Decode(raw)
	if err != nil {
		t.Fatal(err)
	}
	if f.Type != "ack" || f.ActionID != "s0-3" || f.Seq != 9 || !f.Duplicate || string(f.Raw) != string(raw) {
		t.Fatalf("decoded %+v", f)
	}
	if _, err := Decode([]byte(`{"type":`)); err == nil {
		t.Fatal("a truncated frame decoded without an error")
	}
}
