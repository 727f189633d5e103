package cassino

import "math/bits"

// Loose number cards of one rank and one role for scoring (a spade, the big
// casino, or neither) are interchangeable for every rule and every score:
// 7H, 7D and 7C only ever differ by name. Move generation therefore counts
// cards per such class, which lists each distinct play once instead of
// once per choice of suits, and keeps a crowded table tractable.

// classBits is the width of one class's count in a vector: a class holds
// at most 3 cards (the hearts, diamonds and clubs of a rank), which takes
// two bits; the third is a guard that lets add compare every count at once.
const classBits = 3

// countMask and guards pick the counts and the guard bits of a vector.
const (
	countMask = 1<<(classBits-1) - 1
	guards    = 0x4924924924924924 // bit 2 of each 3-bit field, 21 fields
)

// maxClasses: ten ranks, each with a spade class and an other class, and
// the big casino.
const maxClasses = 21

// classTable sorts the loose number cards of a table into classes; a
// vector packs a count per class. It lives in fixed arrays because move
// generation builds one for every call.
type classTable struct {
	table []Card
	n     int
	sizes uint64 // the vector of every class's size
	value [maxClasses]uint8
	size  [maxClasses]uint8
	first [maxClasses][4]uint64 // table mask of the first k cards of a class
	// minAfter[k] is the lowest value of classes k and up (11: none).
	minAfter [maxClasses + 1]uint8
}

// classSet is a multiset of classes, as a vector.
type classSet struct {
	vec uint64
}

func roleOf(c Card) int {
	switch {
	case c.Suit() == Spades:
		return 0
	case c == bigCasino:
		return 1
	}
	return 2
}

// init sorts table's cards into classes, over what ct held before: only
// the sizes need clearing, since init writes every other entry of a class
// before it is read (first[k][0] is never written, and stays 0).
func (ct *classTable) init(table []Card) {
	clear(ct.size[:ct.n])
	ct.n, ct.sizes = 0, 0
	ct.table = table
	var ids [11][3]uint8 // class id + 1; 0: none yet
	for i, c := range table {
		if c.IsCourt() {
			continue
		}
		id := &ids[c.Rank()][roleOf(c)]
		if *id == 0 {
			ct.value[ct.n] = uint8(c.Value())
			ct.n++
			*id = uint8(ct.n)
		}
		k := *id - 1
		ct.first[k][ct.size[k]+1] = ct.first[k][ct.size[k]] | 1<<i
		ct.size[k]++
		ct.sizes += 1 << (classBits * k)
	}
	ct.minAfter[ct.n] = 11
	for k := ct.n - 1; k >= 0; k-- {
		ct.minAfter[k] = min(ct.value[k], ct.minAfter[k+1])
	}
}

func (ct *classTable) count(vec uint64, class int) int {
	return int(vec>>(classBits*class)) & countMask
}

// add is vec plus the set, if the table holds enough cards of each class.
// Each count of the set is taken from what vec leaves of its class, with
// the guard bit above it set: a count that does not fit borrows the guard,
// and no borrow crosses into the next class.
func (ct *classTable) add(vec uint64, s classSet) (uint64, bool) {
	left := ct.sizes - vec
	if ((left|guards)-s.vec)&guards != guards {
		return 0, false
	}
	return vec + s.vec, true
}

// fillSetsBySum lists every multiset of loose cards summing to 1..10, by
// sum, into g.bySum, reusing its lists.
func (g *generator) fillSetsBySum() {
	for v := range g.bySum {
		g.bySum[v] = g.bySum[v][:0]
	}
	g.walkSets(0, 0, 0)
}

// walkSets lists, depth first, the multisets that add cards of classes
// from class on to vec (worth total); it goes down only where some later
// class still fits, which spares most calls on a small table.
func (g *generator) walkSets(class int, vec uint64, total int) {
	ct := &g.ct
	for i := class; i < ct.n; i++ {
		value := int(ct.value[i])
		t, v := total, vec
		for range ct.size[i] {
			t += value
			if t > 10 {
				break
			}
			v += 1 << (classBits * i)
			g.bySum[t] = append(g.bySum[t], classSet{vec: v})
			if t+int(ct.minAfter[i+1]) <= 10 {
				g.walkSets(i+1, v, t)
			}
		}
	}
}

// ofValue is the vector of every loose card of value v, with the mask of
// those classes' counts.
func (ct *classTable) ofValue(v int) (vec, mask uint64) {
	for k := range ct.n {
		if int(ct.value[k]) == v {
			vec |= uint64(ct.size[k]) << (classBits * k)
			mask |= countMask << (classBits * k)
		}
	}
	return vec, mask
}

// singles appends vec's cards as sets of one card each.
func (ct *classTable) singles(out []uint64, vec uint64) []uint64 {
	for vec != 0 {
		i := bits.TrailingZeros64(vec) / classBits
		for range ct.count(vec, i) {
			out = append(out, 1<<(classBits*i))
		}
		vec &^= countMask << (classBits * i)
	}
	return out
}

// mask is the table mask of vec: the first cards of each class.
func (ct *classTable) mask(vec uint64) uint64 {
	var m uint64
	for vec != 0 {
		i := bits.TrailingZeros64(vec) / classBits
		m |= ct.first[i][ct.count(vec, i)]
		vec &^= countMask << (classBits * i)
	}
	return m
}

// split gives disjoint table masks to set vectors that fit the table
// together, handing out each class's cards in table order.
func (ct *classTable) split(out, sets []uint64) []uint64 {
	var used [maxClasses]int
	for _, vec := range sets {
		var m uint64
		for vec != 0 {
			i := bits.TrailingZeros64(vec) / classBits
			n := ct.count(vec, i)
			m |= ct.first[i][used[i]+n] &^ ct.first[i][used[i]]
			used[i] += n
			vec &^= countMask << (classBits * i)
		}
		out = append(out, m)
	}
	return out
}
