package cassino_test

// Adversarial scenarios written from docs/CASSINO_RULES.md and the package's
// exported API alone. Where rules_audit_test.go pins the worked examples and
// the plain cases, this file goes after the corners: an independent reading
// of the capture, build and trail rules checked against Decide on random
// positions, plus the scoring and sweep edges the audit leaves out.

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/croupier-dev/croupier/gameserver/cassino"
)

// ---- An independent reading of the rules ----

// advRules judges one seat's plays from what the rules say, knowing only
// what the seat sees.
type advRules struct {
	o      cassino.Options
	seat   int
	hand   []card
	table  []card
	builds []cassino.TableBuild
}

func advRulesOf(m *cassino.Match, s int) advRules {
	v := m.View(s)
	return advRules{o: m.Options().InForce(), seat: s, hand: v.Hand, table: v.Table, builds: v.Builds}
}

func (r advRules) side(s int) int {
	if r.o.Partnerships && r.o.Players == 4 {
		return s % 2
	}
	return s
}

func (r advRules) build(id string) (cassino.TableBuild, bool) {
	for _, b := range r.builds {
		if b.ID == id {
			return b, true
		}
	}
	return cassino.TableBuild{}, false
}

// distinctOnTable: every card named once and lying loose on the table.
func (r advRules) distinctOnTable(cards []card) bool {
	seen := map[card]bool{}
	for _, c := range cards {
		if seen[c] || !slices.Contains(r.table, c) {
			return false
		}
		seen[c] = true
	}
	return true
}

func (r advRules) buildsOf(ids []string) ([]cassino.TableBuild, bool) {
	var out []cassino.TableBuild
	seen := map[string]bool{}
	for _, id := range ids {
		b, ok := r.build(id)
		if !ok || seen[id] {
			return nil, false
		}
		seen[id] = true
		out = append(out, b)
	}
	return out, true
}

func sumOf(cards []card) int {
	s := 0
	for _, c := range cards {
		s += c.Value()
	}
	return s
}

func (r advRules) legal(a action) bool {
	if !slices.Contains(r.hand, a.Card) {
		return false
	}
	switch a.Type {
	case cassino.Trail:
		if len(a.Sets) != 0 || len(a.Cards) != 0 || len(a.Builds) != 0 || a.Value != 0 {
			return false
		}
		return r.trailOK(a.Card)
	case cassino.Capture:
		if len(a.Cards) != 0 || a.Value != 0 {
			return false
		}
		return r.captureOK(a.Card, a.Sets, a.Builds)
	case cassino.Build:
		if len(a.Sets) != 0 {
			return false
		}
		return r.buildOK(a.Card, a.Value, a.Cards, a.Builds)
	}
	return false
}

// trailOK: "Not allowed while the player (or, in partnerships, their side)
// owns a build on the table", read with the engine's documented relief for
// a seat that has nothing else to play.
func (r advRules) trailOK(c card) bool {
	owns := slices.ContainsFunc(r.builds, func(b cassino.TableBuild) bool { return r.side(b.Owner) == r.side(r.seat) })
	if owns && r.anyCaptureOrBuild() {
		return false
	}
	if !r.o.TrailWhenCaptureAvailable && r.canCapture(c) {
		return false
	}
	return true
}

func (r advRules) canCapture(c card) bool {
	for _, t := range r.table {
		if t.Rank() == c.Rank() {
			return true
		}
	}
	if c.IsCourt() {
		return false
	}
	for _, b := range r.builds {
		if b.Value == c.Value() {
			return true
		}
	}
	var nums []card
	for _, t := range r.table {
		if !t.IsCourt() {
			nums = append(nums, t)
		}
	}
	for mask := 1; mask < 1<<len(nums); mask++ {
		if bitsSet(mask) >= 2 && sumOf(pick(nums, mask)) == c.Value() {
			return true
		}
	}
	return false
}

func (r advRules) anyCaptureOrBuild() bool {
	for _, c := range r.hand {
		if r.canCapture(c) {
			return true
		}
		for _, a := range advBuildCandidates(r, c) {
			if r.legal(a) {
				return true
			}
		}
	}
	return false
}

func (r advRules) captureOK(c card, sets [][]card, ids []string) bool {
	if len(sets) == 0 && len(ids) == 0 {
		return false
	}
	var all []card
	for _, s := range sets {
		if len(s) == 0 {
			return false
		}
		all = append(all, s...)
	}
	if !r.distinctOnTable(all) {
		return false
	}
	bs, ok := r.buildsOf(ids)
	if !ok {
		return false
	}
	sameRank := 0
	for _, t := range r.table {
		if t.Rank() == c.Rank() {
			sameRank++
		}
	}
	if c.IsCourt() {
		// "A court card (J/Q/K) takes exactly one court card of its rank,
		// except that when the other three of its rank all lie on the
		// table it takes all three."
		if len(bs) != 0 {
			return false
		}
		for _, s := range sets {
			if len(s) != 1 || s[0].Rank() != c.Rank() {
				return false
			}
		}
		switch {
		case r.o.CourtCapturesAll:
			return len(sets) == sameRank
		case sameRank == 3:
			return len(sets) == 3
		default:
			return len(sets) == 1
		}
	}
	v := c.Value()
	taken := 0
	for _, s := range sets {
		if len(s) == 1 {
			if s[0].Rank() != c.Rank() {
				return false
			}
			taken++
			continue
		}
		if slices.ContainsFunc(s, card.IsCourt) || sumOf(s) != v {
			return false
		}
	}
	for _, b := range bs {
		if b.Value != v {
			return false
		}
	}
	// The engine's reading: every loose card of its rank and every build
	// of its value goes with it.
	if taken != sameRank {
		return false
	}
	for _, b := range r.builds {
		if b.Value == v && !slices.Contains(ids, b.ID) {
			return false
		}
	}
	return true
}

// partitionable: the cards split into sets each totalling v.
func partitionable(cards []card, v int) bool {
	if len(cards) == 0 {
		return true
	}
	first, rest := cards[0], cards[1:]
	for mask := 0; mask < 1<<len(rest); mask++ {
		s := append([]card{first}, pick(rest, mask)...)
		if sumOf(s) == v && partitionable(pick(rest, (1<<len(rest)-1)&^mask), v) {
			return true
		}
	}
	return false
}

func (r advRules) buildOK(c card, v int, loose []card, ids []string) bool {
	if c.IsCourt() || slices.ContainsFunc(loose, card.IsCourt) {
		return false
	}
	if len(loose) == 0 && len(ids) == 0 {
		return false // "A build of one card is not a thing"
	}
	if !r.distinctOnTable(loose) {
		return false
	}
	bs, ok := r.buildsOf(ids)
	if !ok {
		return false
	}
	if v < 2 || v > 10 {
		return false
	}
	// "still hold another card of value V in hand afterwards"
	if !slices.ContainsFunc(r.hand, func(h card) bool { return h != c && h.Value() == v }) {
		return false
	}
	allV := func(except int) bool {
		for i, b := range bs {
			if i != except && b.Value != v {
				return false
			}
		}
		return true
	}
	// Made or added to: the played card with some loose cards makes one
	// set of V, the rest of the loose cards sets of V, builds of V join.
	if allV(-1) {
		for mask := 0; mask < 1<<len(loose); mask++ {
			s := pick(loose, mask)
			if c.Value()+sumOf(s) == v && partitionable(pick(loose, (1<<len(loose)-1)&^mask), v) {
				return true
			}
		}
	}
	// Increased: the played card alone on a single build, to V.
	for i, b := range bs {
		if b.Multiple() || b.Value+c.Value() != v || !allV(i) || !partitionable(loose, v) {
			continue
		}
		if !r.o.IncreaseOwnBuild && b.Owner == r.seat {
			continue
		}
		return true
	}
	return false
}

