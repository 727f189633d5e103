package controllers

import (
	"fmt"
	"hash/fnv"
	"net"
	"strconv"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	gamesv1 "github.com/croupier-dev/croupier/api/v1alpha1"
)

// Presence is what the game pod last reported through its heartbeat.
type Presence struct {
	Seated, Connected int32
	// Playing and Finished are the match's state as the pod sees it.
	Playing, Finished bool
	LastHeartbeat     time.Time
	LastActivity      time.Time // zero: nobody ever connected
	// DataLost: the pod found that Redis lost the room's stored match.
	DataLost bool
}

// observed is everything a room's status is computed from.
type observed struct {
	room *gamesv1.GameRoom // spec, generation and the status so far
	pod  *corev1.Pod       // nil: the room has no pod
	// podErr is why the pod could not be created, if it could not.
	podErr error
	// preparedElsewhere, when set, are the namespaces prepared for game
	// pods; the room's is not one of them.
	preparedElsewhere []string
	// presence is nil when no heartbeat was read in this reconcile; the
	// players and times of the previous status are kept then.
	presence *Presence
	// heartbeats is the HeartbeatsKnown condition; nil leaves it as it was.
	heartbeats *metav1.Condition
	// silent: this reconcile deleted the pod because it stopped beating.
	silent bool
	// abandon: the idle rule's verdict; nil while the room is in use.
	abandon *abandonment
	// startTimedOut: the start rule's verdict; nil while the room may
	// still start.
	startTimedOut *startTimeout
	now           time.Time
}

// podHealth is the verdict on the room's pod.
type podHealth struct {
	healthy bool
	reason  string
	message string
	// broken: the room cannot run until a person changes something.
	broken bool
}

// computeStatus is the room's new status. It is pure: same input, same status.
func computeStatus(o observed) gamesv1.GameRoomStatus {
	st := *o.room.Status.DeepCopy()
	h := judgePod(o.room, o.pod, o.podErr)
	if o.preparedElsewhere != nil {
		h = notPrepared(o.room.Namespace, o.preparedElsewhere)
	}
	st.ObservedGeneration = o.room.Generation
	st.PodName = ""
	if o.pod != nil {
		st.PodName = o.pod.Name
	}
	st.Endpoint = endpoint(o.room, o.pod)
	if o.silent {
		h = podHealth{reason: ReasonHeartbeatTimeout, message: fmt.Sprintf(
			"Pod %s sent no heartbeat for %s; replacing it", PodName(o.room.Name), o.room.Spec.HeartbeatTimeoutOrDefault())}
	}
	if p := o.presence; p != nil {
		st.Players = gamesv1.Players{Seated: p.Seated, Connected: p.Connected}
	}
	if o.abandon != nil {
		st.Phase = gamesv1.PhaseAbandoned
		setCondition(&st, o, abandonedCondition(o.abandon))
	}
	st.Phase = phase(st.Phase, h, o.presence, matchStored(st))
	if st.Phase == gamesv1.PhaseFinished && st.FinishedTime == nil {
		st.FinishedTime = timeOrNil(o.now.Truncate(time.Second))
	}
	setCondition(&st, o, metav1.Condition{
		Type: gamesv1.ConditionPodHealthy, Status: boolStatus(h.healthy), Reason: h.reason, Message: h.message,
	})
	ready := readyCondition(st.Phase, st.Endpoint, h)
	if o.startTimedOut != nil {
		st.Phase, ready = gamesv1.PhaseFailed, startTimeoutCondition(o.startTimedOut, h)
	}
	if c := dataIntactCondition(st, o.presence); c != nil {
		setCondition(&st, o, *c)
	}
	if dataLost(st) {
		st.Phase, ready = dataLostPhase(st.Phase), dataLostReady(st)
	}
	setCondition(&st, o, ready)
	setCondition(&st, o, startedCondition(o, st, h))
	if o.heartbeats != nil {
		setCondition(&st, o, *o.heartbeats)
	}
	setTimes(&st, o)
	return st
}

