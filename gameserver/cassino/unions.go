package cassino

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
	ct := &g.ct
	g.seen.reset()
	starts := len(us)
	us = us[:0]
	for k := 0; k < starts; k++ {
		if u := us[:starts][k]; len(us) < limit && g.seen.add(u.vec) {
			us = append(us, u)
		}
	}
	if len(us) >= limit && len(sets) > 0 {
		return us
	}
	for i := 0; i < len(us); i++ {
		base := us[i].vec
		// What the table leaves of each class beside base, with every
		// guard bit set: ct.add's test, once per base instead of per set.
		room := (ct.sizes - base) | guards
		for _, set := range sets {
			if (room-set.vec)&guards != guards || !g.seen.add(base+set.vec) {
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