// ---- Enumerating plays ----

func bitsSet(mask int) int {
	n := 0
	for ; mask != 0; mask &= mask - 1 {
		n++
	}
	return n
}

func pick[T any](xs []T, mask int) []T {
	var out []T
	for i, x := range xs {
		if mask&(1<<i) != 0 {
			out = append(out, x)
		}
	}
	return out
}

// setPartitions lists the ways to split cards into sets where each set is
// a single card (any rank) or sums, by Value, to v: every legal capture's
// sets, and plenty of illegal ones (wrong pairs, courts counting as 0).
func setPartitions(cards []card, v int) [][][]card {
	if len(cards) == 0 {
		return [][][]card{nil}
	}
	first, rest := cards[0], cards[1:]
	var out [][][]card
	for mask := 0; mask < 1<<len(rest); mask++ {
		s := append([]card{first}, pick(rest, mask)...)
		if len(s) > 1 && sumOf(s) != v {
			continue
		}
		for _, p := range setPartitions(pick(rest, (1<<len(rest)-1)&^mask), v) {
			out = append(out, append([][]card{s}, p...))
		}
	}
	return out
}

func buildIDs(r advRules, mask int) []string {
	var ids []string
	for _, b := range pick(r.builds, mask) {
		ids = append(ids, b.ID)
	}
	return ids
}

func advCaptureCandidates(r advRules, c card) []action {
	var out []action
	for lm := 0; lm < 1<<len(r.table); lm++ {
		for _, p := range setPartitions(pick(r.table, lm), c.Value()) {
			for bm := 0; bm < 1<<len(r.builds); bm++ {
				if len(p) == 0 && bm == 0 {
					continue
				}
				out = append(out, cassino.CaptureAction(c, p, buildIDs(r, bm)...))
			}
		}
	}
	return out
}

// advBuildCandidates: every loose subset and build subset, announced at
// every value a card in hand has and at the plain sum.
func advBuildCandidates(r advRules, c card) []action {
	var out []action
	for lm := 0; lm < 1<<len(r.table); lm++ {
		loose := pick(r.table, lm)
		for bm := 0; bm < 1<<len(r.builds); bm++ {
			if lm == 0 && bm == 0 {
				continue
			}
			vals := map[int]bool{}
			for _, h := range r.hand {
				vals[h.Value()] = true
			}
			s := c.Value() + sumOf(loose)
			for _, b := range pick(r.builds, bm) {
				s += b.Value
			}
			vals[s] = true
			for v := range vals {
				out = append(out, cassino.BuildAction(c, v, loose, buildIDs(r, bm)...))
			}
		}
	}
	return out
}

func advCandidates(r advRules) []action {
	var out []action
	for _, c := range r.hand {
		out = append(out, cassino.TrailAction(c))
		out = append(out, advCaptureCandidates(r, c)...)
		out = append(out, advBuildCandidates(r, c)...)
	}
	return out
}

// advKey names a play by its outcome: cards of one rank and one scoring
// role (not a spade, not the ten of diamonds) are alike, and the grouping
// of a capture into sets does not matter.
func advKey(a action) string {
	role := func(c card) string {
		switch {
		case c.Suit() == cassino.Spades:
			return c.String()
		case c == c1("TD"):
			return "TD"
		}
		return fmt.Sprintf("%d*", c.Rank())
	}
	var loose []string
	for _, s := range a.Sets {
		for _, c := range s {
			loose = append(loose, role(c))
		}
	}
	for _, c := range a.Cards {
		loose = append(loose, role(c))
	}
	sort.Strings(loose)
	ids := slices.Clone(a.Builds)
	sort.Strings(ids)
	return fmt.Sprintf("%s %s v%d [%s] {%s}", a.Type, a.Card, a.Value, strings.Join(loose, " "), strings.Join(ids, " "))
}

// ---- Listed, accepted and lawful agree ----

// advCompare checks every candidate play of the seat to move: Decide accepts
// exactly what the rules allow, LegalActions lists exactly the accepted
// plays (one per outcome), and each listed play does what it says.
func advCompare(t *testing.T, m *cassino.Match, where string) (checked int) {
	t.Helper()
	s := m.Turn()
	r := advRules{o: m.Options().InForce(), seat: s}
	v := m.View(s)
	r.hand, r.table, r.builds = v.Hand, v.Table, v.Builds
	listed := map[string]action{}
	for _, a := range m.LegalActions(s) {
		k := advKey(a)
		if _, dup := listed[k]; dup {
			t.Errorf("%s: %v listed twice (as %s)", where, a, k)
		}
		listed[k] = a
	}
	if len(listed) >= cassino.MaxLegalPlays {
		return 0
	}
	accepted := map[string]action{}
	bad := 0
	before := fingerprint(t, m)
	defer func() {
		if fingerprint(t, m) != before {
			t.Errorf("%s: deciding and listing plays changed the match", where)
		}
	}()
	for _, a := range advCandidates(r) {
		_, err := m.Decide(s, a)
		want := r.legal(a)
		if (err == nil) != want && bad < 5 {
			bad++
			t.Errorf("%s: seat %d hand %v table %v builds %+v: %v accepted=%v (%v), rules say %v",
				where, s, r.hand, r.table, r.builds, a, err == nil, err, want)
		}
		if err == nil {
			accepted[advKey(a)] = a
		}
		checked++
	}
	for k, a := range listed {
		if _, ok := accepted[k]; !ok && bad < 10 {
			bad++
			_, err := m.Decide(s, a)
			t.Errorf("%s: listed %v (%v) is not among the accepted plays", where, a, err)
		}
	}
	for k, a := range accepted {
		if _, ok := listed[k]; !ok && bad < 10 {
			bad++
			t.Errorf("%s: seat %d hand %v table %v builds %+v: accepted %v is not listed", where, s, r.hand, r.table, r.builds, a)
		}
	}
	for _, a := range listed {
		advCheckOutcome(t, m, a, where)
	}
	return checked
}

