package cassino

import (
	"errors"
	"fmt"
)

// checkTurn checks what comes before the rules of the play: the match goes
// on, it is seat's turn, and seat holds the card. With checkPlay it
// validates an action against the state; neither changes the state.
func (s *state) checkTurn(seat int, a Action) *RuleError {
	if s.Finished {
		return ruleErr(CodeGameOver, "the match is over")
	}
	if seat < 0 || seat >= s.n() || seat != s.Turn {
		return ruleErr(CodeNotYourTurn, "it is not your turn: seat %d plays now", s.Turn)
	}
	if !a.Card.Valid() {
		return ruleErr(CodeBadAction, "name the card you play")
	}
	if !contains(s.Hands[seat], a.Card) {
		return ruleErr(CodeCardNotInHand, "you do not hold the %s", a.Card)
	}
	return nil
}

// checkPlay checks the play itself; the lists of its event come from p
// (nil: allocated).
func (s *state) checkPlay(seat int, a Action, p *packer) (Event, *RuleError) {
	switch a.Type {
	case Capture:
		if a.Value != 0 || len(a.Cards) > 0 {
			return Event{}, ruleErr(CodeBadAction, "a capture names sets of cards and builds, nothing else")
		}
		return s.checkCapture(seat, a, p)
	case Build:
		if len(a.Sets) > 0 {
			return Event{}, ruleErr(CodeBadAction, "a build names loose cards, not sets")
		}
		return s.checkBuild(seat, a, p)
	case Trail:
		if len(a.Sets)+len(a.Cards)+len(a.Builds) > 0 || a.Value != 0 {
			return Event{}, ruleErr(CodeBadAction, "a trail names only its card")
		}
		return s.checkTrail(seat, a.Card)
	}
	return Event{}, ruleErr(CodeBadAction, "an action is a capture, a build or a trail, not %q", a.Type)
}

// decide computes the events of an action on next, a copy of s, and
// folds them into it; s itself is untouched. The events live in em
// (nil: new memory).
func (s *state) decide(seat int, a Action, next *nextState, em *eventScratch) ([]Event, error) {
	if rerr := s.checkTurn(seat, a); rerr != nil {
		return nil, rerr
	}
	r := &recorder{s: &next.s, rest: &next.rest}
	r.p = &next.p
	if em != nil {
		r.events = em.take(r.p)
	} else {
		r.events = newEventMem(s, seat, a, r.p)
	}
	play, rerr := s.checkPlay(seat, a, r.p)
	if rerr != nil {
		return nil, rerr
	}
	r.events = append(r.events, play)
	r.fold(&r.events[len(r.events)-1], seat, false)
	if r.err != nil {
		return nil, r.err
	}
	return r.events, nil
}

// fold folds seat's checked play, the last of r.events, and emits what
// follows it: a sweep, a deal, the end of the hand. A listed play is
// folded without its event's checks (see listedPlay).
func (r *recorder) fold(play *Event, seat int, listed bool) {
	if listed {
		r.s.foldListed(play, r.rest)
	} else if err := r.s.evolveIn(play, r.rest); err != nil {
		r.err = fmt.Errorf("cassino: internal error folding %s: %w", play.Type, err)
		return
	}
	if play.Type == EventCaptured && r.s.Options.Sweeps && r.s.tableEmpty() && !r.s.lastPlayDone() {
		r.emit(Event{Type: EventSwept, Seat: seat})
	}
	r.settle()
}

// lastPlayDone reports that the hand's last card has been played.
func (s *state) lastPlayDone() bool { return s.allHandsEmpty() && len(s.Deck) == 0 }

// recorder folds each event into its state as it is emitted, so later
// decisions of the same action (deal, end of hand) see its effect.
type recorder struct {
	s      *state
	events []Event
	p      *packer // the memory of the events' lists (nil: allocate)
	rest   *packer // the memory of s's new lists (nil: allocate)
	err    error
}

func (r *recorder) emit(e Event) {
	if r.err != nil {
		return
	}
	if err := r.s.evolveIn(&e, r.rest); err != nil {
		r.err = fmt.Errorf("cassino: internal error folding %s: %w", e.Type, err)
		return
	}
	r.events = append(r.events, e)
}

// emitOwn is emit for an event settle has just derived from r.s, as
// evolve would derive it again to check it: it is folded unchecked.
func (r *recorder) emitOwn(e Event) {
	if r.err != nil {
		return
	}
	switch e.Type {
	case EventDealt:
		r.s.foldDealt(&e)
	case EventLastCards:
		r.s.foldLastCards(&e)
	case EventHandScored:
		r.s.foldHandScored(&e)
	default:
		r.emit(e)
		return
	}
	r.events = append(r.events, e)
}

// settle deals again when every hand is empty, or ends the hand.
func (r *recorder) settle() {
	s := r.s
	if !s.allHandsEmpty() {
		return
	}
	if len(s.Deck) > 0 {
		r.emitOwn(s.dealEvent(r.p))
		return
	}
	if !s.tableEmpty() {
		r.emitOwn(s.lastCardsEvent())
	}
	r.emitOwn(s.scoreEvent())
	if w := s.winners(); w != nil {
		r.emit(Event{Type: EventMatchWon, Winners: w, Scores: append([]int(nil), s.Scores...)})
		return
	}
	r.emit(s.startHandEvent())
	r.emit(s.dealEvent(r.p))
}

// evolve folds one event. It checks that the event fits the state, so a
// corrupt or misordered log is an error rather than a corrupt match.
func (s *state) evolve(e Event) error { return s.evolveIn(&e, nil) }

// evolveIn is evolve with the lists the event adds to s (a new build's
// sets) from rest when it has room (nil: allocated).
func (s *state) evolveIn(e *Event, rest *packer) error {
	switch e.Type {
	case EventHandStarted:
		return s.evolveHandStarted(e)
	case EventDealt:
		return s.evolveDealt(e)
	case EventCaptured:
		return s.evolveCaptured(e)
	case EventSwept:
		return s.evolveSwept(e)
	case EventBuilt:
		return s.evolveBuilt(e, rest)
	case EventTrailed:
		return s.evolveTrailed(e)
	case EventLastCards:
		return s.evolveLastCards(e)
	case EventHandScored:
		return s.evolveHandScored(e)
	case EventMatchWon:
		return s.evolveMatchWon(e)
	}
	return fmt.Errorf("unknown event type %q", e.Type)
}

func (s *state) evolveSwept(e *Event) error {
	if !s.Options.Sweeps || s.HandOver || s.Finished || e.Seat < 0 || e.Seat != s.LastCapturer || !s.tableEmpty() || s.lastPlayDone() {
		return errors.New("no sweep happened")
	}
	s.Sweeps[e.Seat]++
	return nil
}
