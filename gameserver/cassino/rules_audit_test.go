package cassino_test

// Scenarios written from docs/CASSINO_RULES.md alone, through the exported
// API: each test names the rule sentence it holds the engine to.

import (
	"bytes"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/croupier-dev/croupier/gameserver/cassino"
)

type (
	card   = cassino.Card
	action = cassino.Action
	build  = cassino.PositionBuild
)

func cs(s string) []card { return cassino.MustParseCards(s) }

func c1(s string) card { return cs(s)[0] }

// sets reads "9D | 5H 4C" as [[9D] [5H 4C]].
func sets(s string) [][]card {
	var out [][]card
	for _, g := range strings.Split(s, "|") {
		out = append(out, cs(g))
	}
	return out
}

func capt(c, s string, builds ...string) action {
	var ss [][]card
	if strings.TrimSpace(s) != "" {
		ss = sets(s)
	}
	return cassino.CaptureAction(c1(c), ss, builds...)
}

func bld(c string, v int, loose string, builds ...string) action {
	return cassino.BuildAction(c1(c), v, cs(loose), builds...)
}

func trail(c string) action { return cassino.TrailAction(c1(c)) }

func two() cassino.Options { return cassino.DefaultOptions(2) }

func seat(i int) *int { return &i }

func position(t *testing.T, o cassino.Options, p cassino.Position) *cassino.Match {
	t.Helper()
	m, err := cassino.FromPosition(cassino.Setup{Options: o, Seed: 42}, p)
	if err != nil {
		t.Fatalf("position: %v", err)
	}
	return m
}

// hands gives each seat its cards ("" for none).
func hands(hs ...string) [][]card {
	out := make([][]card, len(hs))
	for i, h := range hs {
		out[i] = cs(h)
	}
	return out
}

func apply(t *testing.T, m *cassino.Match, s int, a action) []cassino.Event {
	t.Helper()
	evs, err := m.Apply(s, a)
	if err != nil {
		t.Fatalf("seat %d %v refused: %v", s, a, err)
	}
	return evs
}

// fingerprint is everything observable about the match: its snapshot and
// every seat's view.
func fingerprint(t *testing.T, m *cassino.Match) string {
	t.Helper()
	b, err := m.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	var sb strings.Builder
	sb.Write(b)
	for s := -1; s < m.Options().Players; s++ {
		v, err := json.Marshal(m.View(s))
		if err != nil {
			t.Fatal(err)
		}
		sb.Write(v)
	}
	return sb.String()
}

// refuse checks that the action is an error with a RuleError and that the
// match is exactly as before; it returns the error's code.
func refuse(t *testing.T, m *cassino.Match, s int, a action) string {
	t.Helper()
	before := fingerprint(t, m)
	evs, err := m.Apply(s, a)
	if err == nil {
		t.Fatalf("seat %d %v was accepted (events %+v), want refused", s, a, evs)
	}
	var re *cassino.RuleError
	if !errors.As(err, &re) {
		t.Fatalf("refusal %v is not a *RuleError", err)
	}
	if re.Message == "" {
		t.Errorf("refusal %q has no message", re.Code)
	}
	if after := fingerprint(t, m); after != before {
		t.Fatalf("refused %v changed the match", a)
	}
	return re.Code
}

func ofType(evs []cassino.Event, typ string) []cassino.Event {
	var out []cassino.Event
	for _, e := range evs {
		if e.Type == typ {
			out = append(out, e)
		}
	}
	return out
}

func one(t *testing.T, evs []cassino.Event, typ string) cassino.Event {
	t.Helper()
	got := ofType(evs, typ)
	if len(got) != 1 {
		t.Fatalf("want one %s event, got %d in %+v", typ, len(got), evs)
	}
	return got[0]
}

func sameCards(a, b []card) bool {
	x, y := slices.Clone(a), slices.Clone(b)
	slices.Sort(x)
	slices.Sort(y)
	return slices.Equal(x, y)
}

func wantTable(t *testing.T, m *cassino.Match, loose string) {
	t.Helper()
	if got := m.View(0).Table; !sameCards(got, cs(loose)) {
		t.Fatalf("table %v, want %v", got, cs(loose))
	}
}

func buildOf(t *testing.T, m *cassino.Match, id string) cassino.TableBuild {
	t.Helper()
	for _, b := range m.View(0).Builds {
		if b.ID == id {
			return b
		}
	}
	t.Fatalf("no build %s on the table: %+v", id, m.View(0).Builds)
	return cassino.TableBuild{}
}

func onlyBuild(t *testing.T, m *cassino.Match) cassino.TableBuild {
	t.Helper()
	bs := m.View(0).Builds
	if len(bs) != 1 {
		t.Fatalf("want one build, got %+v", bs)
	}
	return bs[0]
}

func pile(m *cassino.Match, s int) int { return m.View(s).PileCounts[s] }

// ---- The nine worked examples ----

func TestAuditExample1NineTakesNineAndFivePlusFourNotKing(t *testing.T) {
	p := cassino.Position{Turn: 0, Dealer: 1, Table: cs("5H 4C 9D KS"),
		Hands: hands("9S 2C", "3D 6D"), Deck: cs("7C 8C")}
	m := position(t, two(), p)
	refuse(t, m, 0, capt("9S", "9D | 5H 4C | KS"))
	refuse(t, m, 0, capt("9S", "9D | 5H 4C KS"))
	evs := apply(t, m, 0, capt("9S", "9D | 5H 4C"))
	e := one(t, evs, cassino.EventCaptured)
	if e.Card != c1("9S") || len(e.Sets) != 2 {
		t.Fatalf("captured event %+v", e)
	}
	wantTable(t, m, "KS")
	if got := pile(m, 0); got != 4 {
		t.Fatalf("pile %d cards, want 4 (3 taken + the 9 played)", got)
	}
	if len(ofType(evs, cassino.EventSwept)) != 0 {
		t.Fatal("the K stays: not a sweep")
	}
}

// example2 plays "Table 3. Hand 4, 7. Play 4 on 3: build 7".
func example2(t *testing.T, o cassino.Options) *cassino.Match {
	p := cassino.Position{Turn: 0, Dealer: 1, Table: cs("3D"),
		Hands: hands("4S 7H 8C", "2C 9C KD"), Deck: cs("QC QD QH QS")}
	m := position(t, o, p)
	evs := apply(t, m, 0, bld("4S", 7, "3D"))
	e := one(t, evs, cassino.EventBuilt)
	b := buildOf(t, m, e.Build)
	if b.Value != 7 || b.Owner != 0 || b.Multiple() || !sameCards(b.Cards(), cs("3D 4S")) {
		t.Fatalf("build %+v, want single 7 of 3D+4S owned by seat 0", b)
	}
	wantTable(t, m, "")
	return m
}

func TestAuditExample2BuildSevenOwnerMayNotTrail(t *testing.T) {
	m := example2(t, two())
	apply(t, m, 1, trail("KD"))
	if code := refuse(t, m, 0, trail("8C")); code != cassino.CodeOwnBuild {
		t.Errorf("code %q, want %q", code, cassino.CodeOwnBuild)
	}
	refuse(t, m, 0, trail("7H"))
	for _, a := range m.LegalActions(0) {
		if a.Type == cassino.Trail {
			t.Errorf("legal list offers %v to a build owner", a)
		}
	}
	// The owner may still capture the build whole with the 7.
	apply(t, m, 0, capt("7H", "", onlyBuild(t, m).ID))
	if got := pile(m, 0); got != 3 {
		t.Fatalf("pile %d, want 3", got)
	}
}

func TestAuditExample3OpponentIncreasesToNineAndOwnsIt(t *testing.T) {
	m := example2(t, two())
	id := onlyBuild(t, m).ID
	apply(t, m, 1, bld("2C", 9, "", id))
	b := onlyBuild(t, m)
	if b.Value != 9 || b.Owner != 1 || b.Multiple() || !sameCards(b.Cards(), cs("3D 4S 2C")) {
		t.Fatalf("build %+v, want single 9 owned by seat 1", b)
	}
	// Seat 0 no longer owns a build: it may trail.
	apply(t, m, 0, trail("8C"))
	// Seat 1 owns one now and may not.
	refuse(t, m, 1, trail("KD"))
	apply(t, m, 1, capt("9C", "", b.ID))
}

func TestAuditExample4FivesMultipleBuild(t *testing.T) {
	p := cassino.Position{Turn: 0, Dealer: 1, Table: cs("5D"),
		Hands: hands("5S 5C AC 6D", "AH 4H 6H 3C"), Deck: cs("QC QD QH QS")}
	m := position(t, two(), p)
	evs := apply(t, m, 0, bld("5S", 5, "5D"))
	b := buildOf(t, m, one(t, evs, cassino.EventBuilt).Build)
	if b.Value != 5 || !b.Multiple() || b.Owner != 0 || !sameCards(b.Cards(), cs("5D 5S")) {
		t.Fatalf("build %+v, want multiple fives of 5D, 5S", b)
	}
	// Nobody may increase it: not the opponent, who holds a 6 ...
	if code := refuse(t, m, 1, bld("AH", 6, "", b.ID)); code != cassino.CodeMultipleFixed {
		t.Errorf("code %q, want %q", code, cassino.CodeMultipleFixed)
	}
	apply(t, m, 1, trail("3C"))
	// ... nor the owner, who holds one too.
	if code := refuse(t, m, 0, bld("AC", 6, "", b.ID)); code != cassino.CodeMultipleFixed {
		t.Errorf("code %q, want %q", code, cassino.CodeMultipleFixed)
	}
	// ... nor anyone who does not hold the new value either: the build
	// is fixed, whatever the hand, and the refusal says so.
	if code := refuse(t, m, 0, bld("AC", 7, "", b.ID)); code != cassino.CodeMultipleFixed {
		t.Errorf("increasing to a value not held: code %q, want %q", code, cassino.CodeMultipleFixed)
	}
	apply(t, m, 0, capt("5C", "", b.ID))
	if got := pile(m, 0); got != 3 {
		t.Fatalf("pile %d, want 3 (both fives and the capturing five)", got)
	}
	if len(m.View(0).Builds) != 0 {
		t.Fatal("the build is still on the table")
	}
}