// advCheckOutcome plays a on a copy of m and checks the table it leaves.
func advCheckOutcome(t *testing.T, m *cassino.Match, a action, where string) {
	t.Helper()
	snap, err := m.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	cp, err := cassino.Restore(snap)
	if err != nil {
		t.Fatal(err)
	}
	s := cp.Turn()
	before := cp.View(s)
	evs, err := cp.Apply(s, a)
	if err != nil {
		t.Errorf("%s: listed %v refused: %v", where, a, err)
		return
	}
	if len(ofType(evs, cassino.EventHandScored)) > 0 {
		return
	}
	after := cp.View(s)
	fail := func(format string, args ...any) {
		t.Helper()
		t.Errorf("%s: %v on table %v builds %+v: %s", where, a, before.Table, before.Builds, fmt.Sprintf(format, args...))
	}
	gone := func(id string) bool {
		return !slices.ContainsFunc(after.Builds, func(b cassino.TableBuild) bool { return b.ID == id })
	}
	switch a.Type {
	case cassino.Trail:
		if !sameCards(after.Table, append(slices.Clone(before.Table), a.Card)) || len(after.Builds) != len(before.Builds) {
			fail("table after trail %v", after.Table)
		}
	case cassino.Capture:
		var taken []card
		for _, st := range a.Sets {
			taken = append(taken, st...)
		}
		n := 1 + len(taken)
		for _, id := range a.Builds {
			for _, b := range before.Builds {
				if b.ID == id {
					n += len(b.Cards())
				}
			}
			if !gone(id) {
				fail("build %s still on the table", id)
			}
		}
		rest := slices.DeleteFunc(slices.Clone(before.Table), func(c card) bool { return slices.Contains(taken, c) })
		if !sameCards(after.Table, rest) {
			fail("table %v, want %v", after.Table, rest)
		}
		if got := after.PileCounts[s] - before.PileCounts[s]; got != n {
			fail("pile grew by %d, want %d", got, n)
		}
		empty := len(after.Table) == 0 && len(after.Builds) == 0
		if swept := len(ofType(evs, cassino.EventSwept)) > 0; swept != (empty && cp.Options().Sweeps) {
			fail("swept %v with the table empty %v", swept, empty)
		}
		if after.LastCapturer != s {
			fail("last capturer %d", after.LastCapturer)
		}
	case cassino.Build:
		e := one(t, evs, cassino.EventBuilt)
		var nb cassino.TableBuild
		for _, b := range after.Builds {
			if b.ID == e.Build {
				nb = b
			}
		}
		want := append([]card{a.Card}, a.Cards...)
		for _, id := range a.Builds {
			for _, b := range before.Builds {
				if b.ID == id {
					want = append(want, b.Cards()...)
				}
			}
			if id != e.Build && !gone(id) {
				fail("joined build %s still apart", id)
			}
		}
		if nb.Value != a.Value || nb.Owner != s || !sameCards(nb.Cards(), want) {
			fail("build %+v, want value %d owner %d cards %v", nb, a.Value, s, want)
		}
		for _, st := range nb.Sets {
			if sumOf(st) != a.Value {
				fail("set %v of build %+v", st, nb)
			}
		}
		rest := slices.DeleteFunc(slices.Clone(before.Table), func(c card) bool { return slices.Contains(a.Cards, c) })
		if !sameCards(after.Table, rest) {
			fail("table %v, want %v", after.Table, rest)
		}
		if len(ofType(evs, cassino.EventSwept)) > 0 {
			fail("a build swept")
		}
	}
}

// advOptions are the option sets the random positions are played under.
func advOptions() []cassino.Options {
	var out []cassino.Options
	for n := 2; n <= 4; n++ {
		out = append(out, cassino.DefaultOptions(n))
	}
	o := two()
	o.IncreaseOwnBuild = false
	out = append(out, o)
	o = two()
	o.TrailWhenCaptureAvailable = false
	out = append(out, o)
	o = cassino.DefaultOptions(3)
	o.CourtCapturesAll = true
	o.IncreaseOwnBuild = false
	out = append(out, o)
	o = cassino.DefaultOptions(4)
	o.IncreaseOwnBuild = false
	o.TrailWhenCaptureAvailable = false
	out = append(out, o)
	o = cassino.DefaultOptions(4)
	o.Partnerships = false
	out = append(out, o)
	return out
}

// builder prefers building, so that random play reaches tables with
// several builds, single and multiple, of several owners.
func builder(v cassino.View, rng *rand.Rand) action {
	var bs []action
	for _, a := range v.Legal {
		if a.Type == cassino.Build {
			bs = append(bs, a)
		}
	}
	if len(bs) > 0 && rng.IntN(3) > 0 {
		return bs[rng.IntN(len(bs))]
	}
	return cassino.RandomLegal(v, rng)
}

func TestAdversaryDecideMatchesRulesInPlayedPositions(t *testing.T) {
	total := 0
	for i, o := range advOptions() {
		for seed := int64(1); seed <= 3; seed++ {
			m, _, err := cassino.New(cassino.Setup{Options: o, Seed: 1000*int64(i) + seed})
			if err != nil {
				t.Fatal(err)
			}
			rng := rand.New(rand.NewPCG(uint64(i), uint64(seed)))
			for step := 0; step < 90 && !m.Finished(); step++ {
				v := m.View(m.Turn())
				if step%2 == 0 && len(v.Table) <= 8 && len(v.Builds) <= 3 {
					total += advCompare(t, m, fmt.Sprintf("options %d seed %d step %d", i, seed, step))
				}
				if t.Failed() {
					return
				}
				apply(t, m, m.Turn(), builder(v, rng))
			}
		}
	}
	t.Logf("%d plays checked", total)
}

// advRandomPosition deals a crowded position: several builds (single and
// multiple, of every owner), loose cards with pairs and court triples, and
// a hand holding cards of the builds' values.
func advRandomPosition(rng *rand.Rand, o cassino.Options, maxTable, maxBuilds int) cassino.Position {
	n := o.Players
	var pool []card
	for r := 1; r <= 13; r++ {
		for s := cassino.Spades; s <= cassino.Clubs; s++ {
			pool = append(pool, cassino.NewCard(r, s))
		}
	}
	rng.Shuffle(len(pool), func(i, j int) { pool[i], pool[j] = pool[j], pool[i] })
	take := func(ok func(card) bool) (card, bool) {
		for i, c := range pool {
			if ok(c) {
				pool = slices.Delete(pool, i, i+1)
				return c, true
			}
		}
		return 0, false
	}
	// set draws cards summing to v: one card of v when single is allowed,
	// else two or three.
	set := func(v int, single bool) []card {
		if single && rng.IntN(2) == 0 {
			if c, ok := take(func(c card) bool { return c.Value() == v }); ok {
				return []card{c}
			}
		}
		for try := 0; try < 20; try++ {
			a := 1 + rng.IntN(v-1)
			x, ok := take(func(c card) bool { return c.Value() == a })
			if !ok {
				continue
			}
			if y, ok := take(func(c card) bool { return c.Value() == v-a }); ok {
				return []card{x, y}
			}
			pool = append(pool, x)
		}
		return nil
	}
	p := cassino.Position{Turn: rng.IntN(n), Hands: make([][]card, n)}
	p.Dealer = (p.Turn + n - 1) % n
	var values []int
	for i, nb := 0, rng.IntN(maxBuilds+1); i < nb; i++ {
		v := 2 + rng.IntN(9)
		b := build{ID: fmt.Sprintf("b%d", i+1), Owner: rng.IntN(n)}
		for k, ns := 0, 1+rng.IntN(3); k < ns; k++ {
			if st := set(v, len(b.Sets) > 0); st != nil {
				b.Sets = append(b.Sets, st)
			}
		}
		if len(b.Sets) > 0 {
			p.Builds = append(p.Builds, b)
			values = append(values, v)
		}
	}
	if rng.IntN(4) == 0 { // three of a court rank on the table
		r := 11 + rng.IntN(3)
		for k := 0; k < 3; k++ {
			if c, ok := take(func(c card) bool { return c.Rank() == r }); ok {
				p.Table = append(p.Table, c)
			}
		}
	}
	for size := 2 + rng.IntN(maxTable-1); len(p.Table) < size; {
		c, _ := take(func(card) bool { return true })
		p.Table = append(p.Table, c)
	}
	// The mover holds cards of the builds' values and of the table's ranks
	// more often than chance would give.
	hand := &p.Hands[p.Turn]
	for len(*hand) < 1+rng.IntN(4) {
		var c card
		var ok bool
		switch k := rng.IntN(3); {
		case k == 0 && len(values) > 0:
			v := values[rng.IntN(len(values))]
			c, ok = take(func(c card) bool { return c.Value() == v && !c.IsCourt() })
		case k == 1 && len(p.Table) > 0:
			r := p.Table[rng.IntN(len(p.Table))].Rank()
			c, ok = take(func(c card) bool { return c.Rank() == r })
		}
		if !ok {
			c, _ = take(func(card) bool { return true })
		}
		*hand = append(*hand, c)
	}
	for s := 0; s < n; s++ {
		if s != p.Turn {
			for k := 0; k < 2; k++ {
				c, _ := take(func(card) bool { return true })
				p.Hands[s] = append(p.Hands[s], c)
			}
		}
	}
	p.Deck = slices.Clone(pool[:4])
	return p
}

