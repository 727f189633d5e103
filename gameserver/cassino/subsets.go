package cassino

import "math/bits"

// Sets of table cards are handled as bit masks over a slice of cards
// (at most 52, so a uint64 holds any of them).

// subsetsBySum lists every subset of cs summing to 1..10, by sum.
func subsetsBySum(cs []Card) [11][]uint64 {
	var out [11][]uint64
	var walk func(i int, mask uint64, total int)
	walk = func(i int, mask uint64, total int) {
		if total > 0 {
			out[total] = append(out[total], mask)
		}
		for j := i; j < len(cs) && j < 64; j++ {
			if v := cs[j].Value(); v > 0 && total+v <= 10 {
				walk(j+1, mask|1<<j, total+v)
			}
		}
	}
	walk(0, 0, 0)
	return out
}

// maskCards returns the cards of cs selected by mask, in cs order.
func maskCards(cs []Card, mask uint64) []Card {
	out := make([]Card, 0, bits.OnesCount64(mask))
	for mask != 0 {
		i := bits.TrailingZeros64(mask)
		out = append(out, cs[i])
		mask &^= 1 << i
	}
	return out
}

// splitSets partitions all of cs into sets summing to v, plus, when extra
// > 0, exactly one set summing to extra which is returned first.
func splitSets(cs []Card, v, extra int) ([][]Card, bool) {
	total := sum(cs)
	if total < extra || (total-extra)%v != 0 {
		return nil, false
	}
	for _, c := range cs {
		if c.Value() == 0 {
			return nil, false
		}
	}
	p := splitter{cs: cs, v: v, extra: extra, failed: map[splitKey]bool{}}
	all := uint64(1)<<len(cs) - 1
	if len(cs) == 64 {
		all = ^uint64(0)
	}
	if !p.solve(all, extra > 0) {
		return nil, false
	}
	out := make([][]Card, 0, len(p.sets))
	if extra > 0 {
		out = append(out, maskCards(cs, p.extraSet))
	}
	for _, m := range p.sets {
		out = append(out, maskCards(cs, m))
	}
	return out, true
}

type splitKey struct {
	rest      uint64
	needExtra bool
}

// splitter finds a partition by always placing the lowest remaining card,
// so each partition is explored once; failed remainders are memoized.
type splitter struct {
	cs       []Card
	v, extra int
	failed   map[splitKey]bool
	sets     []uint64
	extraSet uint64
}

func (p *splitter) solve(rest uint64, needExtra bool) bool {
	if rest == 0 {
		return !needExtra
	}
	key := splitKey{rest, needExtra}
	if p.failed[key] {
		return false
	}
	low := bits.TrailingZeros64(rest)
	if needExtra && p.tryTarget(rest, low, p.extra, true) {
		return true
	}
	if p.tryTarget(rest, low, p.v, false) {
		return true
	}
	p.failed[key] = true
	return false
}

// tryTarget tries every set holding card low that sums to target.
func (p *splitter) tryTarget(rest uint64, low, target int, isExtra bool) bool {
	var walk func(i int, mask uint64, total int) bool
	walk = func(i int, mask uint64, total int) bool {
		if total == target {
			return p.place(rest, mask, isExtra)
		}
		for j := i; j < len(p.cs); j++ {
			if rest&(1<<j) == 0 || total+p.cs[j].Value() > target {
				continue
			}
			if walk(j+1, mask|1<<j, total+p.cs[j].Value()) {
				return true
			}
		}
		return false
	}
	first := p.cs[low].Value()
	if first > target {
		return false
	}
	return walk(low+1, 1<<low, first)
}

func (p *splitter) place(rest, mask uint64, isExtra bool) bool {
	if isExtra {
		p.extraSet = mask
		if p.solve(rest&^mask, false) {
			return true
		}
		p.extraSet = 0
		return false
	}
	p.sets = append(p.sets, mask)
	// needExtra is still owed when this set is an ordinary one and the
	// extra set has not been placed yet.
	if p.solve(rest&^mask, p.extra > 0 && p.extraSet == 0) {
		return true
	}
	p.sets = p.sets[:len(p.sets)-1]
	return false
}