func TestAuditExample5JoinTwoPlusThreeToFiveMakesMultiple(t *testing.T) {
	p := cassino.Position{Turn: 0, Dealer: 1, Table: cs("2H"),
		Builds: []build{{ID: "b1", Sets: sets("4C AD"), Owner: 1}},
		Hands:  hands("3S 5S", "5H AH 2D 6C"), Deck: cs("QC QD QH QS")}
	m := position(t, two(), p)
	apply(t, m, 0, bld("3S", 5, "2H", "b1"))
	b := onlyBuild(t, m)
	if b.Value != 5 || !b.Multiple() || b.Owner != 0 || len(b.Sets) != 2 ||
		!sameCards(b.Cards(), cs("4C AD 2H 3S")) {
		t.Fatalf("build %+v, want multiple 5 of {4C,AD},{2H,3S} owned by seat 0", b)
	}
	for _, sub := range b.Sets {
		if len(sub) != 2 {
			t.Fatalf("sets %v, want {4,A} and {2,3}", b.Sets)
		}
	}
	refuse(t, m, 1, bld("AH", 6, "", b.ID))
	apply(t, m, 1, trail("6C"))
	refuse(t, m, 0, trail("5S"))
}

func TestAuditExample6QueensPairOneOrAllThree(t *testing.T) {
	t.Run("two on the table: exactly one", func(t *testing.T) {
		m := position(t, two(), cassino.Position{Turn: 0, Dealer: 1, Table: cs("QH QD"),
			Hands: hands("QS 4C", "QC 5C"), Deck: cs("7C 8C")})
		refuse(t, m, 0, capt("QS", "QH | QD"))
		refuse(t, m, 0, capt("QS", "QH QD"))
		apply(t, m, 0, capt("QS", "QH"))
		wantTable(t, m, "QD")
		if got := pile(m, 0); got != 2 {
			t.Fatalf("pile %d, want 2", got)
		}
	})
	t.Run("two on the table with courtCapturesAll: both", func(t *testing.T) {
		o := two()
		o.CourtCapturesAll = true
		m := position(t, o, cassino.Position{Turn: 0, Dealer: 1, Table: cs("QH QD"),
			Hands: hands("QS 4C", "QC 5C"), Deck: cs("7C 8C")})
		apply(t, m, 0, capt("QS", "QH | QD"))
		if got := pile(m, 0); got != 3 {
			t.Fatalf("pile %d, want 3", got)
		}
	})
	t.Run("three on the table: the fourth takes all three", func(t *testing.T) {
		m := position(t, two(), cassino.Position{Turn: 0, Dealer: 1, Table: cs("QH QD QC 4D"),
			Hands: hands("QS 4C", "5H 5C"), Deck: cs("7C 8C")})
		refuse(t, m, 0, capt("QS", "QH"))
		refuse(t, m, 0, capt("QS", "QH | QD"))
		apply(t, m, 0, capt("QS", "QH | QD | QC"))
		wantTable(t, m, "4D")
		if got := pile(m, 0); got != 4 {
			t.Fatalf("pile %d, want 4", got)
		}
	})
}

func TestAuditExample7TenOfDiamondsSweeps(t *testing.T) {
	m := position(t, two(), cassino.Position{Turn: 0, Dealer: 1, Table: cs("2S 8H"),
		Hands: hands("TD 3C", "4H 5H"), Deck: cs("7C 8C 9C JC")})
	evs := apply(t, m, 0, capt("TD", "2S 8H"))
	if e := one(t, evs, cassino.EventSwept); e.Seat != 0 {
		t.Fatalf("sweep by seat %d", e.Seat)
	}
	v := m.View(0)
	if v.Sweeps[0] != 1 || v.Sweeps[1] != 0 || len(v.Table) != 0 || v.PileCounts[0] != 3 {
		t.Fatalf("view after sweep %+v", v)
	}
}

func TestAuditExample8LastCapturerTakesTheRestNoSweep(t *testing.T) {
	// Seat 1 (dealer) plays the hand's last card and captures; three loose
	// cards remain and go to it.
	m := position(t, two(), cassino.Position{Turn: 1, Dealer: 1, Table: cs("9D 2H 4C KS"),
		Hands: hands("", "9S"), LastCapturer: seat(0)})
	evs := apply(t, m, 1, capt("9S", "9D"))
	if len(ofType(evs, cassino.EventSwept)) != 0 {
		t.Fatal("the last play of a hand is never a sweep")
	}
	lc := one(t, evs, cassino.EventLastCards)
	if lc.Seat != 1 || !sameCards(lc.Cards, cs("2H 4C KS")) {
		t.Fatalf("lastCards %+v, want seat 1 taking 2H 4C KS", lc)
	}
	sc := one(t, evs, cassino.EventHandScored)
	if sc.Tally[1].Cards != 5 || sc.Tally[1].Sweeps != 0 || sc.Tally[0].Cards != 0 {
		t.Fatalf("tally %+v, want seat 1: 5 cards, no sweep", sc.Tally)
	}

	// The same when the capture itself empties the table.
	m = position(t, two(), cassino.Position{Turn: 1, Dealer: 1, Table: cs("9D"),
		Hands: hands("", "9S"), LastCapturer: seat(0)})
	evs = apply(t, m, 1, capt("9S", "9D"))
	if len(ofType(evs, cassino.EventSwept)) != 0 {
		t.Fatal("a last play clearing the table is no sweep")
	}
	if sc := one(t, evs, cassino.EventHandScored); sc.Tally[1].Sweeps != 0 {
		t.Fatalf("tally %+v counts a sweep", sc.Tally)
	}
}

func TestAuditExample9CardsTiedAtTwentySix(t *testing.T) {
	// Seat 0: 7 spades with A and 2 of spades; seat 1: 6 spades, the other
	// three aces and the ten of diamonds. 26 cards each.
	sc := scoreHand(t, two(), []pileSpec{
		{cards: 26, has: "AS 2S 3S 4S 5S 6S 7S"},
		{cards: 26, has: "8S 9S TS JS QS KS AH AD AC TD"},
	}, 1, nil, nil)
	if sc.Tally[0].Cards != 26 || sc.Tally[1].Cards != 26 {
		t.Fatalf("tally %+v", sc.Tally)
	}
	// Seat 0: spades 1 + little casino 1 + ace 1; seat 1: 3 aces + big casino 2.
	if !slices.Equal(sc.Points, []int{3, 5}) {
		t.Fatalf("points %v, want [3 5] (nobody scores cards on 26-26)", sc.Points)
	}
}

// ---- Scoring ----

type pileSpec struct {
	cards int    // cards in the pile at the end of the hand
	has   string // these cards; the rest are fillers with no points
}

// scoreHand plays the last card of a hand whose capture piles end as
// specified (all 52 cards), seat lastCapturer taking the trailed card, and
// returns the handScored event. scores and sweeps are the match scores and
// sweeps before it (nil: zeros).
func scoreHand(t *testing.T, o cassino.Options, spec []pileSpec, lastCapturer int, scores, sweeps []int) cassino.Event {
	t.Helper()
	_, evs := scoreHandMatch(t, o, spec, lastCapturer, scores, sweeps)
	return one(t, evs, cassino.EventHandScored)
}

func scoreHandMatch(t *testing.T, o cassino.Options, spec []pileSpec, lastCapturer int, scores, sweeps []int) (*cassino.Match, []cassino.Event) {
	t.Helper()
	n := o.Players
	used := map[card]bool{}
	piles := make([][]card, n)
	for i, sp := range spec {
		for _, c := range cs(sp.has) {
			if used[c] {
				t.Fatalf("spec names %s twice", c)
			}
			used[c] = true
			piles[i] = append(piles[i], c)
		}
	}
	var fill []card
	for r := 1; r <= 13; r++ {
		for s := cassino.Spades; s <= cassino.Clubs; s++ {
			c := cassino.NewCard(r, s)
			if !used[c] {
				if s == cassino.Spades || r == 1 || c == c1("TD") {
					t.Fatalf("spec leaves %s, which scores, to fillers", c)
				}
				fill = append(fill, c)
			}
		}
	}
	for i, sp := range spec {
		for len(piles[i]) < sp.cards {
			piles[i], fill = append(piles[i], fill[0]), fill[1:]
		}
	}
	if len(fill) != 0 {
		t.Fatalf("spec leaves %d cards", len(fill))
	}
	// The trailed last card is a filler of the last capturer's pile.
	lc := piles[lastCapturer]
	last := lc[len(lc)-1]
	piles[lastCapturer] = lc[:len(lc)-1]
	dealer := n - 1
	hs := make([][]card, n)
	hs[dealer] = []card{last}
	m := position(t, o, cassino.Position{Turn: dealer, Dealer: dealer, Hands: hs,
		Captured: piles, LastCapturer: seat(lastCapturer), Scores: scores, Sweeps: sweeps})
	evs := apply(t, m, dealer, cassino.TrailAction(last))
	return m, evs
}

func total(xs []int) int {
	t := 0
	for _, x := range xs {
		t += x
	}
	return t
}

func TestAuditScoreTwentySevenCardsTakeThree(t *testing.T) {
	sc := scoreHand(t, two(), []pileSpec{
		{cards: 27, has: "AS 2S 3S 4S 5S 6S 7S"},
		{cards: 25, has: "8S 9S TS JS QS KS AH AD AC TD"},
	}, 0, nil, nil)
	// Seat 0: cards 3 + spades 1 + little casino 1 + ace 1.
	if !slices.Equal(sc.Points, []int{6, 5}) || total(sc.Points) != 11 {
		t.Fatalf("points %v, want [6 5]", sc.Points)
	}
	if sc.Tally[0].Spades != 7 || sc.Tally[0].Aces != 1 || !sc.Tally[0].LittleCasino || !sc.Tally[1].BigCasino {
		t.Fatalf("tally %+v", sc.Tally)
	}
}

