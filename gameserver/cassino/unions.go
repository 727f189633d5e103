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
	var seen map[uint64]bool
	has := func(m uint64) bool {
		if seen != nil {
			return seen[m]
		}
		for _, u := range out {
			if u.mask == m {
				return true
			}
		}
		return false
	}
	add := func(u union) {
		out = append(out, u)
		if seen == nil && len(out) > 32 {
			seen = make(map[uint64]bool, 2*len(out))
			for _, x := range out {
				seen[x.mask] = true
			}
		} else if seen != nil {
			seen[u.mask] = true
		}
	}
	for _, u := range starts {
		if !has(u.mask) {
			add(u)
		}
	}
	for i := 0; i < len(out); i++ {
		base := out[i].mask
		for _, set := range sets {
			if m := base | set; base&set == 0 && !has(m) {
				add(union{mask: m, parent: i, set: set})
			}
		}
	}
	return out
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
