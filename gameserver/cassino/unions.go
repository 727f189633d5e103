package cassino

import "math/bits"

// union is a multiset of loose cards (a class vector) reached by adding the
// set vector to the union at index parent (-1: a starting union).
type union struct {
	vec    uint64
	parent int
	set    uint64
}

// unions extends the starting unions already in us by sets that still fit
// the table, breadth first, and returns every distinct reachable union
// once, at most limit of them, in us's memory.
func (g *generator) unions(us []union, sets []classSet, limit int) []union {
	g.hashed = false
	starts := len(us)
	us = us[:0]
	for k := 0; k < starts; k++ {
		if u := us[:starts][k]; len(us) < limit && g.fresh(us, u.vec) {
			us = append(us, u)
		}
	}
	if len(us) >= limit && len(sets) > 0 {
		return us
	}
	if len(sets) >= minFitting && len(sets) <= 64 {
		return g.unionsFitting(us, sets, limit)
	}
	return g.unionsHashed(us, sets, limit)
}

// unionsFitting is the breadth-first loop of unions for at most 64 sets:
// most sets do not fit beside a base (six in seven on a crowded table),
// so it picks those that do from bitsets, a few ANDs per base, and visits
// them in the same order as the plain loop, adding the same unions.
func (g *generator) unionsFitting(us []union, sets []classSet, limit int) []union {
	ct := &g.ct
	fit := &g.fit
	if !fit.index(ct, sets) {
		return g.unionsHashed(us, sets, limit)
	}
	// A union's place among every multiset of the table's loose cards
	// (mixed radix, one digit per class) is the sum of its sets' places,
	// so a bitset over those places finds duplicates.
	seen := fit.seen
	for _, u := range us {
		at := fit.place(ct, u.vec)
		seen[at>>6] |= 1 << (at & 63)
	}
	for i := 0; i < len(us); i++ {
		base := us[i].vec
		// Every set fits the table alone; beside base, a class base uses
		// has only what base leaves of it.
		ok, at := fit.all, 0
		for rest := base; rest != 0; {
			k := bits.TrailingZeros64(rest) / classBits
			n := ct.count(base, k)
			ok &= fit.within[k][ct.size[k]-uint8(n)]
			at += n * fit.stride[k]
			rest &^= countMask << (classBits * k)
		}
		for ; ok != 0; ok &= ok - 1 {
			j := bits.TrailingZeros64(ok)
			to := at + fit.places[j]
			if seen[to>>6]&(1<<(to&63)) != 0 {
				continue
			}
			seen[to>>6] |= 1 << (to & 63)
			set := sets[j].vec
			us = append(us, union{vec: base + set, parent: i, set: set})
			if len(us) >= limit {
				return us
			}
		}
	}
	return us
}

// unionsHashed is the plain loop of unions, its duplicates found by
// comparing or hashing.
func (g *generator) unionsHashed(us []union, sets []classSet, limit int) []union {
	ct := &g.ct
	for i := 0; i < len(us); i++ {
		base := us[i].vec
		// What the table leaves of each class beside base, with every
		// guard bit set: ct.add's test, once per base instead of per set.
		room := (ct.sizes - base) | guards
		for _, set := range sets {
			if (room-set.vec)&guards != guards || !g.fresh(us, base+set.vec) {
				continue
			}
			us = append(us, union{vec: base + set.vec, parent: i, set: set.vec})
			if len(us) >= limit {
				return us
			}
		}
	}
	return us
}

// maxPlaces bounds the multisets of loose cards unionsFitting's bitset
// covers (32 KiB); a table with more takes the hash set.
const maxPlaces = 1 << 18

// setFit indexes up to 64 sets by what they need of each class: bit j of
// within[k][r] is set when set j takes at most r cards of class k. It
// also numbers the table's multisets of loose cards (places).
type setFit struct {
	all    uint64
	within [maxClasses][countMask + 1]uint64
	stride [maxClasses]int
	places [64]int  // each set's place
	seen   []uint64 // bitset over places
}