func TestAdversaryDecideMatchesRulesInCrowdedPositions(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	total := 0
	opts := advOptions()
	for i := 0; i < 400; i++ {
		o := opts[i%len(opts)]
		p := advRandomPosition(rng, o, 7, 3)
		m, err := cassino.FromPosition(cassino.Setup{Options: o, Seed: int64(i)}, p)
		if err != nil {
			t.Fatalf("position %d %+v: %v", i, p, err)
		}
		total += advCompare(t, m, fmt.Sprintf("position %d", i))
		if t.Failed() {
			return
		}
	}
	t.Logf("%d plays checked", total)
}

// ---- Sweeps and the last cards ----

func TestAdversaryCourtPairingThatClearsTheTableSweeps(t *testing.T) {
	// "A sweep is a capture that leaves the table empty": a court's pair
	// is a capture like any other.
	m := mid(t, two(), "QD", nil, "QS 3C", "4H 5H")
	evs := apply(t, m, 0, capt("QS", "QD"))
	if e := one(t, evs, cassino.EventSwept); e.Seat != 0 {
		t.Fatalf("sweep %+v", e)
	}
	if v := m.View(1); v.Sweeps[0] != 1 || v.PileCounts[0] != 2 {
		t.Fatalf("view %+v", v)
	}
}

func TestAdversarySweepWithTheDeckEmptyButCardsInHand(t *testing.T) {
	// The deck is out but the hand is not played out: a clearing capture
	// is not "the last play of the hand" and counts.
	m := position(t, two(), cassino.Position{Turn: 0, Dealer: 1, Table: cs("9D"),
		Hands: hands("9S 2C", "4H 5H"), LastCapturer: seat(1)})
	one(t, apply(t, m, 0, capt("9S", "9D")), cassino.EventSwept)
	apply(t, m, 1, trail("4H"))
	apply(t, m, 0, trail("2C"))
	evs := apply(t, m, 1, trail("5H"))
	lc := one(t, evs, cassino.EventLastCards)
	if lc.Seat != 0 || !sameCards(lc.Cards, cs("4H 2C 5H")) {
		t.Fatalf("lastCards %+v, want seat 0 (the last capturer) taking 4H 2C 5H", lc)
	}
	sc := one(t, evs, cassino.EventHandScored)
	if sc.Tally[0].Sweeps != 1 || sc.Tally[0].Cards != 5 || sc.Tally[1].Cards != 0 {
		t.Fatalf("tally %+v, want seat 0: 5 cards and its sweep", sc.Tally)
	}
}

func TestAdversaryThreePlayersSweepBeforeTheDealersLastCard(t *testing.T) {
	// Seat 1 clears the table with the dealer still to play its last card:
	// a sweep; the card the dealer then trails goes to seat 1, the last
	// capturer, and that is no second sweep.
	o := cassino.DefaultOptions(3)
	m := position(t, o, cassino.Position{Turn: 1, Dealer: 2, Table: cs("4D 2S"),
		Hands: hands("", "6C", "KD"), LastCapturer: seat(0)})
	one(t, apply(t, m, 1, capt("6C", "4D 2S")), cassino.EventSwept)
	evs := apply(t, m, 2, trail("KD"))
	if len(ofType(evs, cassino.EventSwept)) != 0 {
		t.Fatal("the last cards are never a sweep")
	}
	lc := one(t, evs, cassino.EventLastCards)
	if lc.Seat != 1 || !sameCards(lc.Cards, cs("KD")) {
		t.Fatalf("lastCards %+v, want seat 1 taking KD", lc)
	}
	sc := one(t, evs, cassino.EventHandScored)
	if sc.Tally[1].Sweeps != 1 || sc.Tally[1].Cards != 4 || !sc.Tally[1].LittleCasino {
		t.Fatalf("tally %+v", sc.Tally)
	}
}

func TestAdversaryLastCapturerIsTheLatestNotTheBiggest(t *testing.T) {
	// Seat 0 takes five cards, seat 1 then takes one: the rest is seat 1's.
	m := position(t, two(), cassino.Position{Turn: 0, Dealer: 1, Table: cs("9D 5H 4C 6D 3D 2H 8C"),
		Hands: hands("9S KC", "2D 7H")})
	apply(t, m, 0, capt("9S", "9D | 5H 4C | 6D 3D"))
	apply(t, m, 1, capt("2D", "2H"))
	apply(t, m, 0, trail("KC"))
	lc := one(t, apply(t, m, 1, trail("7H")), cassino.EventLastCards)
	if lc.Seat != 1 || !sameCards(lc.Cards, cs("8C KC 7H")) {
		t.Fatalf("lastCards %+v, want seat 1", lc)
	}
}

func TestAdversaryPartnershipSweepsAddUp(t *testing.T) {
	// "In partnerships the side's piles are added": sweeps too.
	o := cassino.DefaultOptions(4)
	spec := []pileSpec{
		{cards: 14, has: "AS 2S 3S 4S"},
		{cards: 13, has: "5S 6S 7S TD"},
		{cards: 13, has: "8S 9S TS AH"},
		{cards: 12, has: "JS QS KS AD AC"},
	}
	sc := scoreHand(t, o, spec, 3, nil, []int{1, 1, 2, 0})
	// Side 0: 7 as in the audit plus 3 sweeps; side 1: 4 plus 1.
	if !slices.Equal(sc.Points, []int{10, 5, 10, 5}) {
		t.Fatalf("points %v, want [10 5 10 5]", sc.Points)
	}
	o.Sweeps = false // no sweep is tallied, so the position holds none
	sc = scoreHand(t, o, spec, 3, nil, nil)
	if !slices.Equal(sc.Points, []int{7, 4, 7, 4}) {
		t.Fatalf("points %v with sweeps off, want [7 4 7 4]", sc.Points)
	}
}

func TestAdversarySweepsDoNotCancel(t *testing.T) {
	// "each sweep 1": sweeps of both players count, none cancel out.
	sc := scoreHand(t, two(), evenSplit, 0, nil, []int{3, 3})
	if !slices.Equal(sc.Points, []int{3 + 3, 5 + 3}) {
		t.Fatalf("points %v, want [6 8]", sc.Points)
	}
}

