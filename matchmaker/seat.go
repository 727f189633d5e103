package matchmaker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// maxSeatTries bounds the seats one player is handed that turn out to be
// gone (a room that filled through its link, or died).
const maxSeatTries = 4

// seat finds the player of req a seat and joins it, or fails when ctx
// ends. Whatever happens, the player leaves the queue and a seat it holds
// but cannot use goes back.
func (m *Matchmaker) seat(ctx context.Context, req PlayRequest) (map[string]json.RawMessage, error) {
	t := req.Table()
	b := keysOf(t)
	seats := t.HumanSeats()
	ticket := randomID()
	wake, stop := m.coord.notices(ticket)
	defer stop()
	seated := false
	defer func() {
		if seated {
			return // a seated player's ticket is out of the queue already
		}
		// Out of the queue even when ctx is gone; a seat that reached the
		// mailbox meanwhile goes back.
		bg, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
		defer cancel()
		if err := m.coord.leave(bg, b, ticket); err != nil {
			m.log.Error(err, "leave the queue", "bucket", b.prefix)
		}
	}()

	oid := randomID()
	st, err := m.coord.arrive(ctx, b, ticket, oid, seats, m.opts.ID)
	tries := 0
	for err == nil {
		m.claimed(b, st)
		switch st.kind {
		case stepSeat:
			t0 := time.Now()
			answer, jerr := m.joiner.join(ctx, st.room, req.Name)
			joinLatency.Observe(time.Since(t0).Seconds())
			if jerr == nil {
				seated = true
				return answer, nil
			}
			if !errors.Is(jerr, errSeatGone) {
				m.giveBackSeat(ctx, b, st.room)
			}
			if errors.Is(jerr, errPlayerAway) {
				m.dropRoom(ctx, b, st.room)
			}
			if tries++; tries >= maxSeatTries || !errors.Is(jerr, errSeatGone) && !errors.Is(jerr, errJoinFailed) {
				return nil, jerr
			}
			m.log.V(1).Info("seat unusable, asking again", "room", st.room, "error", jerr.Error())
			oid = randomID()
			st, err = m.coord.arrive(ctx, b, ticket, oid, seats, m.opts.ID)
		case stepObtain:
			err = m.rooms.obtain(ctx, t, func(room string, n int32) (bool, error) {
				// Offered even when this player has gone: see create.
				bg, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
				defer cancel()
				pushed, err := m.coord.supply(bg, b, room, n, oid)
				return pushed > 0, err
			})
			if err != nil {
				if rerr := m.coord.release(context.WithoutCancel(ctx), b, oid); rerr != nil {
					m.log.Error(rerr, "release an obtain lease", "bucket", b.prefix)
				}
				if errors.Is(err, errNoRoom) || ctx.Err() != nil {
					if errors.Is(err, errNoTemplatePool) {
						m.misconfigured(err)
					}
					return nil, err
				}
				m.log.Error(err, "obtain a room", "table", b.prefix)
				if !sleep(ctx, m.times.Poll) {
					return nil, ctx.Err()
				}
			}
			oid = randomID()
			st, err = m.coord.poll(ctx, b, ticket, oid, seats, m.opts.ID)
		case stepWait:
			select {
			case <-ctx.Done():
				return nil, ctx.Err()
			case <-wake:
				room, terr := m.coord.take(ctx, b, ticket)
				if terr != nil {
					err = terr
				} else if room != "" {
					st = step{kind: stepSeat, room: room}
				} else {
					st = step{kind: stepWait}
				}
			case <-time.After(m.times.Poll):
				oid = randomID()
				st, err = m.coord.poll(ctx, b, ticket, oid, seats, m.opts.ID)
			}
		default:
			return nil, fmt.Errorf("seat script: unknown step %q", st.kind)
		}
	}
	if st.kind == stepSeat && st.room != "" && ctx.Err() != nil {
		m.giveBackSeat(ctx, b, st.room)
	}
	return nil, err
}

// claimed counts the warm rooms a step claimed and queues their labels.
func (m *Matchmaker) claimed(b bucketKeys, st step) {
	if len(st.claimed) == 0 {
		return
	}
	claims.Add(float64(len(st.claimed)))
	if m.finish != nil {
		m.finish.claimed(b, st.claimed, m.opts.ID)
	}
}

// dropRoom takes a room's free seats out of the table: it refuses
// newcomers for a reason that lasts (errPlayerAway).
func (m *Matchmaker) dropRoom(ctx context.Context, b bucketKeys, room string) {
	bg, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
	defer cancel()
	if err := m.coord.drop(bg, b, room); err != nil {
		m.log.Error(err, "drop a room's free seats", "room", room)
	}
}

func (m *Matchmaker) giveBackSeat(ctx context.Context, b bucketKeys, room string) {
	bg, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
	defer cancel()
	if err := m.coord.giveBack(bg, b, room); err != nil {
		m.log.Error(err, "give a seat back", "room", room)
	}
}

func sleep(ctx context.Context, d time.Duration) bool {
	select {
	case <-ctx.Done():
		return false
	case <-time.After(d):
		return true
	}
}
