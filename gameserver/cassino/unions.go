package cassino

// union is a set of loose cards (a mask over s.Table) reached by adding
// the set to the union at index parent (-1: a starting union).
type union struct {
	mask   uint64
	parent int
	set    uint64
}

// unions extends the starting unions by disjoint sets, breadth first, and
// returns every distinct reachable union once.
func unions(starts []union, sets []uint64) []union {
	out := make([]union, 0, len(starts)+len(sets))
	var seen maskSet
	for _, u := range starts {
		if seen.add(u.mask) {
			out = append(out, u)
		}
	}
	for i := 0; i < len(out); i++ {
		base := out[i].mask
		for _, set := range sets {
			if base&set == 0 && seen.add(base|set) {
				out = append(out, union{mask: base | set, parent: i, set: set})
			}
		}
	}
	return out
}

// maskSet is a set of masks with open addressing: the hottest loop of move
// generation on a crowded table, where a Go map costs twice as much.
type maskSet struct {
	slots []uint64 // 0 marks a free slot; the mask 0 is kept in zero
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
			ms.n++
			return true
		}
	}
}

func (ms *maskSet) rehash() {
	old := ms.slots
	ms.slots = make([]uint64, max(64, 2*len(old)))
	ms.n = 0
	for _, m := range old {
		if m != 0 {
			ms.add(m)
		}
	}
}

// setsOf follows the parents of union i back to its start and appends the
// sets that make it up (the start's own mask included when not empty).
func setsOf(out []uint64, us []union, i int) []uint64 {
	for ; i >= 0; i = us[i].parent {
		if us[i].parent < 0 {
			if us[i].mask != 0 {
				out = append(out, us[i].mask)
			}
			break
		}
		out = append(out, us[i].set)
	}
	return out
}
