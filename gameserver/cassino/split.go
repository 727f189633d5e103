package cassino

// splitSets partitions all of cs into sets summing to v, plus, when extra
// > 0, exactly one set summing to extra, which is returned first. Only the
// values matter, so the search runs on counts per value, largest value
// first, with failures memoized: even a build naming every number card on
// the table is decided in a moment.
func splitSets(cs []Card, v, extra int) ([][]Card, bool) {
	total := sum(cs)
	if total < extra || (total-extra)%v != 0 {
		return nil, false
	}
	var byValue [11][]Card
	var counts valueCounts
	for _, c := range cs {
		if c.Value() == 0 {
			return nil, false
		}
		byValue[c.Value()] = append(byValue[c.Value()], c)
		counts = counts.plus(c.Value(), 1)
	}
	p := valueSplitter{v: v, extra: extra}
	if !p.solve(counts, extra > 0) {
		return nil, false
	}
	out := make([][]Card, 0, len(p.sets))
	for _, set := range p.sets {
		cards := make([]Card, len(set.values))
		for i, val := range set.values {
			cards[i] = byValue[val][0]
			byValue[val] = byValue[val][1:]
		}
		if set.extra {
			out = append([][]Card{cards}, out...)
		} else {
			out = append(out, cards)
		}
	}
	return out, true
}

// valueCounts packs how many cards of each value 1..10 remain, 4 bits each.
type valueCounts uint64

func (vc valueCounts) of(v int) int { return int(vc>>(4*v)) & 15 }

func (vc valueCounts) plus(v, n int) valueCounts { return vc + valueCounts(n)<<(4*v) }

func (vc valueCounts) highest() int {
	for v := 10; v > 0; v-- {
		if vc.of(v) > 0 {
			return v
		}
	}
	return 0
}

type splitKey struct {
	rest      valueCounts
	needExtra bool
}

type valueSet struct {
	values []int
	extra  bool
}

// valueSplitter places the highest remaining value in some set, trying
// every set of values (in non-increasing order) that holds it.
type valueSplitter struct {
	v, extra int
	failed   map[splitKey]bool
	sets     []valueSet
}

func (p *valueSplitter) solve(rest valueCounts, needExtra bool) bool {
	if rest == 0 {
		return !needExtra
	}
	key := splitKey{rest, needExtra}
	if p.failed[key] {
		return false
	}
	hi := rest.highest()
	if needExtra && p.try(rest, hi, p.extra, true) {
		return true
	}
	if p.try(rest, hi, p.v, false) {
		return true
	}
	if p.failed == nil {
		p.failed = map[splitKey]bool{} // most splits never fail once
	}
	p.failed[key] = true
	return false
}

func (p *valueSplitter) try(rest valueCounts, hi, target int, isExtra bool) bool {
	if hi > target {
		return false
	}
	values := []int{hi}
	var walk func(left valueCounts, limit, total int) bool
	walk = func(left valueCounts, limit, total int) bool {
		if total == target {
			p.sets = append(p.sets, valueSet{values: append([]int(nil), values...), extra: isExtra})
			if p.solve(left, !isExtra && p.needsExtra()) {
				return true
			}
			p.sets = p.sets[:len(p.sets)-1]
			return false
		}
		for val := min(limit, target-total); val > 0; val-- {
			if left.of(val) == 0 {
				continue
			}
			values = append(values, val)
			if walk(left.plus(val, -1), val, total+val) {
				return true
			}
			values = values[:len(values)-1]
		}
		return false
	}
	return walk(rest.plus(hi, -1), hi, hi)
}

// needsExtra reports whether the extra set is still owed.
func (p *valueSplitter) needsExtra() bool {
	if p.extra == 0 {
		return false
	}
	for _, s := range p.sets {
		if s.extra {
			return false
		}
	}
	return true
}