func TestAdversaryNextHandStartsClean(t *testing.T) {
	// Piles, sweeps and the last capturer belong to one hand; the scores
	// carry on; the dealer moves one seat and its left leads.
	m, evs := scoreHandMatch(t, two(), evenSplit, 0, []int{4, 7}, []int{1, 0})
	sc := one(t, evs, cassino.EventHandScored)
	if !slices.Equal(sc.Scores, []int{4 + 4, 7 + 5}) {
		t.Fatalf("scores %v, want [8 12]", sc.Scores)
	}
	hs := one(t, evs, cassino.EventHandStarted)
	v := m.View(0)
	if hs.Dealer != 0 || v.Dealer != 0 || v.Turn != 1 || v.HandNumber != 2 || v.Deal != 1 {
		t.Fatalf("hand started %+v, view %+v: dealer 0, seat 1 to lead", hs, v)
	}
	if !slices.Equal(v.PileCounts, []int{0, 0}) || !slices.Equal(v.Sweeps, []int{0, 0}) ||
		v.LastCapturer != -1 || len(v.Builds) != 0 || len(v.Table) != 4 || v.DeckCount != 40 ||
		!slices.Equal(v.HandCounts, []int{4, 4}) || !slices.Equal(v.Scores, []int{8, 12}) {
		t.Fatalf("view of the new hand %+v", v)
	}
}

// ---- Whole matches, scored from the events ----

// advTally counts a pile the way the rules' scoring table reads it.
func advTally(pile []card, sweeps int) cassino.Tally {
	t := cassino.Tally{Cards: len(pile), Sweeps: sweeps}
	for _, c := range pile {
		if c.Suit() == cassino.Spades {
			t.Spades++
		}
		if c.Rank() == 1 {
			t.Aces++
		}
		t.BigCasino = t.BigCasino || c == c1("TD")
		t.LittleCasino = t.LittleCasino || c == c1("2S")
	}
	return t
}

// advPoints scores a hand from the piles by the rules' table, per side,
// and hands each seat its side's figure.
func advPoints(o cassino.Options, tl []cassino.Tally) []int {
	n := o.Players
	side := func(s int) int { return s }
	sides := n
	if o.Partnerships && n == 4 {
		side, sides = func(s int) int { return s % 2 }, 2
	}
	cards, spades, pts := make([]int, sides), make([]int, sides), make([]int, sides)
	for s, x := range tl {
		cards[side(s)] += x.Cards
		spades[side(s)] += x.Spades
		pts[side(s)] += x.Aces
		if x.BigCasino {
			pts[side(s)] += 2
		}
		if x.LittleCasino {
			pts[side(s)]++
		}
		if o.Sweeps {
			pts[side(s)] += x.Sweeps
		}
	}
	most := func(xs []int, p int) {
		best, at, tie := -1, -1, false
		for i, x := range xs {
			switch {
			case x > best:
				best, at, tie = x, i, false
			case x == best:
				tie = true
			}
		}
		if !tie {
			pts[at] += p
		}
	}
	most(cards, 3)
	most(spades, 1)
	out := make([]int, n)
	for s := range out {
		out[s] = pts[side(s)]
	}
	return out
}

// TestAdversaryTallyFollowsTheEvents plays whole matches and keeps its own
// capture piles from what the events say was taken, then holds every
// hand's tally, points, running scores and the match's end to them.
func TestAdversaryTallyFollowsTheEvents(t *testing.T) {
	hands := 0
	for i, o := range advOptions() {
		for seed := int64(1); seed <= 2; seed++ {
			m, _, err := cassino.New(cassino.Setup{Options: o, Seed: 77*int64(i) + seed})
			if err != nil {
				t.Fatal(err)
			}
			n := o.Players
			rng := rand.New(rand.NewPCG(uint64(seed), uint64(i)))
			piles, sweeps, scores := make([][]card, n), make([]int, n), make([]int, n)
			for step := 0; !m.Finished(); step++ {
				if step > 5000 {
					t.Fatal("the match does not end")
				}
				s := m.Turn()
				v := m.View(s)
				inBuild := map[string][]card{}
				for _, b := range v.Builds {
					inBuild[b.ID] = b.Cards()
				}
				a := cassino.Greedy(v)
				if step%2 == 1 {
					a = builder(v, rng)
				}
				for _, e := range apply(t, m, s, a) {
					switch e.Type {
					case cassino.EventCaptured:
						piles[e.Seat] = append(piles[e.Seat], e.Card)
						for _, st := range e.Sets {
							piles[e.Seat] = append(piles[e.Seat], st...)
						}
						for _, id := range e.Builds {
							piles[e.Seat] = append(piles[e.Seat], inBuild[id]...)
						}
					case cassino.EventSwept:
						sweeps[e.Seat]++
					case cassino.EventLastCards:
						piles[e.Seat] = append(piles[e.Seat], e.Cards...)
					case cassino.EventHandScored:
						hands++
						want := make([]cassino.Tally, n)
						for k := range want {
							want[k] = advTally(piles[k], sweeps[k])
						}
						if !slices.Equal(e.Tally, want) {
							t.Fatalf("options %d hand %d: tally %+v, the events give %+v", i, e.Hand, e.Tally, want)
						}
						pts := advPoints(o, want)
						if !slices.Equal(e.Points, pts) {
							t.Fatalf("options %d hand %d: points %v, want %v from %+v", i, e.Hand, e.Points, pts, want)
						}
						for k := range scores {
							scores[k] += pts[k]
						}
						if !slices.Equal(e.Scores, scores) {
							t.Fatalf("options %d hand %d: scores %v, want %v", i, e.Hand, e.Scores, scores)
						}
						piles, sweeps = make([][]card, n), make([]int, n)
					}
				}
			}
			best := slices.Max(scores)
			var top []int
			for k, x := range scores {
				if x == best {
					top = append(top, k)
				}
			}
			if best < o.TargetScore || !slices.Equal(m.View(0).Winners, top) {
				t.Fatalf("options %d: match over at %v, winners %v", i, scores, m.View(0).Winners)
			}
		}
	}
	t.Logf("%d hands scored", hands)
}

// ---- Illegal input changes nothing ----

// crowdedMid: seat 0 to play, a multiple 6 (b1) and a single 7 (b2) of
// seat 1 on the table among loose cards.
func crowdedMid(t *testing.T) *cassino.Match {
	return mid(t, two(), "9D 5H 4C 3H 2H QD", []build{
		{ID: "b1", Sets: sets("6D | 4S 2C"), Owner: 1},
		{ID: "b2", Sets: sets("3S 4D"), Owner: 1},
	}, "9S 6H 6S 7H AH", "6C 7C")
}