// index fills f for sets; it reports false when the table has too many
// multisets for the bitset.
func (f *setFit) index(ct *classTable, sets []classSet) bool {
	total := 1
	for k := range ct.n {
		f.stride[k] = total
		total *= int(ct.size[k]) + 1
		if total > maxPlaces {
			return false
		}
	}
	words := (total + 63) / 64
	if cap(f.seen) < words {
		f.seen = make([]uint64, words)
	}
	f.seen = f.seen[:words]
	clear(f.seen)
	f.all = 1<<len(sets) - 1
	if len(sets) == 64 {
		f.all = ^uint64(0)
	}
	for k := range ct.n {
		f.within[k] = [countMask + 1]uint64{f.all, f.all, f.all, f.all}
	}
	for j, set := range sets {
		f.places[j] = f.place(ct, set.vec)
		for vec := set.vec; vec != 0; {
			k := bits.TrailingZeros64(vec) / classBits
			for r := range ct.count(set.vec, k) {
				f.within[k][r] &^= 1 << j
			}
			vec &^= countMask << (classBits * k)
		}
	}
	return true
}

// place is the number of the multiset vec among the table's.
func (f *setFit) place(ct *classTable, vec uint64) int {
	at := 0
	for rest := vec; rest != 0; {
		k := bits.TrailingZeros64(rest) / classBits
		at += ct.count(vec, k) * f.stride[k]
		rest &^= countMask << (classBits * k)
	}
	return at
}

// minFitting is the fewest sets for which unionsFitting's bitsets pay
// for indexing them; on the small tables of real play the plain loop is
// cheaper.
const minFitting = 16

// linearUnions is how many unions unions checks for a duplicate one by
// one before it fills the hash set: most calls find a few unions, and
// resetting and filling the hash set cost more than those comparisons.
const linearUnions = 16

// fresh reports that no union in us has the vector v, which the caller
// then appends. Every vector in us is in g.seen once g.hashed.
func (g *generator) fresh(us []union, v uint64) bool {
	if g.hashed {
		return g.seen.add(v)
	}
	if len(us) < linearUnions {
		for i := range us {
			if us[i].vec == v {
				return false
			}
		}
		return true
	}
	g.seen.reset()
	for i := range us {
		g.seen.add(us[i].vec)
	}
	g.hashed = true
	return g.seen.add(v)
}

// setsOf follows the parents of union i back to its start and appends the
// set vectors that make it up (the start's own when not empty).
func setsOf(out []uint64, us []union, i int) []uint64 {
	for ; i >= 0; i = us[i].parent {
		if us[i].parent < 0 {
			if us[i].vec != 0 {
				out = append(out, us[i].vec)
			}
			break
		}
		out = append(out, us[i].set)
	}
	return out
}

// maskSet is a set of masks with open addressing: the hottest loop of move
// generation on a crowded table, where a Go map costs twice as much.
type maskSet struct {
	slots []uint64 // 0 marks a free slot; the mask 0 is kept in zero
	used  []uint32 // the slots filled, so that reset clears only them
	n     int
	zero  bool
}

// add inserts m and reports whether it was new.
func (ms *maskSet) add(m uint64) bool {
	if m == 0 {
		was := ms.zero
		ms.zero = true
		return !was
	}
	if 2*(ms.n+1) > len(ms.slots) {
		ms.rehash()
	}
	mask := uint64(len(ms.slots) - 1)
	for i := (m * 0x9E3779B97F4A7C15) >> 32 & mask; ; i = (i + 1) & mask {
		switch ms.slots[i] {
		case m:
			return false
		case 0:
			ms.slots[i] = m
			ms.used = append(ms.used, uint32(i))
			ms.n++
			return true
		}
	}
}

// reset empties the set, keeping its slots for the next use.
func (ms *maskSet) reset() {
	for _, i := range ms.used {
		ms.slots[i] = 0
	}
	ms.used = ms.used[:0]
	ms.n, ms.zero = 0, false
}

func (ms *maskSet) rehash() {
	old := ms.slots
	ms.slots = make([]uint64, max(16, 2*len(old)))
	ms.used = ms.used[:0]
	ms.n = 0
	for _, m := range old {
		if m != 0 {
			ms.add(m)
		}
	}
}