func TestAuditScoreSweepsOption(t *testing.T) {
	spec := []pileSpec{
		{cards: 30, has: "AS 2S 3S 4S 5S 6S 7S AH AD AC TD"},
		{cards: 22, has: "8S 9S TS JS QS KS"},
	}
	sc := scoreHand(t, two(), spec, 0, nil, []int{2, 1})
	if !slices.Equal(sc.Points, []int{13, 1}) || total(sc.Points) != 11+3 {
		t.Fatalf("points %v, want [13 1]: 11 plus each sweep", sc.Points)
	}
	// With sweeps off no sweep is tallied, so a position holds none
	// (FromPosition refuses one that does); play makes none either
	// (TestAuditSweepOptionOffDuringPlay).
	o := two()
	o.Sweeps = false
	sc = scoreHand(t, o, spec, 0, nil, nil)
	if !slices.Equal(sc.Points, []int{11, 0}) {
		t.Fatalf("points %v with sweeps off, want [11 0]", sc.Points)
	}
}

func TestAuditSweepOptionOffDuringPlay(t *testing.T) {
	o := two()
	o.Sweeps = false
	m := position(t, o, cassino.Position{Turn: 0, Dealer: 1, Table: cs("2S 8H"),
		Hands: hands("TD 3C", "4H 5H"), Deck: cs("7C 8C 9C JC")})
	apply(t, m, 0, capt("TD", "2S 8H"))
	if v := m.View(0); v.Sweeps[0] != 0 {
		t.Fatalf("sweeps %v with sweeps off", v.Sweeps)
	}
}

func TestAuditSweepNeedsEmptyTableBuildsIncluded(t *testing.T) {
	m := position(t, two(), cassino.Position{Turn: 0, Dealer: 1, Table: cs("2S 8H"),
		Builds: []build{{ID: "b1", Sets: sets("3D 4D"), Owner: 1}},
		Hands:  hands("TD 3C", "7H 5H"), Deck: cs("7C 8C 9C JC")})
	evs := apply(t, m, 0, capt("TD", "2S 8H"))
	if len(ofType(evs, cassino.EventSwept)) != 0 {
		t.Fatal("a build is left on the table: not a sweep")
	}
	evs = apply(t, m, 1, capt("7H", "", "b1"))
	one(t, evs, cassino.EventSwept)
}

func TestAuditScoreThreePlayersTies(t *testing.T) {
	o := cassino.DefaultOptions(3)
	sc := scoreHand(t, o, []pileSpec{
		{cards: 18, has: "AS 2S 3S 4S 5S"},
		{cards: 18, has: "6S 7S 8S 9S TS TD"},
		{cards: 16, has: "JS QS KS AH AD AC"},
	}, 2, nil, nil)
	// Cards 18-18-16 and spades 5-5-3: nobody scores either.
	if !slices.Equal(sc.Points, []int{2, 2, 3}) {
		t.Fatalf("points %v, want [2 2 3]", sc.Points)
	}
	sc = scoreHand(t, o, []pileSpec{
		{cards: 20, has: "AS 2S 3S 4S 5S 6S"},
		{cards: 16, has: "7S 8S 9S TS TD"},
		{cards: 16, has: "JS QS KS AH AD AC"},
	}, 1, nil, nil)
	if !slices.Equal(sc.Points, []int{3 + 1 + 1 + 1, 2, 3}) {
		t.Fatalf("points %v, want [6 2 3]", sc.Points)
	}
}

func TestAuditScorePartnershipsAddPiles(t *testing.T) {
	o := cassino.DefaultOptions(4)
	if !o.Partnerships {
		t.Fatal("4 players default to partnerships")
	}
	// Side 0+2: 14+13 = 27 cards, 4+3 = 7 spades; side 1+3: 25 cards, 6
	// spades. No seat alone has most of either.
	sc := scoreHand(t, o, []pileSpec{
		{cards: 14, has: "AS 2S 3S 4S"},
		{cards: 13, has: "5S 6S 7S TD"},
		{cards: 13, has: "8S 9S TS AH"},
		{cards: 12, has: "JS QS KS AD AC"},
	}, 3, []int{4, 5, 4, 5}, nil)
	// Side 0: cards 3 + spades 1 + LC 1 + 2 aces = 7; side 1: BC 2 + 2 aces = 4.
	if !slices.Equal(sc.Points, []int{7, 4, 7, 4}) {
		t.Fatalf("points %v, want [7 4 7 4]", sc.Points)
	}
	if !slices.Equal(sc.Scores, []int{11, 9, 11, 9}) {
		t.Fatalf("scores %v, want [11 9 11 9]", sc.Scores)
	}
	if sc.Tally[0].Cards == sc.Tally[2].Cards {
		t.Fatalf("tally should stay per seat: %+v", sc.Tally)
	}
}

func TestAuditScoreFourPlayersEachForThemselves(t *testing.T) {
	o := cassino.DefaultOptions(4)
	o.Partnerships = false
	sc := scoreHand(t, o, []pileSpec{
		{cards: 13, has: "AS 2S 3S 4S"},
		{cards: 13, has: "5S 6S 7S TD"},
		{cards: 13, has: "8S 9S TS AH"},
		{cards: 13, has: "JS QS KS AD AC"},
	}, 3, nil, nil)
	if !slices.Equal(sc.Points, []int{1 + 1 + 1, 2, 1, 2}) {
		t.Fatalf("points %v, want [3 2 1 2]", sc.Points)
	}
}

// ---- The match ----

var evenSplit = []pileSpec{ // 26-26, seat 0 scores 3, seat 1 scores 5
	{cards: 26, has: "AS 2S 3S 4S 5S 6S 7S"},
	{cards: 26, has: "8S 9S TS JS QS KS AH AD AC TD"},
}

func TestAuditMatchEndsAtTarget(t *testing.T) {
	m, evs := scoreHandMatch(t, two(), evenSplit, 0, []int{15, 16}, nil)
	w := one(t, evs, cassino.EventMatchWon)
	if !slices.Equal(w.Winners, []int{1}) || !m.Finished() || !slices.Equal(m.View(0).Winners, []int{1}) {
		t.Fatalf("winners %v, want [1] (18 vs 21)", w.Winners)
	}
	refuse(t, m, m.Turn(), trail("2C"))

	m, evs = scoreHandMatch(t, two(), evenSplit, 0, []int{15, 15}, nil)
	if m.Finished() || len(ofType(evs, cassino.EventMatchWon)) != 0 {
		t.Fatal("20 is short of 21: another hand")
	}
	if hs := one(t, evs, cassino.EventHandStarted); hs.Hand != 2 {
		t.Fatalf("next hand %d", hs.Hand)
	}
}

func TestAuditMatchTargetEleven(t *testing.T) {
	o := two()
	o.TargetScore = 11
	m, evs := scoreHandMatch(t, o, evenSplit, 0, []int{8, 5}, nil)
	if !m.Finished() || !slices.Equal(one(t, evs, cassino.EventMatchWon).Winners, []int{0}) {
		t.Fatal("11 at target 11 wins")
	}
	var fromJSON cassino.Options
	if err := json.Unmarshal([]byte(`{}`), &fromJSON); err != nil || fromJSON.TargetScore != 21 {
		t.Fatalf("default target %d (%v), want 21", fromJSON.TargetScore, err)
	}
}

func TestAuditMatchSeveralReachHighestWins(t *testing.T) {
	m, evs := scoreHandMatch(t, two(), evenSplit, 0, []int{20, 19}, nil)
	if !m.Finished() || !slices.Equal(one(t, evs, cassino.EventMatchWon).Winners, []int{1}) {
		t.Fatalf("23 vs 24: seat 1 wins; finished %v", m.Finished())
	}
}

func TestAuditMatchTieAtTopPlaysAnotherHand(t *testing.T) {
	// 26-26 cards, seat 0: spades, big casino, one ace = 4; seat 1:
	// little casino, three aces = 4.
	tied := []pileSpec{
		{cards: 26, has: "3S 4S 5S 6S 7S 8S 9S TD AH"},
		{cards: 26, has: "TS JS QS KS 2S AS AD AC"},
	}
	m, evs := scoreHandMatch(t, two(), tied, 0, []int{20, 20}, nil)
	sc := one(t, evs, cassino.EventHandScored)
	if !slices.Equal(sc.Scores, []int{24, 24}) {
		t.Fatalf("scores %v, want [24 24]", sc.Scores)
	}
	if m.Finished() || len(ofType(evs, cassino.EventMatchWon)) != 0 {
		t.Fatal("an exact tie at the top plays another hand")
	}
	if v := m.View(0); v.HandNumber != 2 || v.HandCounts[0] != 4 {
		t.Fatalf("hand %d, hand counts %v: want a fresh hand 2", v.HandNumber, v.HandCounts)
	}
}

func TestAuditMatchThreePlayersTieAtTopAboveAThird(t *testing.T) {
	o := cassino.DefaultOptions(3)
	// Points [2 2 3] (see the 3-player ties test).
	spec := []pileSpec{
		{cards: 18, has: "AS 2S 3S 4S 5S"},
		{cards: 18, has: "6S 7S 8S 9S TS TD"},
		{cards: 16, has: "JS QS KS AH AD AC"},
	}
	m, _ := scoreHandMatch(t, o, spec, 2, []int{22, 22, 18}, nil)
	if m.Finished() {
		t.Fatal("24-24-21: the top is tied, another hand")
	}
	m, evs := scoreHandMatch(t, o, spec, 2, []int{22, 21, 18}, nil)
	if !m.Finished() || !slices.Equal(one(t, evs, cassino.EventMatchWon).Winners, []int{0}) {
		t.Fatal("24-23-21: seat 0 wins")
	}
}