// setTimes copies the heartbeat's times into the status only when the
// status is written anyway, or when they are StatusRefresh (plus the
// room's jitter, up to half of it) stale: the
// times move on every beat, and a write per beat per room is the storm
// the API server must not see.
func setTimes(st *gamesv1.GameRoomStatus, o observed) {
	p := o.presence
	if p == nil || (!timesDue(o.room, p) && equality.Semantic.DeepEqual(*st, o.room.Status)) {
		return
	}
	st.LastHeartbeatTime = timeOrNil(p.LastHeartbeat.Truncate(time.Second))
	st.LastActivityTime = timeOrNil(p.LastActivity.Truncate(time.Second))
}

func abandonedCondition(a *abandonment) metav1.Condition {
	return metav1.Condition{Type: gamesv1.ConditionAbandoned, Status: metav1.ConditionTrue, Reason: ReasonIdleTimeout,
		Message: fmt.Sprintf("Nobody was connected for %s (idle since %s); the room is deleted",
			a.timeout, a.idleSince.UTC().Format(time.RFC3339))}
}

// judgePod maps the pod (or why there is none) to PodHealthy.
func judgePod(room *gamesv1.GameRoom, pod *corev1.Pod, podErr error) podHealth {
	name := PodName(room.Name)
	switch {
	case podErr != nil && apierrors.IsInvalid(podErr):
		return podHealth{reason: ReasonPodInvalid, broken: true,
			message: fmt.Sprintf("The API server rejected pod %s; fix spec.template: %v", name, podErr)}
	case podErr != nil:
		return podHealth{reason: ReasonPodCreateFailed, message: fmt.Sprintf("Cannot create pod %s: %v", name, podErr)}
	case pod == nil:
		return podHealth{reason: ReasonPodMissing, message: fmt.Sprintf("Pod %s does not exist yet", name)}
	case !metav1.IsControlledBy(pod, room):
		return podHealth{reason: ReasonPodConflict, broken: true,
			message: fmt.Sprintf("Pod %s exists but is not controlled by this GameRoom; delete that pod or rename the room", name)}
	case pod.DeletionTimestamp != nil:
		return podHealth{reason: ReasonPodTerminating, message: fmt.Sprintf("Pod %s is terminating; a new one follows", name)}
	case podFinished(pod):
		return podHealth{reason: ReasonPodFailed,
			message: fmt.Sprintf("Pod %s stopped (%s); replacing it", name, podStopReason(pod))}
	case podReady(pod):
		return podHealth{healthy: true, reason: ReasonPodReady, message: fmt.Sprintf("Pod %s is ready", name)}
	}
	if h, stuck := podProblem(pod); stuck {
		return h
	}
	switch {
	case pod.Status.Phase == corev1.PodRunning:
		return podHealth{reason: ReasonPodNotReady, message: fmt.Sprintf("Pod %s is running but not ready%s", name, crashNote(pod))}
	default:
		return podHealth{reason: ReasonPodPending, message: fmt.Sprintf("Pod %s is pending%s%s", name, waitingReason(pod), crashNote(pod))}
	}
}

// phase derives the room's phase. Finished and Abandoned are final: the
// collector deletes such rooms, and a new pod must not bring them back.
// A match never un-starts: with no heartbeat to say more (Redis
// unreachable), a room whose match started (stored) is still playing.
func phase(prev gamesv1.GameRoomPhase, h podHealth, p *Presence, stored bool) gamesv1.GameRoomPhase {
	switch {
	case prev == gamesv1.PhaseFinished || prev == gamesv1.PhaseAbandoned:
		return prev
	case h.broken:
		return gamesv1.PhaseFailed
	case p != nil && p.Finished:
		return gamesv1.PhaseFinished
	case h.reason == ReasonPodMissing || h.reason == ReasonPodCreateFailed:
		return gamesv1.PhasePending
	case !h.healthy:
		return gamesv1.PhaseStarting
	case p != nil && p.Playing, p == nil && stored:
		return gamesv1.PhasePlaying
	default:
		return gamesv1.PhaseReady
	}
}