func TestAdversaryMalformedPlaysAreRefusedAndChangeNothing(t *testing.T) {
	cases := map[string]action{
		"the played card taken as a set":        capt("9S", "9S"),
		"a capture giving a flat card list":     {Type: cassino.Capture, Card: c1("9S"), Cards: cs("9D")},
		"a capture with sets and a flat list":   {Type: cassino.Capture, Card: c1("9S"), Sets: sets("9D"), Cards: cs("5H 4C")},
		"a capture with a nil set":              cassino.CaptureAction(c1("9S"), [][]card{nil}),
		"a number pairing a court":              capt("9S", "QD"),
		"a capture of a card in another hand":   capt("6H", "6C", "b1"),
		"a capture of a card in one's own hand": capt("7H", "7H | 3H 4C", "b2"),
		"a build given as sets":                 {Type: cassino.Build, Card: c1("AH"), Sets: sets("5H"), Value: 6},
		"the played card among the loose":       bld("AH", 6, "AH 5H"),
		"a loose card named twice":              bld("AH", 7, "3H 3H"),
		"a card from one's hand as loose":       bld("AH", 7, "6S"),
		"a build named twice":                   bld("6H", 6, "", "b1", "b1"),
		"a build with an empty id":              bld("6H", 6, "", ""),
		"a negative value":                      bld("AH", -3, "2H"),
		"a build joining another value":         bld("6H", 6, "", "b1", "b2"),
		"an increase of a multiple build":       bld("AH", 7, "", "b1"),
		"a trail naming builds":                 {Type: cassino.Trail, Card: c1("AH"), Builds: []string{"b1"}},
		"a trail naming sets":                   {Type: cassino.Trail, Card: c1("AH"), Sets: sets("2H")},
		"a trail naming loose cards":            {Type: cassino.Trail, Card: c1("AH"), Cards: cs("2H")},
		"a card that is no card":                {Type: cassino.Trail, Card: 200},
		"a set holding no card":                 cassino.CaptureAction(c1("9S"), [][]card{{0}}),
		"no type":                               {Card: c1("AH")},
	}
	for name, a := range cases {
		t.Run(name, func(t *testing.T) {
			m := crowdedMid(t)
			refuse(t, m, 0, a)
			if _, err := m.Decide(0, a); err == nil {
				t.Fatal("Decide accepts what Apply refused")
			}
		})
	}
	// The same position takes the well-formed plays next to them.
	apply(t, crowdedMid(t), 0, bld("6H", 6, "", "b1"))
	apply(t, crowdedMid(t), 0, bld("AH", 6, "5H", "b1"))
	apply(t, crowdedMid(t), 0, capt("7H", "3H 4C", "b2"))
}

func TestAdversaryMalformedJSONPlaysAreErrors(t *testing.T) {
	for _, s := range []string{
		`{"type":"trail","card":"AH","bogus":1}`,
		`{"type":"trail","card":"ZZ"}`,
		`{"type":"trail","card":"1H"}`,
		`{"type":"trail","card":"AH","cards":["2H"]}`,
		`{"type":"build","card":"AH","cards":["5H"],"value":"6"}`,
		`{"type":"capture","card":"9S","cards":["9D"]}`,
		`{"type":"capture","card":"9S","cards":[["9D"]],"value":9}`,
		`{"type":"trail","card":"AH"} x`,
	} {
		var a action
		if err := json.Unmarshal([]byte(s), &a); err == nil {
			// A form the reader lets through must still be refused by
			// the rules and change nothing.
			m := crowdedMid(t)
			refuse(t, m, 0, a)
			t.Logf("%s reads as %v and is refused by the rules", s, a)
		}
	}
}

func TestAdversaryEvolveRefusesStaleAndForgedEvents(t *testing.T) {
	m := crowdedMid(t)
	stale, err := m.Decide(0, capt("9S", "9D | 5H 4C"))
	if err != nil {
		t.Fatal(err)
	}
	apply(t, m, 0, capt("7H", "3H 4C", "b2"))
	before := fingerprint(t, m)
	if err := m.Evolve(stale...); err == nil {
		t.Fatal("events decided for another state were folded")
	}
	if fingerprint(t, m) != before {
		t.Fatal("a refused Evolve changed the match")
	}

	// A good event followed by one naming a card seat 1 does not hold:
	// none is folded.
	m = crowdedMid(t)
	good, err := m.Decide(0, trail("AH"))
	if err != nil {
		t.Fatal(err)
	}
	forged := cassino.Event{Type: cassino.EventCaptured, Seat: 1, Card: c1("9S"), Sets: sets("9D")}
	before = fingerprint(t, m)
	if err := m.Evolve(append(slices.Clone(good), forged)...); err == nil {
		t.Fatal("a forged capture was folded")
	}
	if fingerprint(t, m) != before {
		t.Fatal("a refused Evolve folded part of its events")
	}
	// Folding the same events twice is refused the second time.
	if err := m.Evolve(good...); err != nil {
		t.Fatal(err)
	}
	before = fingerprint(t, m)
	if err := m.Evolve(good...); err == nil {
		t.Fatal("the same trail was folded twice")
	}
	if fingerprint(t, m) != before {
		t.Fatal("a refused Evolve changed the match")
	}
}

// ---- Readings of what the rules leave open ----

func TestAdversaryReadingOwnerMaySpendTheCardHeldForItsBuild(t *testing.T) {
	// "still hold another card of value V in hand afterwards" binds the
	// build being made: the owner of a 7-build may play its only 7 into a
	// build of 10, leaving the 7-build with no card of its side to take it.
	m := position(t, two(), cassino.Position{Turn: 0, Dealer: 1, Table: cs("3D"),
		Builds: []build{{ID: "b1", Sets: sets("4C 3C"), Owner: 0}},
		Hands:  hands("7H TS", "9C 8D"), Deck: cs("KC KD KH KS 5D 6D QC QD")})
	evs := apply(t, m, 0, bld("7H", 10, "3D"))
	ten := buildOf(t, m, one(t, evs, cassino.EventBuilt).Build)
	if seven := buildOf(t, m, "b1"); seven.Owner != 0 || ten.Owner != 0 || ten.Value != 10 {
		t.Fatalf("builds %+v", m.View(0).Builds)
	}
	apply(t, m, 1, trail("9C"))
	refuse(t, m, 0, trail("TS")) // it owns two builds and can take one
	apply(t, m, 0, capt("TS", "", ten.ID))
	apply(t, m, 1, trail("8D"))
	// The new deal gives seat 0 kings only: no capture, no build, so the
	// owner of the stranded 7 trails rather than being stuck.
	if v := m.View(0); v.Deal != 2 || !sameCards(v.Hand, cs("KC KD KH KS")) {
		t.Fatalf("deal %d, hand %v", v.Deal, v.Hand)
	}
	apply(t, m, 0, trail("KC"))
}

func TestAdversaryReadingASecondBuildOfAValueMayStandApart(t *testing.T) {
	// Nothing makes a new 7 join the 7 already built: two builds of 7 stand
	// side by side, and the next 7 takes both, with the loose 7 too.
	m := mid(t, two(), "3D 4H 7D", []build{{ID: "b1", Sets: sets("4C 3C"), Owner: 1}}, "3S 7H", "9C 8D")
	evs := apply(t, m, 0, bld("3S", 7, "4H"))
	id := one(t, evs, cassino.EventBuilt).Build
	if bs := m.View(0).Builds; len(bs) != 2 || id == "b1" || buildOf(t, m, "b1").Owner != 1 {
		t.Fatalf("builds %+v, want b1 apart from the new one", bs)
	}
	wantTable(t, m, "3D 7D")
	apply(t, m, 1, trail("9C"))
	refuse(t, m, 0, capt("7H", "7D", id))
	refuse(t, m, 0, capt("7H", "", id, "b1"))
	apply(t, m, 0, capt("7H", "7D", id, "b1"))
	wantTable(t, m, "3D 9C")
	if got := pile(m, 0); got != 6 {
		t.Fatalf("pile %d, want 6", got)
	}
}

func TestAdversaryReadingIncreaseMayJoinSetsOfTheNewValue(t *testing.T) {
	// The package documents that the played card may increase a single
	// build and join loose sets of the new value in one play.
	m := mid(t, two(), "5H 4D", []build{{ID: "b1", Sets: sets("4C 3C"), Owner: 1}}, "2S 9H", "AH TC")
	apply(t, m, 0, bld("2S", 9, "5H 4D", "b1"))
	b := onlyBuild(t, m)
	if b.ID != "b1" || b.Value != 9 || !b.Multiple() || b.Owner != 0 {
		t.Fatalf("build %+v, want b1 as a multiple 9 of seat 0", b)
	}
	// Being multiple now, nobody may increase it.
	if code := refuse(t, m, 1, bld("AH", 10, "", "b1")); code != cassino.CodeMultipleFixed {
		t.Errorf("code %q, want %q", code, cassino.CodeMultipleFixed)
	}
}