func TestAuditMatchPartnershipWinnersAreTheSide(t *testing.T) {
	o := cassino.DefaultOptions(4)
	spec := []pileSpec{
		{cards: 14, has: "AS 2S 3S 4S"},
		{cards: 13, has: "5S 6S 7S TD"},
		{cards: 13, has: "8S 9S TS AH"},
		{cards: 12, has: "JS QS KS AD AC"},
	}
	m, evs := scoreHandMatch(t, o, spec, 3, []int{15, 19, 15, 19}, nil)
	// Side 0: 22, side 1: 23.
	if !m.Finished() || !slices.Equal(one(t, evs, cassino.EventMatchWon).Winners, []int{1, 3}) {
		t.Fatalf("want side 1+3 to win, finished %v", m.Finished())
	}
}

// ---- Capture ----

// mid is a 2-player position in the middle of a hand: seat 0 to play.
func mid(t *testing.T, o cassino.Options, table string, builds []build, h0, h1 string) *cassino.Match {
	t.Helper()
	p := cassino.Position{Turn: 0, Dealer: 1, Table: cs(table), Builds: builds, Hands: hands(h0, h1)}
	used := map[card]bool{}
	for _, c := range slices.Concat(p.Table, p.Hands[0], p.Hands[1]) {
		used[c] = true
	}
	for _, b := range builds {
		for _, st := range b.Sets {
			for _, c := range st {
				used[c] = true
			}
		}
	}
	// Four cards the scenario does not use stay in the deck, so the play
	// is not the hand's last.
	for r := 13; r >= 1 && len(p.Deck) < 4; r-- {
		if c := cassino.NewCard(r, cassino.Clubs); !used[c] {
			p.Deck = append(p.Deck, c)
		}
	}
	return position(t, o, p)
}

func TestAuditPairingNumberTakesEverySameRank(t *testing.T) {
	m := mid(t, two(), "7H 7D 3C", nil, "7S 2C", "4H 5H")
	apply(t, m, 0, capt("7S", "7H | 7D"))
	wantTable(t, m, "3C")
	if got := pile(m, 0); got != 3 {
		t.Fatalf("pile %d, want 3", got)
	}
}

func TestAuditPairingNumberMayNotLeaveASameRankCard(t *testing.T) {
	m := mid(t, two(), "7H 7D 3C", nil, "7S 2C", "4H 5H")
	refuse(t, m, 0, capt("7S", "7H"))
}

func TestAuditCaptureTakesEveryBuildOfItsValue(t *testing.T) {
	m := mid(t, two(), "KD", []build{
		{ID: "b1", Sets: sets("5C 3C"), Owner: 1},
		{ID: "b2", Sets: sets("6D 2D"), Owner: 1},
	}, "8S 2C", "4H 5H")
	refuse(t, m, 0, capt("8S", "", "b1"))
	// Worse: the owner of a 7-build pairs a loose 7 with its only 7 and
	// leaves its build, which nobody of its side can now take.
	m = position(t, two(), cassino.Position{Turn: 0, Dealer: 1, Table: cs("7D"),
		Builds: []build{{ID: "b1", Sets: sets("3D 4D"), Owner: 0}},
		Hands:  hands("7S 2C", "9C"), Deck: cs("KC KD KH KS")})
	refuse(t, m, 0, capt("7S", "7D"))
}

func TestAuditPairingNeedsSameRank(t *testing.T) {
	m := mid(t, two(), "3H 7D", nil, "7S 2C", "4H 5H")
	refuse(t, m, 0, capt("7S", "3H"))
	refuse(t, m, 0, capt("7S", "7D | 3H"))
	refuse(t, m, 0, capt("7S", ""))
}

func TestAuditCourtTakesExactlyOneWhenAFourthIsInAHand(t *testing.T) {
	// Three kings but the fourth is in the opponent's hand: not the "other
	// three on the table".
	m := mid(t, two(), "KH KD 4C", nil, "KS 2C", "KC 5H")
	refuse(t, m, 0, capt("KS", "KH | KD"))
	apply(t, m, 0, capt("KS", "KD"))
	wantTable(t, m, "KH 4C")
	apply(t, m, 1, capt("KC", "KH"))
}

func TestAuditCourtPairsOnlyItsRank(t *testing.T) {
	m := mid(t, two(), "QH JD 9C", nil, "KS 2C", "KC 5H")
	refuse(t, m, 0, capt("KS", "QH"))
	refuse(t, m, 0, capt("KS", "JD"))
	o := two()
	o.CourtCapturesAll = true
	m = mid(t, o, "QH JD 9C", nil, "KS 2C", "KC 5H")
	refuse(t, m, 0, capt("KS", "QH"))
}

func TestAuditCourtCapturesAllTakesEveryOneOfItsRank(t *testing.T) {
	o := two()
	o.CourtCapturesAll = true
	for _, table := range []string{"JH", "JH JD", "JH JD JC"} {
		m := mid(t, o, table+" 4C", nil, "JS 2C", "5C 5H")
		names := strings.Join(strings.Fields(table), " | ")
		apply(t, m, 0, capt("JS", names))
		wantTable(t, m, "4C")
	}
}

func TestAuditCourtNeverInASum(t *testing.T) {
	// A court has no numeric value: it may not ride in a set, not even
	// as a zero.
	m := mid(t, two(), "AH 9D JH KC", nil, "TC 2C", "4H 5H")
	refuse(t, m, 0, capt("TC", "AH 9D JH"))
	refuse(t, m, 0, capt("TC", "AH 9D | JH"))
	refuse(t, m, 0, capt("TC", "AH 9D KC"))
	apply(t, m, 0, capt("TC", "AH 9D"))
	wantTable(t, m, "JH KC")
	// A court played never sums either: a king takes no 10.
	m = mid(t, two(), "TH 3D", nil, "KS 2C", "4H 5H")
	refuse(t, m, 0, capt("KS", "TH"))
}

func TestAuditCombiningDisjointSetsPairingAndBuildsAtOnce(t *testing.T) {
	m := mid(t, two(), "9D 5H 4C 6S 3H 2H AH 8C", []build{
		{ID: "b1", Sets: sets("7C 2D"), Owner: 1},
	}, "9S 2C", "4H 5C")
	evs := apply(t, m, 0, capt("9S", "9D | 5H 4C | 6S 2H AH", "b1"))
	e := one(t, evs, cassino.EventCaptured)
	if len(e.Sets) != 3 || !slices.Equal(e.Builds, []string{"b1"}) {
		t.Fatalf("captured %+v", e)
	}
	wantTable(t, m, "3H 8C")
	if got := pile(m, 0); got != 9 {
		t.Fatalf("pile %d, want 9 (6 loose, 2 in the build, the 9)", got)
	}
	if len(m.View(0).Builds) != 0 || m.View(0).LastCapturer != 0 {
		t.Fatalf("view %+v", m.View(0))
	}
}

func TestAuditCombiningRefusals(t *testing.T) {
	m := mid(t, two(), "9D 5H 4C 6S 3H 8C", []build{
		{ID: "b1", Sets: sets("7C 2D"), Owner: 1},
		{ID: "b2", Sets: sets("6D 2S"), Owner: 1},
	}, "9S 2C", "4H 5C")
	cases := map[string]action{
		"a card in two sets":           capt("9S", "5H 4C | 4C 5H"),
		"the same card twice in a set": capt("9S", "5H 4C 4C"),
		"a set that does not sum":      capt("9S", "5H 3H"),
		"a set over the value":         capt("9S", "5H 4C 3H | 6S"),
		"a card left over in a set":    capt("9S", "6S 3H 8C"),
		"extra card of no set":         capt("9S", "9D | 8C"),
		"a build of another value":     capt("9S", "9D", "b2"),
		"a build named twice":          capt("9S", "9D", "b1", "b1"),
		"a card inside a build":        capt("9S", "7C 2D"),
		"part of a build":              capt("9S", "6S 3H | 2D 7C"),
		"a card not on the table":      capt("9S", "9H"),
		"a build that does not exist":  capt("9S", "9D", "b9"),
		"an empty set":                 cassino.CaptureAction(c1("9S"), [][]card{{}, cs("9D")}),
		"a capture of nothing":         capt("9S", ""),
		"a card not held":              capt("9C", "9D"),
		"a capture with a value":       {Type: cassino.Capture, Card: c1("9S"), Sets: sets("9D"), Value: 9},
	}
	for name, a := range cases {
		t.Run(name, func(t *testing.T) { refuse(t, m, 0, a) })
	}
}

func TestAuditBuildTakenOnlyWhole(t *testing.T) {
	m := mid(t, two(), "KD", []build{
		{ID: "b1", Sets: sets("5D | 3S 2C"), Owner: 1},
	}, "5H 3H 2H", "4H 6C")
	refuse(t, m, 0, capt("5H", "5D"))
	refuse(t, m, 0, capt("5H", "3S 2C"))
	refuse(t, m, 0, capt("3H", "3S"))
	refuse(t, m, 0, capt("2H", "2C"))
	refuse(t, m, 0, capt("3H", "", "b1"))
	apply(t, m, 0, capt("5H", "", "b1"))
	if got := pile(m, 0); got != 4 {
		t.Fatalf("pile %d, want 4", got)
	}
}

// ---- Build ----

func TestAuditBuildNeedsTheCapturingCardAfterwards(t *testing.T) {
	m := mid(t, two(), "3D", nil, "4S 8H", "2C 9C")
	if code := refuse(t, m, 0, bld("4S", 7, "3D")); code != cassino.CodeNoCapturingCard {
		t.Errorf("code %q, want %q", code, cassino.CodeNoCapturingCard)
	}
	// The played card is not the one that will capture.
	m = mid(t, two(), "5D", nil, "5S 9H", "2C 9C")
	refuse(t, m, 0, bld("5S", 10, "5D"))
	m = mid(t, two(), "3D", nil, "7S 3H", "2C 9C")
	refuse(t, m, 0, bld("7S", 10, "3D"))
	apply(t, mid(t, two(), "3D", nil, "7S TH", "2C 9C"), 0, bld("7S", 10, "3D"))
}

