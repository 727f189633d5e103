package cassino

import (
	"reflect"
	"slices"
	"testing"
)

// cardFields lists the fields of t (recursively) whose type holds cards.
func cardFields(t reflect.Type, prefix string, out *[]string) {
	card := reflect.TypeFor[Card]()
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		ft := f.Type
		for ft.Kind() == reflect.Slice || ft.Kind() == reflect.Pointer || ft.Kind() == reflect.Array {
			ft = ft.Elem()
		}
		switch {
		case ft == card:
			*out = append(*out, prefix+f.Name)
		case ft.Kind() == reflect.Struct:
			cardFields(ft, prefix+f.Name+".", out)
		}
	}
}

// TestRedactionCoversEveryField fails when View or Event gains a field
// holding cards that cardsOfView or cardsOfEvent does not look at, so the
// redaction checks cannot silently miss it.
func TestRedactionCoversEveryField(t *testing.T) {
	for _, tc := range []struct {
		typ  reflect.Type
		want []string
	}{
		{reflect.TypeFor[View](), []string{"Hand", "Table", "Builds.Sets", "Legal.Card", "Legal.Sets", "Legal.Cards"}},
		{reflect.TypeFor[Event](), []string{"Hands", "Table", "Card", "Sets", "Cards"}},
	} {
		var got []string
		cardFields(tc.typ, "", &got)
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s holds cards in %v; the redaction checks cover %v", tc.typ.Name(), got, tc.want)
		}
	}
}

// TestSameStateCoversEveryField fails when the state gains a field that
// sameState does not compare.
func TestSameStateCoversEveryField(t *testing.T) {
	const compared = 18
	if n := reflect.TypeFor[state]().NumField(); n != compared {
		t.Fatalf("state has %d fields; sameState compares %d", n, compared)
	}
	m, _, err := New(Setup{Options: DefaultOptions(2), Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	other := m.s.clone()
	other.Seed++
	if sameState(&m.s, other) || !sameState(&m.s, m.s.clone()) {
		t.Fatal("sameState does not tell states apart")
	}
}

func TestMaskSetAgreesWithAMap(t *testing.T) {
	var ms maskSet
	ref := map[uint64]bool{}
	x := uint64(1)
	for i := 0; i < 5000; i++ {
		x = x*6364136223846793005 + 1442695040888963407
		m := x >> (x % 61) // many small masks and some repeats, 0 included
		if got, want := ms.add(m), !ref[m]; got != want {
			t.Fatalf("add(%#x) = %v, want %v", m, got, want)
		}
		ref[m] = true
	}
}