func readyCondition(ph gamesv1.GameRoomPhase, endpoint string, h podHealth) metav1.Condition {
	c := metav1.Condition{Type: gamesv1.ConditionReady, Status: metav1.ConditionFalse}
	switch ph {
	case gamesv1.PhaseReady:
		c.Status, c.Reason, c.Message = metav1.ConditionTrue, ReasonRoomReady, "Players can join at "+endpoint
	case gamesv1.PhasePlaying:
		c.Status, c.Reason, c.Message = metav1.ConditionTrue, ReasonPlaying, "The match is being played at "+endpoint
	case gamesv1.PhaseFinished:
		c.Reason, c.Message = ReasonFinished, "The match is over"
	case gamesv1.PhaseAbandoned:
		c.Reason, c.Message = ReasonAbandoned, "Nobody was connected for spec.idleTimeout"
	default:
		c.Reason, c.Message = h.reason, h.message
	}
	return c
}

// setCondition keeps lastTransitionTime unless the status flips, and
// stamps the generation the condition was computed from.
func setCondition(st *gamesv1.GameRoomStatus, o observed, c metav1.Condition) {
	c.ObservedGeneration = o.room.Generation
	c.LastTransitionTime = metav1.NewTime(o.now.Truncate(time.Second))
	meta.SetStatusCondition(&st.Conditions, c)
}

// endpoint is where the pod listens while it runs. It is set before the
// pod is ready, so `kubectl get gr` shows it early; clients wait for Ready.
func endpoint(room *gamesv1.GameRoom, pod *corev1.Pod) string {
	if pod == nil || pod.Status.PodIP == "" || pod.DeletionTimestamp != nil || podFinished(pod) ||
		!metav1.IsControlledBy(pod, room) {
		return ""
	}
	return net.JoinHostPort(pod.Status.PodIP, strconv.Itoa(GamePort))
}

func timeOrNil(t time.Time) *metav1.Time {
	if t.IsZero() {
		return nil
	}
	mt := metav1.NewTime(t)
	return &mt
}

func boolStatus(b bool) metav1.ConditionStatus {
	if b {
		return metav1.ConditionTrue
	}
	return metav1.ConditionFalse
}

// abandonment is the verdict of the idle rule.
type abandonment struct {
	idleSince time.Time
	timeout   time.Duration
}

// timesDue: the status times are missing or refreshAfter behind.
func timesDue(room *gamesv1.GameRoom, p *Presence) bool {
	st := room.Status
	if st.LastHeartbeatTime == nil || p.LastHeartbeat.Sub(st.LastHeartbeatTime.Time) >= refreshAfter(room) {
		return true
	}
	return !p.LastActivity.IsZero() && st.LastActivityTime == nil
}

// refreshAfter is the room's own refresh bound, between StatusRefresh and
// 1.5 times it, fixed by its name: rooms that started together (a fleet
// applied at once) would otherwise refresh together, a burst of writes
// every StatusRefresh; with periods of their own they drift apart.
func refreshAfter(room *gamesv1.GameRoom) time.Duration {
	h := fnv.New32a()
	_, _ = h.Write([]byte(room.Namespace + "/" + room.Name))
	return StatusRefresh + time.Duration(h.Sum32()%1000)*StatusRefresh/2000
}

// StatusRefresh bounds how far status.lastHeartbeatTime (and
// lastActivityTime with it) may fall behind the heartbeat in Redis, to
// within a per-room jitter of up to half of it (refreshAfter). The pod
// beats every few seconds; copying each beat into the status would be one
// API write per room per period, so the times are written only with
// another visible change, or when they are this stale. An hour keeps a
// steady fleet of 10,000 rooms under 170 writes a minute; no rule needs
// the times fresher while the heartbeat is in Redis, which is where the
// live value is read.
const StatusRefresh = time.Hour