func TestAuditBuildValuesTwoToTen(t *testing.T) {
	apply(t, mid(t, two(), "AD", nil, "AS 2H", "2C 9C"), 0, bld("AS", 2, "AD"))
	apply(t, mid(t, two(), "4D 2D", nil, "4S TH", "2C 9C"), 0, bld("4S", 10, "4D 2D"))
	refuse(t, mid(t, two(), "6D", nil, "5S AH", "2C 9C"), 0, bld("5S", 11, "6D"))
	refuse(t, mid(t, two(), "6D", nil, "5S AH", "2C 9C"), 0, bld("5S", 1, "6D"))
	refuse(t, mid(t, two(), "6D", nil, "5S AH", "2C 9C"), 0, bld("5S", 0, "6D"))
}

func TestAuditBuildOfOneCardIsNotAThing(t *testing.T) {
	m := mid(t, two(), "3D", nil, "5S 5H", "2C 9C")
	refuse(t, m, 0, bld("5S", 5, ""))
	refuse(t, m, 0, bld("5S", 5, "", ""))
}

func TestAuditBuildAnnouncedValueMustMatch(t *testing.T) {
	m := mid(t, two(), "3D 2D", nil, "4S 7H 9H", "2C 9C")
	refuse(t, m, 0, bld("4S", 9, "3D"))
	refuse(t, m, 0, bld("4S", 7, "3D 2D"))
	apply(t, m, 0, bld("4S", 9, "3D 2D"))
}

func TestAuditBuildMayJoinSeveralSetsAtOnce(t *testing.T) {
	// 4 on 3, joined by 5+2: "sevens" with a 7 still held.
	m := mid(t, two(), "3D 5D 2D", nil, "4S 7H", "2C 9C")
	apply(t, m, 0, bld("4S", 7, "3D 5D 2D"))
	b := onlyBuild(t, m)
	if b.Value != 7 || len(b.Sets) != 2 || b.Owner != 0 {
		t.Fatalf("build %+v, want two sets of 7", b)
	}
}

func TestAuditCourtNeverInABuild(t *testing.T) {
	m := mid(t, two(), "JD 5D", nil, "KS 5H 4C 9C", "2C 9D")
	if code := refuse(t, m, 0, bld("4C", 9, "5D JD")); code != cassino.CodeCourtInBuild && code != cassino.CodeIllegalBuild {
		t.Errorf("code %q", code)
	}
	refuse(t, m, 0, bld("KS", 5, "5D"))
	refuse(t, m, 0, bld("4C", 4, "JD"))
	for _, a := range m.LegalActions(0) {
		if a.Type == cassino.Build && (a.Card.IsCourt() || slices.ContainsFunc(a.Cards, cassino.Card.IsCourt)) {
			t.Errorf("legal list offers %v", a)
		}
	}
}

func TestAuditIncreaseNeedsTheNewValueHeld(t *testing.T) {
	bs := []build{{ID: "b1", Sets: sets("3D 4S"), Owner: 1}}
	m := mid(t, two(), "KD", bs, "2C 7H", "7C")
	refuse(t, m, 0, bld("2C", 9, "", "b1"))
	m = mid(t, two(), "KD", bs, "4C TH", "7C")
	refuse(t, m, 0, bld("4C", 11, "", "b1"))
	apply(t, mid(t, two(), "KD", bs, "3C TH", "7C"), 0, bld("3C", 10, "", "b1"))
}

func TestAuditIncreaseOwnBuildOption(t *testing.T) {
	bs := []build{{ID: "b1", Sets: sets("3D 4S"), Owner: 0}}
	m := mid(t, two(), "KD", bs, "2C 9H 7H", "2H 9C 7C")
	apply(t, m, 0, bld("2C", 9, "", "b1"))
	if b := onlyBuild(t, m); b.Value != 9 || b.Owner != 0 {
		t.Fatalf("build %+v", b)
	}

	o := two()
	o.IncreaseOwnBuild = false
	m = mid(t, o, "KD", bs, "2C 9H 7H", "2H 9C 7C")
	if code := refuse(t, m, 0, bld("2C", 9, "", "b1")); code != cassino.CodeIncreaseOwnBuild {
		t.Errorf("code %q, want %q", code, cassino.CodeIncreaseOwnBuild)
	}
	// Forbidden outright: the refusal names the option, not the missing 9.
	m = mid(t, o, "KD", bs, "2C 8H 7H", "2H 9C 7C")
	if code := refuse(t, m, 0, bld("2C", 9, "", "b1")); code != cassino.CodeIncreaseOwnBuild {
		t.Errorf("increasing to a value not held: code %q, want %q", code, cassino.CodeIncreaseOwnBuild)
	}
	m = mid(t, o, "KD", bs, "2C 9H 7H", "2H 9C 7C")
	apply(t, m, 0, capt("7H", "", "b1"))
	// The opponent may still increase a build the mover does not own.
	m = position(t, o, cassino.Position{Turn: 1, Dealer: 0, Table: cs("KD"), Builds: bs,
		Hands: hands("2C 9H 7H", "2H 9C 7C"), Deck: cs("QC QD QH QS")})
	apply(t, m, 1, bld("2H", 9, "", "b1"))
	if b := onlyBuild(t, m); b.Owner != 1 {
		t.Fatalf("build %+v, want owned by seat 1", b)
	}
}

func TestAuditMultipleBuildAcceptsCardOrSetOfItsValue(t *testing.T) {
	bs := []build{{ID: "b1", Sets: sets("6D | 4S 2C"), Owner: 0}}
	// A card of the value, another still held.
	m := position(t, two(), cassino.Position{Turn: 1, Dealer: 0, Table: cs("3H 3C 5C"), Builds: bs,
		Hands: hands("AH 6S", "6H 6C 2H"), Deck: cs("QC QD QH QS")})
	apply(t, m, 1, bld("6H", 6, "", "b1"))
	b := onlyBuild(t, m)
	if b.Value != 6 || len(b.Sets) != 3 || b.Owner != 1 {
		t.Fatalf("build %+v, want three sets of 6 owned by seat 1", b)
	}
	// Anyone holding a 6 may add a set totalling 6 (A from hand + 5).
	apply(t, m, 0, bld("AH", 6, "5C", "b1"))
	b = onlyBuild(t, m)
	if len(b.Sets) != 4 || b.Owner != 0 || !sameCards(b.Cards(), cs("6D 4S 2C 6H AH 5C")) {
		t.Fatalf("build %+v, want four sets owned by seat 0", b)
	}
	// Without a 6 left in hand, nothing may be added.
	m = mid(t, two(), "5C", bs, "AH 2S", "6H")
	refuse(t, m, 0, bld("AH", 6, "5C", "b1"))
	m = mid(t, two(), "5C", bs, "6H 2S", "6C")
	refuse(t, m, 0, bld("6H", 6, "", "b1"))
	// A card that does not make a set of 6 is refused too.
	m = mid(t, two(), "5C", bs, "AH 6H", "6C")
	refuse(t, m, 0, bld("AH", 6, "", "b1"))
}

// ---- Trail and ownership ----

func TestAuditTrailWhenCaptureAvailableOption(t *testing.T) {
	bs := []build{{ID: "b1", Sets: sets("3D 4D"), Owner: 1}}
	o := two()
	o.TrailWhenCaptureAvailable = false
	for _, tc := range []struct{ table, hand, card string }{
		{"7D 5C", "7S 3H", "7S"}, // pairing
		{"5C 4D", "9S 3H", "9S"}, // combining
		{"5C", "7S 3H", "7S"},    // a build of its value
		{"QD 5C", "QS 3H", "QS"}, // a court pairing
		{"AD 5C", "AS 3H", "AS"}, // an ace pairing
	} {
		var b []build
		if tc.table == "5C" {
			b = bs
		}
		m := mid(t, o, tc.table, b, tc.hand, "2C 2H")
		if code := refuse(t, m, 0, trail(tc.card)); code != cassino.CodeMustCapture {
			t.Errorf("%s on %s: code %q, want %q", tc.card, tc.table, code, cassino.CodeMustCapture)
		}
		apply(t, m, 0, trail("3H")) // 3H captures nothing here
		// The default lets the same card trail.
		apply(t, mid(t, two(), tc.table, b, tc.hand, "2C 2H"), 0, trail(tc.card))
	}
}

// four is a 4-player position: seat 0 owns a 7-build (3D+4S), seat 2 to play.
func four(t *testing.T, o cassino.Options, h2 string) *cassino.Match {
	return position(t, o, cassino.Position{Turn: 2, Dealer: 3, Table: cs("5H"),
		Builds: []build{{ID: "b1", Sets: sets("3D 4S"), Owner: 0}},
		Hands:  hands("7H 2C", "KH 8D", h2, "QD 8C"), Deck: cs("9C 9D 9S TC")})
}

func TestAuditTrailForbiddenForTheSideOwningABuild(t *testing.T) {
	o := cassino.DefaultOptions(4)
	m := four(t, o, "5C 9H")
	if code := refuse(t, m, 2, trail("9H")); code != cassino.CodeOwnBuild {
		t.Errorf("code %q, want %q", code, cassino.CodeOwnBuild)
	}
	apply(t, m, 2, capt("5C", "5H"))
	// The other side owns nothing and trails freely.
	apply(t, m, 3, trail("QD"))

	o.Partnerships = false
	m = four(t, o, "5C 9H")
	apply(t, m, 2, trail("9H"))
}

