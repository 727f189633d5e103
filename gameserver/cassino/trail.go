package cassino

// checkTrail validates a trail. A player whose side owns a build may not
// trail, unless no capture or build is open to them at all (otherwise a
// partner's build could leave them without any legal play).
func (s *state) checkTrail(seat int, c Card) (Event, *RuleError) {
	if s.sideOwnsBuild(seat) && s.hasCaptureOrBuild(seat) {
		if s.Options.partnered() {
			return Event{}, ruleErr(CodeOwnBuild, "your side owns a build, so you cannot trail")
		}
		return Event{}, ruleErr(CodeOwnBuild, "you own a build, so you cannot trail")
	}
	if !s.Options.TrailWhenCaptureAvailable && s.canCapture(c) {
		return Event{}, ruleErr(CodeMustCapture, "your %s can capture, so it may not be trailed", c)
	}
	return Event{Type: EventTrailed, Seat: seat, Card: c}, nil
}

func (s *state) evolveTrailed(e *Event) error {
	if err := s.checkPlayEvent(e); err != nil {
		return err
	}
	s.foldTrailed(e)
	return nil
}

func (s *state) foldTrailed(e *Event) {
	s.Hands[e.Seat] = dropCard(s.Hands[e.Seat], e.Card)
	s.Table = append(s.Table, e.Card)
	s.advanceTurn()
}

// canCapture reports whether c could take anything on the table.
func (s *state) canCapture(c Card) bool {
	if c.IsCourt() {
		for _, t := range s.Table {
			if t.Rank() == c.Rank() {
				return true
			}
		}
		return false
	}
	v := c.Value()
	for _, b := range s.Builds {
		if b.Value == v {
			return true
		}
	}
	return s.looseSums()&(1<<v) != 0
}

// looseSums is a bitset: bit t is set when some loose cards sum to t.
func (s *state) looseSums() uint32 {
	reach := uint32(1)
	for _, t := range s.Table {
		reach |= reach << t.Value()
	}
	return reach
}

// canBuild reports whether seat could make any build with c; it mirrors
// the plays buildActions lists without listing them.
func (s *state) canBuild(seat int, c Card) bool {
	if c.IsCourt() {
		return false
	}
	cv, sums := c.Value(), s.looseSums()
	for v := max(cv, 2); v <= 10; v++ {
		if !s.holdsValue(seat, c, v) {
			continue
		}
		if v > cv && sums&(1<<(v-cv)) != 0 {
			return true
		}
		for _, b := range s.Builds {
			joins := b.Value == v
			increases := !b.Multiple() && b.Value+cv == v && (b.Owner != seat || s.Options.IncreaseOwnBuild)
			if joins && v == cv || increases {
				return true
			}
		}
		if v == cv && sums&(1<<v) != 0 {
			return true
		}
	}
	return false
}

func (s *state) hasCaptureOrBuild(seat int) bool {
	for _, c := range s.Hands[seat] {
		if s.canCapture(c) || s.canBuild(seat, c) {
			return true
		}
	}
	return false
}
