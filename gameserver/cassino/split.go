package cassino

// splitSets partitions all of cs into sets summing to v, plus, when extra
// > 0, exactly one set summing to extra, which is returned first. Only the
// values matter, so the search runs on counts per value, largest value
// first, with failures memoized: even a build naming every number card on
// the table is decided in a moment.
func splitSets(cs []Card, v, extra int) ([][]Card, bool) { return splitSetsIn(cs, v, extra, nil) }

// splitSetsIn is splitSets with the sets from p when it has room (p may
// be nil).
func splitSetsIn(cs []Card, v, extra int, p *packer) ([][]Card, bool) {
	total := sum(cs)
	if total < extra || (total-extra)%v != 0 {
		return nil, false
	}
	var counts valueCounts
	for _, c := range cs {
		if c.Value() == 0 {
			return nil, false
		}
		counts = counts.plus(c.Value(), 1)
	}
	var sp *valueSplitter
	if p != nil && p.split != nil {
		sp = p.split
	} else {
		sp = new(valueSplitter)
	}
	*sp = valueSplitter{v: v, extra: extra}
	sp.sets = sp.setBuf[:0]
	if !sp.solve(counts, extra > 0) {
		return nil, false
	}
	// Each value's cards are handed out in the order of cs.
	var next [11]int
	take := func(val int) Card {
		for i := next[val]; i < len(cs); i++ {
			if cs[i].Value() == val {
				next[val] = i + 1
				return cs[i]
			}
		}
		return 0 // not reached: the counts came from cs
	}
	out := p.lists0(len(sp.sets))
	k := 0
	if sp.extraAt >= 0 {
		k = 1 // the extra set goes first
	}
	for i, set := range sp.sets {
		cards := p.cards0(int(set.n))
		for _, val := range set.values[:set.n] {
			cards = append(cards, take(int(val)))
		}
		if i == sp.extraAt {
			out[0] = cards
		} else {
			out[k] = cards
			k++
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
	values [10]int8 // non-increasing; they sum to at most 10
	n      int8
	extra  bool
}

// valueSplitter places the highest remaining value in some set, trying
// every set of values (in non-increasing order) that holds it.
type valueSplitter struct {
	v, extra int
	failed   map[splitKey]bool
	sets     []valueSet
	setBuf   [8]valueSet
	extraAt  int // index in sets of the extra set, once solved
}

func (p *valueSplitter) solve(rest valueCounts, needExtra bool) bool {
	if rest == 0 {
		if !needExtra {
			p.extraAt = -1
			for i, s := range p.sets {
				if s.extra {
					p.extraAt = i
				}
			}
		}
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
	cur := valueSet{n: 1, extra: isExtra}
	cur.values[0] = int8(hi)
	return p.walk(&cur, rest.plus(hi, -1), hi, hi, target)
}

// walk completes cur, whose values total total, with values of at most
// limit until they make target, then solves what is left.
func (p *valueSplitter) walk(cur *valueSet, left valueCounts, limit, total, target int) bool {
	if total == target {
		p.sets = append(p.sets, *cur)
		if p.solve(left, !cur.extra && p.needsExtra()) {
			return true
		}
		p.sets = p.sets[:len(p.sets)-1]
		return false
	}
	for val := min(limit, target-total); val > 0; val-- {
		if left.of(val) == 0 {
			continue
		}
		cur.values[cur.n] = int8(val)
		cur.n++
		if p.walk(cur, left.plus(val, -1), val, total+val, target) {
			return true
		}
		cur.n--
	}
	return false
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