func TestAuditOwnershipMovesToWhoLastChangedTheBuild(t *testing.T) {
	// Seat 2 (partner of the owner) increases the build: it owns it now,
	// and its side still may not trail; seat 0 neither.
	o := cassino.DefaultOptions(4)
	m := four(t, o, "2H 9H 6C")
	apply(t, m, 2, bld("2H", 9, "", "b1"))
	if b := onlyBuild(t, m); b.Owner != 2 || b.Value != 9 {
		t.Fatalf("build %+v, want 9 owned by seat 2", b)
	}
	apply(t, m, 3, trail("QD"))
	refuse(t, m, 0, trail("2C"))
	apply(t, m, 0, bld("2C", 7, "5H"))
	if b := buildOf(t, m, "b1"); b.Owner != 2 {
		t.Fatalf("build %+v changed owner", b)
	}
}

// ---- Dealing, turns and invariants over whole matches ----

// stored is the part of a Snapshot that holds cards: the server's whole
// truth, for checking that every card is somewhere exactly once.
type stored struct {
	State struct {
		Deck   []card   `json:"deck"`
		Hands  [][]card `json:"hands"`
		Table  []card   `json:"table"`
		Piles  [][]card `json:"piles"`
		Builds []struct {
			Sets [][]card `json:"sets"`
		} `json:"builds"`
	} `json:"state"`
}

func storedOf(t *testing.T, m *cassino.Match) stored {
	t.Helper()
	b, err := m.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	var st stored
	if err := json.Unmarshal(b, &st); err != nil {
		t.Fatal(err)
	}
	return st
}

func checkAllCards(t *testing.T, m *cassino.Match) stored {
	t.Helper()
	st := storedOf(t, m)
	all := slices.Concat(st.State.Deck, st.State.Table)
	for _, h := range st.State.Hands {
		all = append(all, h...)
	}
	for _, p := range st.State.Piles {
		all = append(all, p...)
	}
	for _, b := range st.State.Builds {
		for _, s := range b.Sets {
			all = append(all, s...)
		}
	}
	slices.Sort(all)
	if len(all) != 52 || len(slices.Compact(all)) != 52 {
		t.Fatalf("cards accounted for: %d (distinct %d), want 52 once each", len(all), len(slices.Compact(all)))
	}
	// The public counts agree.
	v := m.View(-1)
	n := v.DeckCount + len(v.Table) + total(v.HandCounts) + total(v.PileCounts)
	for _, b := range v.Builds {
		n += len(b.Cards())
		if b.Value < 2 || b.Value > 10 {
			t.Fatalf("build %+v has value out of 2..10", b)
		}
		for _, s := range b.Sets {
			sum := 0
			for _, c := range s {
				if c.IsCourt() {
					t.Fatalf("court in build %+v", b)
				}
				sum += c.Value()
			}
			if sum != b.Value {
				t.Fatalf("build %+v: a set sums to %d", b, sum)
			}
		}
		if len(b.Sets) == 1 && len(b.Sets[0]) < 2 {
			t.Fatalf("a build of one card: %+v", b)
		}
	}
	if n != 52 {
		t.Fatalf("views account for %d cards", n)
	}
	return st
}

// checkPrivate: what seat may see names no card of another hand nor of
// the deck.
func checkPrivate(t *testing.T, m *cassino.Match, st stored, evs []cassino.Event) {
	t.Helper()
	n := m.Options().Players
	// Cards of a finished hand are shuffled into the next one: only the
	// events of the hand in play must keep its secrets.
	if i := slices.IndexFunc(evs, func(e cassino.Event) bool { return e.Type == cassino.EventHandStarted }); i >= 0 {
		evs = evs[i:]
	}
	for s := -1; s < n; s++ {
		hidden := slices.Clone(st.State.Deck)
		for o := 0; o < n; o++ {
			if o != s {
				hidden = append(hidden, st.State.Hands[o]...)
			}
		}
		v := m.View(s)
		vb, _ := json.Marshal(v)
		var eb []byte
		for _, e := range evs {
			b, _ := json.Marshal(e.For(s))
			eb = append(eb, b...)
		}
		for _, c := range hidden {
			q := []byte(`"` + c.String() + `"`)
			if bytes.Contains(vb, q) || bytes.Contains(eb, q) {
				t.Fatalf("seat %d can see the hidden %s: view %s events %s", s, c, vb, eb)
			}
		}
		if s < 0 && (len(v.Hand) > 0 || len(v.Legal) > 0) {
			t.Fatal("a spectator sees a hand or legal plays")
		}
		if s >= 0 && !sameCards(v.Hand, st.State.Hands[s]) {
			t.Fatalf("seat %d view hand %v, holds %v", s, v.Hand, st.State.Hands[s])
		}
		if s >= 0 && s != m.Turn() && (len(v.Legal) > 0 || m.LegalActions(s) != nil) {
			t.Fatalf("seat %d is offered plays out of turn", s)
		}
	}
}

type handLog struct {
	dealer int
	deals  []cassino.Event
}

// playMatch plays a whole match with random legal plays, checking every
// invariant at each step, and returns the deals of each hand.
func playMatch(t *testing.T, o cassino.Options, seed int64) []handLog {
	t.Helper()
	setup := cassino.Setup{Options: o, Seed: seed}
	m, opening, err := cassino.New(setup)
	if err != nil {
		t.Fatal(err)
	}
	n := o.Players
	logs := []handLog{{dealer: one(t, opening, cassino.EventHandStarted).Dealer,
		deals: []cassino.Event{one(t, opening, cassino.EventDealt)}}}
	all := slices.Clone(opening)
	rng := rand.New(rand.NewPCG(uint64(seed), 7))
	st := checkAllCards(t, m)
	checkPrivate(t, m, st, opening)
	for step := 0; !m.Finished(); step++ {
		if step > 5000 {
			t.Fatal("the match does not end")
		}
		mover := m.Turn()
		before := m.View(mover)
		if len(before.Legal) == 0 {
			t.Fatalf("seat %d has no legal play: %+v", mover, before)
		}
		// Nobody else may act, with any card they hold.
		for o := 0; o < n; o++ {
			if o != mover && len(st.State.Hands[o]) > 0 {
				if code := refuse(t, m, o, trail(st.State.Hands[o][0].String())); code != cassino.CodeNotYourTurn {
					t.Fatalf("out of turn: code %q", code)
				}
			}
		}
		checkLegal(t, o, before)
		a := cassino.RandomLegal(before, rng)
		if step%3 == 0 {
			a = cassino.Greedy(before)
		}
		if step%7 == 0 {
			fp := fingerprint(t, m)
			if _, err := m.Decide(mover, a); err != nil {
				t.Fatalf("a legal play %v is refused: %v", a, err)
			}
			if fingerprint(t, m) != fp {
				t.Fatal("Decide changed the match")
			}
		}
		evs := apply(t, m, mover, a)
		all = append(all, evs...)
		st = checkAllCards(t, m)
		checkPrivate(t, m, st, evs)

		// Exactly one card left the mover's hand (then maybe a deal).
		after := m.View(mover).Hand
		newHand := slices.DeleteFunc(slices.Clone(before.Hand), func(c card) bool { return c == a.Card })
		if len(newHand) != len(before.Hand)-1 {
			t.Fatalf("played %s not in hand %v", a.Card, before.Hand)
		}
		scored := false
		for _, e := range evs {
			switch e.Type {
			case cassino.EventHandScored:
				scored = true
				checkScored(t, o, e)
			case cassino.EventHandStarted:
				if want := (logs[len(logs)-1].dealer + 1) % n; e.Dealer != want {
					t.Fatalf("hand %d dealt by %d, want %d", e.Hand, e.Dealer, want)
				}
				logs = append(logs, handLog{dealer: e.Dealer})
			case cassino.EventDealt:
				l := &logs[len(logs)-1]
				l.deals = append(l.deals, e)
				if e.Deal > 1 && total(before.HandCounts) != 1 {
					t.Fatalf("dealt while hands hold %v", before.HandCounts)
				}
				newHand = e.Hands[mover]
			}
		}
		if !scored && !m.Finished() && !sameCards(after, newHand) {
			t.Fatalf("hand %v after playing %s from %v", after, a.Card, before.Hand)
		}
		checkSweep(t, m, o, evs, scored)
		if scored {
			checkMatchEnd(t, m, o, one(t, evs, cassino.EventHandScored))
		}
		if m.Finished() {
			break
		}
		if scored {
			if want := (logs[len(logs)-1].dealer + 1) % n; m.Turn() != want {
				t.Fatalf("new hand: seat %d plays first, want %d (dealer's left)", m.Turn(), want)
			}
		} else if m.Turn() != (mover+1)%n {
			t.Fatalf("after seat %d, seat %d plays", mover, m.Turn())
		}
	}
	// The log replays to the same match.
	r, err := cassino.Replay(setup, all)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := m.Snapshot()
	b, _ := r.Snapshot()
	if !bytes.Equal(a, b) {
		t.Fatal("replaying the events gives another match")
	}
	return logs
}

func TestAuditDealsPerHandAndTurnOrder(t *testing.T) {
	for _, tc := range []struct {
		o     cassino.Options
		deals int
	}{
		{cassino.DefaultOptions(2), 6},
		{cassino.DefaultOptions(3), 4},
		{cassino.DefaultOptions(4), 3},
		{func() cassino.Options { o := cassino.DefaultOptions(4); o.Partnerships = false; return o }(), 3},
	} {
		for seed := int64(1); seed <= 3; seed++ {
			n := tc.o.Players
			logs := playMatch(t, tc.o, seed)
			if logs[0].dealer != n-1 {
				t.Fatalf("first dealer %d, want %d so that seat 0 plays first", logs[0].dealer, n-1)
			}
			for h, l := range logs {
				if h == len(logs)-1 && len(l.deals) < tc.deals {
					continue // a hand being played when the match ended cannot be
				}
				if len(l.deals) != tc.deals {
					t.Fatalf("%d players, hand %d: %d deals, want %d", n, h+1, len(l.deals), tc.deals)
				}
				for i, d := range l.deals {
					if d.Deal != i+1 || d.Last != (i == tc.deals-1) {
						t.Fatalf("deal %d of %d: %+v", i+1, tc.deals, d)
					}
					if (i == 0) != (len(d.Table) == 4) || (i > 0 && len(d.Table) != 0) {
						t.Fatalf("deal %d puts %v on the table", i+1, d.Table)
					}
					for s := 0; s < n; s++ {
						if d.Counts[s] != 4 || len(d.Hands[s]) != 4 {
							t.Fatalf("deal %d gives seat %d %d cards", i+1, s, d.Counts[s])
						}
					}
				}
			}
			if len(logs) < 2 {
				t.Fatalf("%d players: a match of one hand cannot show the dealer rotating", n)
			}
		}
	}
}

