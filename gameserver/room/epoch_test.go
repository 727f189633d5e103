package room

import (
	"testing"

	"github.com/croupier-dev/croupier/gameserver/actionlog"
)

func TestLossOf(t *testing.T) {
	setup := []byte(`{"seed":7}`)
	for _, tc := range []struct {
		name    string
		epoch   string
		seq     int64
		started bool
		stored  actionlog.Stored
		lost    bool
	}{
		{name: "new room", stored: actionlog.Stored{}},
		{name: "new pod finds the match", started: true, stored: actionlog.Stored{Setup: setup, Epoch: "e1", LastSeq: 9}},
		{name: "new pod, no setup, operator saw the start", started: true, stored: actionlog.Stored{}, lost: true},
		{name: "setup from before epochs", started: true, stored: actionlog.Stored{Setup: setup, LastSeq: 9}},
		{name: "in step", epoch: "e1", seq: 9, stored: actionlog.Stored{Setup: setup, Epoch: "e1", LastSeq: 9}},
		{name: "log ahead of memory", epoch: "e1", seq: 9, stored: actionlog.Stored{Setup: setup, Epoch: "e1", LastSeq: 12}},
		{name: "flushed", epoch: "e1", seq: 9, stored: actionlog.Stored{}, lost: true},
		{name: "epoch alone gone", epoch: "e1", seq: 9, stored: actionlog.Stored{Setup: setup, LastSeq: 9}, lost: true},
		{name: "another epoch", epoch: "e1", seq: 9, stored: actionlog.Stored{Setup: setup, Epoch: "e2", LastSeq: 9}, lost: true},
		{name: "log went back", epoch: "e1", seq: 9, stored: actionlog.Stored{Setup: setup, Epoch: "e1", LastSeq: 8}, lost: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			why := lossOf(tc.epoch, tc.seq, tc.started, tc.stored)
			if (why != "") != tc.lost {
				t.Fatalf("lossOf = %q, want lost=%v", why, tc.lost)
			}
		})
	}
}
