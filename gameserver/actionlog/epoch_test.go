package actionlog

import (
	"context"
	"testing"
)

func TestSetupAndEpochAreStoredTogetherOnce(t *testing.T) {
	ctx := context.Background()
	l, c := newLog(t)
	if st, err := l.LoadStored(ctx); err != nil || st.Setup != nil || st.Epoch != "" || st.LastSeq != 0 {
		t.Fatalf("before the start: %+v %v", st, err)
	}
	setup, epoch, err := l.Start(ctx, []byte(`{"seed":1}`), "e1")
	if err != nil || string(setup) != `{"seed":1}` || epoch != "e1" {
		t.Fatalf("first start: %s %s %v", setup, epoch, err)
	}
	// A second pod racing to start the same match gets the first's.
	setup, epoch, err = l.Start(ctx, []byte(`{"seed":2}`), "e2")
	if err != nil || string(setup) != `{"seed":1}` || epoch != "e1" {
		t.Fatalf("second start: %s %s %v, want the first setup and epoch", setup, epoch, err)
	}
	if _, err := l.Append(ctx, 0, entry(-1, "start")); err != nil {
		t.Fatal(err)
	}
	st, err := l.LoadStored(ctx)
	if err != nil || string(st.Setup) != `{"seed":1}` || st.Epoch != "e1" || st.LastSeq != 1 {
		t.Fatalf("stored %+v %v", st, err)
	}

	// A setup from before epochs gets the epoch offered, once.
	c.Del(ctx, keys.Epoch())
	if _, epoch, err = l.Start(ctx, []byte(`{"seed":3}`), "e3"); err != nil || epoch != "e3" {
		t.Fatalf("adopted epoch %s %v", epoch, err)
	}
	if st, _ := l.LoadStored(ctx); string(st.Setup) != `{"seed":1}` || st.Epoch != "e3" {
		t.Fatalf("after adoption %+v", st)
	}
}

func TestLoadStoredRefusesAMangledSequence(t *testing.T) {
	ctx := context.Background()
	l, c := newLog(t)
	c.Set(ctx, keys.Seq(), "seven", 0)
	if _, err := l.LoadStored(ctx); err == nil {
		t.Fatal("a non-numeric sequence was read")
	}
}