func TestAuditOpeningDealAndLastDealFlag(t *testing.T) {
	m, opening, err := cassino.New(cassino.Setup{Options: two(), Seed: 11})
	if err != nil {
		t.Fatal(err)
	}
	v := m.View(0)
	if len(v.Hand) != 4 || len(v.Table) != 4 || v.DeckCount != 40 || v.Turn != 0 ||
		v.Dealer != 1 || v.Deal != 1 || v.HandNumber != 1 || v.LastDeal || v.LastCapturer != -1 {
		t.Fatalf("opening view %+v", v)
	}
	if d := one(t, opening, cassino.EventDealt); d.Last || d.Deal != 1 {
		t.Fatalf("opening deal %+v", d)
	}
	// Same seed, same deal: the hand can be replayed exactly.
	_, again, _ := cassino.New(cassino.Setup{Options: two(), Seed: 11})
	a, _ := json.Marshal(opening)
	b, _ := json.Marshal(again)
	if !bytes.Equal(a, b) {
		t.Fatal("the same seed deals differently")
	}
	rng := rand.New(rand.NewPCG(3, 3))
	for m.View(0).Deal < 6 {
		apply(t, m, m.Turn(), cassino.RandomLegal(m.View(m.Turn()), rng))
	}
	if v := m.View(1); !v.LastDeal || v.DeckCount != 0 || total(v.HandCounts) != 8 {
		t.Fatalf("sixth deal view %+v", v)
	}
}

func TestAuditOptionsFromJSON(t *testing.T) {
	var o cassino.Options
	if err := json.Unmarshal([]byte(`{"players":4}`), &o); err != nil {
		t.Fatal(err)
	}
	want := cassino.Options{Players: 4, Partnerships: true, Sweeps: true, TargetScore: 21,
		IncreaseOwnBuild: true, TrailWhenCaptureAvailable: true}
	if o != want {
		t.Fatalf("defaults %+v, want %+v", o, want)
	}
	for _, bad := range []string{`{"players":5}`, `{"players":1}`, `{"targetScore":0}`} {
		if err := json.Unmarshal([]byte(bad), &o); err == nil {
			if _, _, err := cassino.New(cassino.Setup{Options: o}); err == nil {
				t.Errorf("%s accepted", bad)
			}
		}
	}
}

// ---- More edges ----

func TestAuditOutOfRangeSeatsMayNotAct(t *testing.T) {
	m := mid(t, two(), "2H", nil, "3S 4S", "9C")
	for _, s := range []int{-1, 1, 2, 99} {
		if code := refuse(t, m, s, trail("3S")); code != cassino.CodeNotYourTurn {
			t.Errorf("seat %d: code %q", s, code)
		}
	}
	refuse(t, m, 0, trail("9C"))                                                   // not held
	refuse(t, m, 0, cassino.Action{Type: "discard", Card: c1("3S")})               // no such play
	refuse(t, m, 0, cassino.Action{Type: cassino.Trail})                           // no card
	refuse(t, m, 0, cassino.Action{Type: cassino.Trail, Card: c1("3S"), Value: 3}) // extra field
}

func TestAuditProtocolActionFormsPlay(t *testing.T) {
	m := mid(t, two(), "9D 5H 4C 2C", []build{{ID: "b1", Sets: sets("6D 3D"), Owner: 1}}, "9S 3H 5S", "9C")
	var a action
	if err := json.Unmarshal([]byte(`{"type":"capture","card":"9S","cards":[["9D"],["5H","4C"]],"builds":["b1"]}`), &a); err != nil {
		t.Fatal(err)
	}
	apply(t, m, 0, a)
	wantTable(t, m, "2C")
	apply(t, m, 1, trail("9C"))
	if err := json.Unmarshal([]byte(`{"type":"build","card":"3H","cards":["2C"],"builds":[],"value":5}`), &a); err != nil {
		t.Fatal(err)
	}
	apply(t, m, 0, a)
	if b := onlyBuild(t, m); b.Value != 5 || b.Owner != 0 {
		t.Fatalf("build %+v", b)
	}
}

func TestAuditSweepOnTheLastPlayOfADealCounts(t *testing.T) {
	// The last card of a deal (not of the hand) that clears the table is
	// a sweep; the next deal follows.
	m := position(t, two(), cassino.Position{Turn: 1, Dealer: 1, Table: cs("4D 2S"),
		Hands: hands("", "6C"), Deck: cs("2C 3C 4C 5C 7C 8C 9C TC")})
	evs := apply(t, m, 1, capt("6C", "4D 2S"))
	one(t, evs, cassino.EventSwept)
	if d := one(t, evs, cassino.EventDealt); !d.Last || len(d.Table) != 0 {
		t.Fatalf("deal %+v: the last, nothing to the table", d)
	}
	if v := m.View(0); v.Turn != 0 || len(v.Table) != 0 || v.Sweeps[1] != 1 || !v.LastDeal {
		t.Fatalf("view %+v", v)
	}
}

func TestAuditLastCardsGoToLastCapturerAfterOthersTrail(t *testing.T) {
	m := position(t, two(), cassino.Position{Turn: 0, Dealer: 1, Table: cs("9D 2H"),
		Hands: hands("KC", "4S"), LastCapturer: seat(0)})
	apply(t, m, 0, trail("KC"))
	evs := apply(t, m, 1, trail("4S"))
	lc := one(t, evs, cassino.EventLastCards)
	if lc.Seat != 0 || !sameCards(lc.Cards, cs("9D 2H KC 4S")) {
		t.Fatalf("lastCards %+v, want seat 0 taking all four", lc)
	}
	if len(ofType(evs, cassino.EventSwept)) != 0 {
		t.Fatal("taking the last cards is never a sweep")
	}
}

func TestAuditSingleBuildJoinedByACardOfItsValue(t *testing.T) {
	// "a 5 played on a 5" works on a single build of 5 too: it becomes
	// multiple and changes owner.
	m := mid(t, two(), "KH", []build{{ID: "b1", Sets: sets("4C AD"), Owner: 1}}, "5S 5C", "9C")
	apply(t, m, 0, bld("5S", 5, "", "b1"))
	if b := onlyBuild(t, m); !b.Multiple() || b.Owner != 0 || b.Value != 5 {
		t.Fatalf("build %+v", b)
	}
}

// ---- How the engine reads sentences the rules leave open ----

func TestAuditReadingIncreaseUsesTheHandCardAlone(t *testing.T) {
	// "increase ... by adding a card from hand": not with table cards.
	m := mid(t, two(), "2H", []build{{ID: "b1", Sets: sets("4C AD"), Owner: 1}}, "3S TS", "9C")
	refuse(t, m, 0, bld("3S", 10, "2H", "b1"))
}

func TestAuditReadingCourtCapturesAllIsNotAChoice(t *testing.T) {
	o := two()
	o.CourtCapturesAll = true
	refuse(t, mid(t, o, "QH QD", nil, "QS 2C", "9C"), 0, capt("QS", "QH"))
}

func TestAuditReadingPartnersBuildIsNotOwnForIncrease(t *testing.T) {
	o := cassino.DefaultOptions(4)
	o.IncreaseOwnBuild = false
	apply(t, four(t, o, "2H 9H 6C"), 2, bld("2H", 9, "", "b1"))
}

func TestAuditReadingTrailWhenNothingElseIsLegal(t *testing.T) {
	// The side owns a build, the seat can neither capture nor build.
	apply(t, four(t, cassino.DefaultOptions(4), "KS"), 2, trail("KS"))
}

func TestAuditReadingNoCaptureAllHandGoesToTheDealer(t *testing.T) {
	m := position(t, two(), cassino.Position{Turn: 1, Dealer: 1, Table: cs("9D 2H"), Hands: hands("", "4S")})
	lc := one(t, apply(t, m, 1, trail("4S")), cassino.EventLastCards)
	if lc.Seat != 1 {
		t.Fatalf("lastCards %+v, want the dealer (seat 1)", lc)
	}
}

// checkScored recomputes a hand's points from its tally, by the table of
// the rules, and checks the tally holds every card once.
func checkScored(t *testing.T, o cassino.Options, e cassino.Event) {
	t.Helper()
	n := o.Players
	sides := n
	side := func(s int) int { return s }
	if o.Partnerships && n == 4 {
		sides, side = 2, func(s int) int { return s % 2 }
	}
	cards, spades, pts := make([]int, sides), make([]int, sides), make([]int, sides)
	var all, bc, lc, aces, allSpades int
	for s, tl := range e.Tally {
		cards[side(s)] += tl.Cards
		spades[side(s)] += tl.Spades
		all += tl.Cards
		allSpades += tl.Spades
		aces += tl.Aces
		pts[side(s)] += tl.Aces
		if tl.BigCasino {
			bc++
			pts[side(s)] += 2
		}
		if tl.LittleCasino {
			lc++
			pts[side(s)]++
		}
		if o.Sweeps {
			pts[side(s)] += tl.Sweeps
		} else if tl.Sweeps != 0 {
			t.Errorf("sweeps counted with the option off: %+v", e.Tally)
		}
	}
	if all != 52 || allSpades != 13 || aces != 4 || bc != 1 || lc != 1 {
		t.Fatalf("tally %+v does not hold the deck once", e.Tally)
	}
	most := func(xs []int, p int) {
		best := slices.Max(xs)
		if k := slices.Index(xs, best); slices.Index(xs[k+1:], best) < 0 {
			pts[k] += p
		}
	}
	most(cards, 3)
	most(spades, 1)
	for s := 0; s < n; s++ {
		if e.Points[s] != pts[side(s)] {
			t.Fatalf("hand %d points %v, want %v by side from tally %+v", e.Hand, e.Points, pts, e.Tally)
		}
	}
}

