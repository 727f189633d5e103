package controllers

import (
	"context"

	ctrl "sigs.k8s.io/controller-runtime"

	gamesv1 "github.com/croupier-dev/croupier/api/v1alpha1"
	"github.com/croupier-dev/croupier/roomcontract"
)

// reconcileFinishedPresence follows who is still at a finished room's
// table. Players stay to look at the result, then leave, and kubectl's
// CONNECTED and croupier_gameroom_players must say so; little else of the
// heartbeat counts once the match is over (no silent pod is replaced, no
// idleness judged, the times and conditions stay as they were at the
// end). A pod that no longer beats has nobody connected.
func (r *GameRoomReconciler) reconcileFinishedPresence(ctx context.Context, s *scope) (ctrl.Result, error) {
	if r.redisDown.Load() {
		return ctrl.Result{}, nil
	}
	beat, err := readBeat(ctx, r.Redis, s.room)
	if err != nil {
		redisErrors.WithLabelValues("read").Inc()
		return ctrl.Result{}, nil // the counts stay as they were
	}
	s.presence = finishedPresence(s.room.Status, beat)
	// Its pod, restarted in place without being told, over a Redis that
	// lost the match, waits for players: it would deal a new match in a
	// room that stays Finished. Its replacement is told, and refuses.
	if forgotFinishedMatch(beat) && untoldPod(s) {
		return ctrl.Result{}, r.replaceUninformedPod(ctx, s)
	}
	return ctrl.Result{}, nil
}

// finishedPresence is a finished room's presence: the players of its
// heartbeat (none connected without one), the rest as the status has it.
func finishedPresence(st gamesv1.GameRoomStatus, beat *roomcontract.Beat) *Presence {
	p := &Presence{Seated: st.Players.Seated, Finished: true}
	if st.LastHeartbeatTime != nil {
		p.LastHeartbeat = st.LastHeartbeatTime.Time
	}
	if st.LastActivityTime != nil {
		p.LastActivity = st.LastActivityTime.Time
	}
	if beat != nil {
		p.Seated, p.Connected = int32(beat.Seated), int32(beat.Connected)
	}
	return p
}

// finishedPlayersBehind: a finished room's status shows players the
// heartbeat no longer does.
func finishedPlayersBehind(room *gamesv1.GameRoom, beat *roomcontract.Beat) bool {
	p := finishedPresence(room.Status, beat)
	return p.Seated != room.Status.Players.Seated || p.Connected != room.Status.Players.Connected
}

// forgotFinishedMatch: a finished room's pod beats neither the finished
// match nor a loss: restarted in place over a Redis that lost the match,
// it waits for players and would deal a new one.
func forgotFinishedMatch(beat *roomcontract.Beat) bool {
	return beat != nil && !beat.DataLost && beat.Phase != roomcontract.PhaseFinished
}