func TestAdversaryDecideMatchesRulesOnWideTables(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 17))
	total := 0
	opts := advOptions()
	for i := 0; i < 12; i++ {
		o := opts[i%len(opts)]
		p := advRandomPosition(rng, o, 11, 4)
		m, err := cassino.FromPosition(cassino.Setup{Options: o, Seed: int64(i)}, p)
		if err != nil {
			t.Fatalf("position %d %+v: %v", i, p, err)
		}
		total += advCompare(t, m, fmt.Sprintf("wide position %d", i))
		if t.Failed() {
			return
		}
	}
	t.Logf("%d plays checked", total)
}

// ---- The capped legal list ----

// pathological is a table of twenty low cards, reached only by trailing
// card after card, where the plays run into the thousands.
func pathological(t *testing.T) *cassino.Match {
	return mid(t, two(), "AH AD AC AS 2H 2D 2C 2S 3H 3D 3C 3S 4H 4D 4C 4S 5H 5D 5C 5S", nil, "TS 9S 8S 7H", "KC")
}

func TestAdversaryCappedListStillOffersTrailsAndApplyTakesTheRest(t *testing.T) {
	m := pathological(t)
	la := m.LegalActions(0)
	trails := 0
	for _, a := range la {
		if a.Type == cassino.Trail {
			trails++
		}
		if _, err := m.Decide(0, a); err != nil {
			t.Fatalf("listed %v refused: %v", a, err)
		}
	}
	if trails != 4 || len(la) > cassino.MaxLegalPlays+trails {
		t.Fatalf("%d plays listed with %d trails", len(la), trails)
	}
	// Plays the list leaves out are still legal.
	apply(t, m, 0, capt("8S", "3D 4H AS"))
	m = pathological(t)
	apply(t, m, 0, bld("7H", 8, "AH"))
}

func TestAdversaryCappedListOffersEveryCardItsPlays(t *testing.T) {
	m := pathological(t)
	la := m.LegalActions(0)
	for _, c := range cs("TS 9S 8S 7H") {
		if !slices.ContainsFunc(la, func(a action) bool { return a.Card == c && a.Type == cassino.Capture && len(a.Sets) == 1 }) {
			t.Errorf("no one-set capture with %s listed, though it has some (8S: 3D 4H AS; 7H: 3D 4H)", c)
		}
	}
	if !slices.ContainsFunc(la, func(a action) bool { return a.Type == cassino.Build }) {
		t.Error("no build listed, though 7H on AH builds 8 with 8S held")
	}
	// "fewest sets first": nothing of more sets is listed while a play of
	// fewer sets is left out.
	most := 0
	for _, a := range la {
		most = max(most, len(a.Sets))
	}
	if _, err := m.Decide(0, capt("8S", "3D 4H AS")); err == nil && most > 1 {
		if !slices.ContainsFunc(la, func(a action) bool { return advKey(a) == advKey(capt("8S", "3D 4H AS")) }) {
			t.Errorf("a capture of %d sets is listed while the one-set 8S capture is not", most)
		}
	}
	// The owner of a 7-build holding the 7 is not even offered to take its
	// own build, the one play the rules leave it besides other captures.
	m = mid(t, two(), "AH AD AC 2H 2D 2C 2S 3H 3D 3C 3S 4H 4D 4C 4S 5H 5D 5C 5S",
		[]build{{ID: "b1", Sets: sets("6H AS"), Owner: 0}}, "TS 9S 8S 7H", "KC")
	if !slices.ContainsFunc(m.LegalActions(0), func(a action) bool { return a.Card == c1("7H") }) {
		t.Error("the owner's capture of its 7-build with 7H is not listed")
	}
}

// ---- The match's end without partnerships ----

var fourAlone = []pileSpec{ // 13 cards each: points [3 2 1 2]
	{cards: 13, has: "AS 2S 3S 4S"},
	{cards: 13, has: "5S 6S 7S TD"},
	{cards: 13, has: "8S 9S TS AH"},
	{cards: 13, has: "JS QS KS AD AC"},
}

func TestAdversaryFourAloneOppositeSeatsTiedPlayOn(t *testing.T) {
	// Without partnerships seats 0 and 2 are rivals: tied at the top, they
	// play another hand like any other two players.
	o := cassino.DefaultOptions(4)
	o.Partnerships = false
	m, evs := scoreHandMatch(t, o, fourAlone, 3, []int{19, 18, 21, 19}, nil)
	if sc := one(t, evs, cassino.EventHandScored); !slices.Equal(sc.Scores, []int{22, 20, 22, 21}) {
		t.Fatalf("scores %v", sc.Scores)
	}
	if m.Finished() {
		t.Fatalf("seats 0 and 2 tied at 22 were declared winners %v", m.View(0).Winners)
	}
	m, evs = scoreHandMatch(t, o, fourAlone, 3, []int{19, 18, 20, 19}, nil)
	if !m.Finished() || !slices.Equal(one(t, evs, cassino.EventMatchWon).Winners, []int{0}) {
		t.Fatal("22 against 21: seat 0 alone wins")
	}
}

func TestAdversaryTargetReachedBelowAnotherScoreStillEnds(t *testing.T) {
	// Several at or past the target: the highest total wins, whoever
	// crossed it this hand.
	o := cassino.DefaultOptions(3)
	spec := []pileSpec{ // points [6 2 3]
		{cards: 20, has: "AS 2S 3S 4S 5S 6S"},
		{cards: 16, has: "7S 8S 9S TS TD"},
		{cards: 16, has: "JS QS KS AH AD AC"},
	}
	m, evs := scoreHandMatch(t, o, spec, 1, []int{20, 30, 27}, nil)
	if !m.Finished() || !slices.Equal(one(t, evs, cassino.EventMatchWon).Winners, []int{1}) {
		t.Fatalf("26-32-30: seat 1 wins; finished %v", m.Finished())
	}
}

func TestAdversaryOpeningTableWithThreeOfARankIsPlayedAsDealt(t *testing.T) {
	// The rules deal four cards to the table and say nothing of what they
	// are: three of a rank on the table is no redeal.
	for seed := int64(1); seed < 5000; seed++ {
		m, _, err := cassino.New(cassino.Setup{Options: two(), Seed: seed})
		if err != nil {
			t.Fatal(err)
		}
		v := m.View(0)
		ranks := map[int]int{}
		for _, c := range v.Table {
			ranks[c.Rank()]++
		}
		for r, k := range ranks {
			if k < 3 {
				continue
			}
			if len(v.Table) != 4 || v.DeckCount != 40 || v.Deal != 1 || v.HandNumber != 1 {
				t.Fatalf("seed %d: view %+v", seed, v)
			}
			// The first player plays on it as on any table.
			if len(m.LegalActions(0)) == 0 {
				t.Fatalf("seed %d: nothing to play on %v", seed, v.Table)
			}
			t.Logf("seed %d: table %v, three of rank %d", seed, v.Table, r)
			return
		}
	}
	t.Fatal("no opening table with three of a rank in 5000 seeds")
}