// checkSweep: a capture that empties the table (not at the hand's end) is
// a sweep, and only such a capture.
func checkSweep(t *testing.T, m *cassino.Match, o cassino.Options, evs []cassino.Event, scored bool) {
	t.Helper()
	swept := len(ofType(evs, cassino.EventSwept)) > 0
	if scored || m.Finished() {
		if swept {
			t.Fatal("a sweep on the last play of the hand")
		}
		return
	}
	v := m.View(0)
	empty := len(v.Table) == 0 && len(v.Builds) == 0
	captured := len(ofType(evs, cassino.EventCaptured)) > 0
	if swept != (captured && empty && o.Sweeps) {
		t.Fatalf("swept %v, captured %v, table empty %v: %+v", swept, captured, empty, evs)
	}
}

// checkMatchEnd: the match ends when the best side reaches the target
// alone at the top.
func checkMatchEnd(t *testing.T, m *cassino.Match, o cassino.Options, e cassino.Event) {
	t.Helper()
	best := slices.Max(e.Scores)
	var top []int
	for s, sc := range e.Scores {
		if sc == best {
			top = append(top, s)
		}
	}
	alone := len(top) == 1 || (o.Partnerships && o.Players == 4 && len(top) == 2 && top[0]%2 == top[1]%2)
	if want := best >= o.TargetScore && alone; m.Finished() != want {
		t.Fatalf("scores %v target %d: finished %v, want %v", e.Scores, o.TargetScore, m.Finished(), want)
	}
	if m.Finished() && !slices.Equal(m.View(0).Winners, top) {
		t.Fatalf("winners %v, want %v", m.View(0).Winners, top)
	}
}

// checkLegal: the legal list offers no trail that the rules forbid.
func checkLegal(t *testing.T, o cassino.Options, v cassino.View) {
	t.Helper()
	side := func(s int) int { return s }
	if o.Partnerships && o.Players == 4 {
		side = func(s int) int { return s % 2 }
	}
	owns := slices.ContainsFunc(v.Builds, func(b cassino.TableBuild) bool { return side(b.Owner) == side(v.Seat) })
	other := slices.ContainsFunc(v.Legal, func(a action) bool { return a.Type != cassino.Trail })
	for _, a := range v.Legal {
		if a.Type != cassino.Trail {
			if a.Card.IsCourt() && a.Type == cassino.Build {
				t.Fatalf("a court builds: %v", a)
			}
			continue
		}
		if owns && other {
			t.Fatalf("seat %d owns a build and is offered %v", v.Seat, a)
		}
		if !o.TrailWhenCaptureAvailable && slices.ContainsFunc(v.Legal, func(b action) bool {
			return b.Type == cassino.Capture && b.Card == a.Card
		}) {
			t.Fatalf("%v offered though it captures", a)
		}
	}
}

func TestAuditInvariantsAcrossOptions(t *testing.T) {
	for i, mod := range []func(*cassino.Options){
		func(o *cassino.Options) { o.Sweeps = false },
		func(o *cassino.Options) { o.CourtCapturesAll = true },
		func(o *cassino.Options) { o.TrailWhenCaptureAvailable = false },
		func(o *cassino.Options) { o.IncreaseOwnBuild = false },
		func(o *cassino.Options) { o.TargetScore = 11 },
	} {
		for n := 2; n <= 4; n++ {
			o := cassino.DefaultOptions(n)
			mod(&o)
			playMatch(t, o, int64(100+10*i+n))
		}
	}
}

func TestAuditEndOfHandBuildLeftGoesToLastCapturer(t *testing.T) {
	m := position(t, two(), cassino.Position{Turn: 1, Dealer: 1, Table: cs("9D"),
		Builds: []build{{ID: "b1", Sets: sets("3D 4D"), Owner: 0}},
		Hands:  hands("", "KC"), LastCapturer: seat(0)})
	evs := apply(t, m, 1, trail("KC"))
	lc := one(t, evs, cassino.EventLastCards)
	if lc.Seat != 0 || !sameCards(lc.Cards, cs("9D KC 3D 4D")) {
		t.Fatalf("lastCards %+v, want seat 0 taking the build too", lc)
	}
	if sc := one(t, evs, cassino.EventHandScored); sc.Tally[0].Cards != 4 {
		t.Fatalf("tally %+v", sc.Tally)
	}
}

func TestAuditPositionsRefuseBrokenBuilds(t *testing.T) {
	for name, b := range map[string]build{
		"a court inside":         {ID: "b1", Sets: sets("JD 5D"), Owner: 0},
		"a build of one card":    {ID: "b1", Sets: sets("5D"), Owner: 0},
		"value over 10":          {ID: "b1", Sets: sets("9D 5D"), Owner: 0},
		"sets of unequal values": {ID: "b1", Sets: sets("4D 3D | 5D"), Owner: 0},
	} {
		_, err := cassino.FromPosition(cassino.Setup{Options: two(), Seed: 1}, cassino.Position{
			Turn: 0, Dealer: 1, Builds: []build{b}, Hands: hands("2C", "3C")})
		if err == nil {
			t.Errorf("%s: position accepted", name)
		}
	}
}

func TestAuditLooseSetJoinedToALooseCardMakesFives(t *testing.T) {
	m := mid(t, two(), "2H 5D", nil, "3S 5C", "AH 6C")
	apply(t, m, 0, bld("3S", 5, "2H 5D"))
	b := onlyBuild(t, m)
	if b.Value != 5 || len(b.Sets) != 2 || b.Owner != 0 {
		t.Fatalf("build %+v, want fives {2H,3S},{5D}", b)
	}
	if code := refuse(t, m, 1, bld("AH", 6, "", b.ID)); code != cassino.CodeMultipleFixed {
		t.Errorf("code %q, want %q", code, cassino.CodeMultipleFixed)
	}
}

func TestAuditTwoSameRankCardsAreNotOneSet(t *testing.T) {
	m := mid(t, two(), "7H 7D 4C", nil, "7S 2C", "9C")
	refuse(t, m, 0, capt("7S", "7H 7D"))
	// Aces pair as sets of one; two aces sum to a 2.
	m = mid(t, two(), "AH AD", nil, "2S AS", "9C")
	apply(t, m, 0, capt("2S", "AH AD"))
	m = mid(t, two(), "AH AD", nil, "2S AS", "9C")
	apply(t, m, 0, capt("AS", "AH | AD"))
}

func TestAuditIncreaseOwnBuildOffStillLetsTheOwnerAddToMultiple(t *testing.T) {
	// Adding a card or set of the same value is not an increase.
	o := two()
	o.IncreaseOwnBuild = false
	m := mid(t, o, "KH", []build{{ID: "b1", Sets: sets("6D | 4S 2C"), Owner: 0}}, "6H 6C", "9C")
	apply(t, m, 0, bld("6H", 6, "", "b1"))
	m = mid(t, o, "KH", []build{{ID: "b1", Sets: sets("4S AC"), Owner: 0}}, "5H 5C", "9C")
	apply(t, m, 0, bld("5H", 5, "", "b1"))
	if b := onlyBuild(t, m); !b.Multiple() || b.Value != 5 {
		t.Fatalf("build %+v", b)
	}
}

func TestAuditOwnerMayTrailOnceItsBuildIsTaken(t *testing.T) {
	m := position(t, two(), cassino.Position{Turn: 1, Dealer: 0, Table: cs("KH"),
		Builds: []build{{ID: "b1", Sets: sets("3D 4S"), Owner: 0}},
		Hands:  hands("7H 2C", "7C 8C"), Deck: cs("9C 9D 9S TC")})
	apply(t, m, 1, capt("7C", "", "b1"))
	apply(t, m, 0, trail("2C"))
}

func TestAuditMatchPartnershipsTiedSidesPlayOn(t *testing.T) {
	o := cassino.DefaultOptions(4)
	// Each side 26 cards; side 0: spades 7 (+1), LC, AH = 3... side 1: BC, 3 aces = 5.
	spec := []pileSpec{
		{cards: 13, has: "AS 2S 3S 4S"},
		{cards: 13, has: "8S 9S TS TD AH"},
		{cards: 13, has: "5S 6S 7S"},
		{cards: 13, has: "JS QS KS AD AC"},
	}
	m, evs := scoreHandMatch(t, o, spec, 3, []int{22, 20, 22, 20}, nil)
	if sc := one(t, evs, cassino.EventHandScored); !slices.Equal(sc.Scores, []int{25, 25, 25, 25}) {
		t.Fatalf("scores %v", sc.Scores)
	}
	if m.Finished() {
		t.Fatal("sides tied at the top: another hand")
	}
}

func TestAuditCardJoinsTwoBuildsOfItsValue(t *testing.T) {
	m := mid(t, two(), "KH", []build{
		{ID: "b1", Sets: sets("4C AD"), Owner: 1},
		{ID: "b2", Sets: sets("3C 2D"), Owner: 1},
	}, "5S 5C", "9C")
	apply(t, m, 0, bld("5S", 5, "", "b1", "b2"))
	b := onlyBuild(t, m)
	if len(b.Sets) != 3 || b.Value != 5 || b.Owner != 0 || !sameCards(b.Cards(), cs("4C AD 3C 2D 5S")) {
		t.Fatalf("build %+v, want one multiple build of three fives", b)
	}
}