// ---- What a restart keeps ----

func TestAdversaryRestartKeepsOwnershipAndTheLastCapturer(t *testing.T) {
	// A build's owner and the last capturer are part of the rules' state:
	// a restored match plays on under them.
	setup := cassino.Setup{Options: two(), Seed: 42}
	m, err := cassino.FromPosition(setup, cassino.Position{Turn: 0, Dealer: 1, Table: cs("3D 8H"),
		Hands: hands("4S 7H 2C", "8C 9C KD"), Deck: cs("QC QD QH QS JC JD JH JS")})
	if err != nil {
		t.Fatal(err)
	}
	apply(t, m, 0, bld("4S", 7, "3D"))
	apply(t, m, 1, capt("8C", "8H")) // the build stays: no sweep
	snap, err := m.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	restored, err := cassino.Restore(snap)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []*cassino.Match{m, restored} {
		if code := refuse(t, r, 0, trail("2C")); code != cassino.CodeOwnBuild {
			t.Fatalf("code %q, want %q", code, cassino.CodeOwnBuild)
		}
		v := r.View(0)
		if v.LastCapturer != 1 || v.Sweeps[1] != 0 || v.PileCounts[1] != 2 || onlyBuild(t, r).Owner != 0 {
			t.Fatalf("view %+v", v)
		}
	}
}

// trailing plays the 2-player match of seed 4 with both seats trailing
// their lowest card, for the given number of plays.
func trailing(t *testing.T, plays int) *cassino.Match {
	t.Helper()
	m, _, err := cassino.New(cassino.Setup{Options: two(), Seed: 4})
	if err != nil {
		t.Fatal(err)
	}
	for step := 0; step < plays; step++ {
		s := m.Turn()
		apply(t, m, s, cassino.TrailAction(slices.Min(m.View(s).Hand)))
	}
	return m
}

// trailedOut: after 46 trails seat 0 holds its last card of the hand, the
// ten of spades, over a table of fifty loose cards.
func trailedOut(t *testing.T) *cassino.Match {
	t.Helper()
	m := trailing(t, 46)
	v := m.View(0)
	if v.Turn != 0 || !sameCards(v.Hand, cs("TS")) || len(v.Table) != 50 {
		t.Fatalf("the deal changed: seat 0 holds %v over %d cards", v.Hand, len(v.Table))
	}
	return m
}

// fiftyLoose is the table trailedOut reaches, for positions.
const fiftyLoose = "5D 8S JS AH AD AS 5H AC 7H 2C 9D 5S 4C 3S 6S 4D 9S 6H QD TH 2S 5C 4S TD 7S " +
	"JC KC KD 3H 4H 3D 6D 7D KS QH KH 7C 2D 9C 3C JH 6C JD QS 2H 8H 8D 9H 8C TC"

func TestAdversaryHugeTableStillAcceptsTheCapture(t *testing.T) {
	// "Apply still accepts every legal play, whatever the table."
	m := trailedOut(t)
	if code := refuse(t, m, 0, capt("TS", "TH | TD")); code != cassino.CodeIllegalCapture {
		t.Errorf("leaving the TC: code %q", code)
	}
	apply(t, m, 0, capt("TS", "TH | TD | TC | 5D 5H"))
	if got := pile(m, 0); got != 6 {
		t.Fatalf("pile %d, want 6", got)
	}
}

func TestAdversaryHugeTableListsTheCapturesOfTheLastCard(t *testing.T) {
	m := trailedOut(t)
	la := m.LegalActions(0)
	if !slices.ContainsFunc(la, func(a action) bool { return a.Type == cassino.Capture }) {
		t.Fatalf("listed %v: no capture, though TS takes TH, TD and TC", la)
	}
	// Fewest sets first: the capture of the three tens alone is listed.
	if !slices.ContainsFunc(la, func(a action) bool { return advKey(a) == advKey(capt("TS", "TH | TD | TC")) }) {
		t.Errorf("the capture of the three tens alone is not listed")
	}
}

func TestAdversaryNoTrailAllowedStillOffersAPlay(t *testing.T) {
	o := two()
	o.TrailWhenCaptureAvailable = false
	m := position(t, o, cassino.Position{Turn: 0, Dealer: 1, Table: cs(fiftyLoose), Hands: hands("TS", "QC")})
	if _, err := m.Decide(0, capt("TS", "TH | TD | TC")); err != nil {
		t.Fatalf("the capture is refused: %v", err)
	}
	v := m.View(0)
	if len(v.Legal) == 0 {
		t.Fatal("no legal play listed for a seat that must capture")
	}
	for name, a := range map[string]action{
		"RandomLegal": cassino.RandomLegal(v, rand.New(rand.NewPCG(1, 1))),
		"Greedy":      cassino.Greedy(v),
	} {
		if _, err := m.Decide(0, a); err != nil {
			t.Errorf("%s picks %v: %v", name, a, err)
		}
	}
}

func TestAdversaryListBelowTheCapHoldsEveryPlay(t *testing.T) {
	m := trailing(t, 19)
	v := m.View(1)
	a := capt("TD", "TH | 7H AS 2S | 3S 2C 5H | 4D 5C AD")
	if v.Turn != 1 || len(v.Table) != 23 {
		t.Fatalf("the deal changed: seat %d to play over %d cards", v.Turn, len(v.Table))
	}
	if _, err := m.Decide(1, a); err != nil {
		t.Fatalf("%v refused: %v", a, err)
	}
	if len(v.Legal) >= cassino.MaxLegalPlays {
		t.Skipf("%d plays listed: the cap is reached", len(v.Legal))
	}
	if !slices.ContainsFunc(v.Legal, func(l action) bool { return advKey(l) == advKey(a) }) {
		t.Fatalf("%d plays listed, under the cap of %d, without %v", len(v.Legal), cassino.MaxLegalPlays, a)
	}
}

// ---- Dealing ----

func TestAdversaryEveryHandIsShuffledAnewAndReplaysAlike(t *testing.T) {
	// "The shuffle is drawn from a seed recorded in the action log": each
	// hand its own shuffle, the same for the same seed.
	deals := func() [][]cassino.Event {
		m, opening, err := cassino.New(cassino.Setup{Options: two(), Seed: 5})
		if err != nil {
			t.Fatal(err)
		}
		out := [][]cassino.Event{{one(t, opening, cassino.EventDealt)}}
		for len(out) < 3 && !m.Finished() {
			for _, e := range apply(t, m, m.Turn(), cassino.Greedy(m.View(m.Turn()))) {
				switch e.Type {
				case cassino.EventHandStarted:
					out = append(out, nil)
				case cassino.EventDealt:
					out[len(out)-1] = append(out[len(out)-1], e)
				}
			}
		}
		return out
	}
	a, b := deals(), deals()
	if len(a) < 3 {
		t.Fatalf("%d hands", len(a))
	}
	text := func(evs []cassino.Event) string {
		j, err := json.Marshal(evs)
		if err != nil {
			t.Fatal(err)
		}
		return string(j)
	}
	for h := range a {
		if text(a[h]) != text(b[h]) {
			t.Fatalf("hand %d dealt differently from the same seed", h+1)
		}
		if h > 0 && a[h][0].Deal == 1 && sameCards(a[h][0].Table, a[h-1][0].Table) {
			t.Fatalf("hand %d opens on the table of hand %d: %v", h+1, h, a[h][0].Table)
		}
	}
}
