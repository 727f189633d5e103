package controllers

import (
	"testing"

	. "github.com/onsi/gomega"

	gamesv1 "github.com/croupier-dev/croupier/api/v1alpha1"
	"github.com/croupier-dev/croupier/api/v1alpha1/gameroomtest"
	"github.com/croupier-dev/croupier/roomcontract/pool"
)

// Someone who sits at a warm room by its link, with no claim, takes it
// out of the pool: the pool releases it as a claim would (so it is
// collected like any room once idle) and makes another.
func TestAPoolRoomTakenByItsLinkIsReleasedAndReplaced(t *testing.T) {
	g := NewWithT(t)
	ns := poolNamespace(t)
	p := createPool(t, gameroomtest.MakeGameRoomPool("quick", ns, 1))
	taken := makeReady(t, &waitWarm(t, p, 1)[0])
	waitPoolStatus(t, p, 1, 1, 0)

	writeBeat(t, taken, beatOf{seated: 1})

	g.Eventually(func(g Gomega) {
		got := getRoom(g, taken)
		g.Expect(pool.IsClaimed(got)).To(BeTrue())
		g.Expect(got.Annotations).To(HaveKeyWithValue(pool.AnnotationClaimedBy, ClaimedByOperator))
		g.Expect(got.Annotations).To(HaveKey(pool.AnnotationClaimedAt))
		g.Expect(got.OwnerReferences).To(BeEmpty(), "deleting the pool no longer deletes it")
	}, poolWaitFor, poll).Should(Succeed())
	after := waitWarm(t, p, 1)
	g.Expect(after[0].Name).NotTo(Equal(taken.Name), "the pool makes another room")
	waitPoolStatus(t, p, 1, 0, 1)
	g.Eventually(func(g Gomega) []string {
		var reasons []string
		for _, e := range poolEvents(g, p) {
			reasons = append(reasons, e.Reason)
		}
		return reasons
	}, waitFor, poll).Should(ContainElement(EventRoomsReleased))
}

// A pool whose template has bots: its rooms are ready with only their
// bots seated, and they stay the pool's.
func TestABotPoolsRoomsAreReadyWithTheirBotsSeated(t *testing.T) {
	g := NewWithT(t)
	ns := poolNamespace(t)
	p := createPool(t, gameroomtest.MakeGameRoomPool("bots", ns, 1).
		Room(gameroomtest.MakeGameRoom("", "").Players(2).Bots(1, gamesv1.BotLevelGreedy)))
	room := makeReady(t, &waitWarm(t, p, 1)[0])
	writeBeat(t, room, beatOf{seated: 1})
	g.Eventually(func(g Gomega) int32 { return getRoom(g, room).Status.Players.Seated }, waitFor, poll).Should(BeEquivalentTo(1))
	st := waitPoolStatus(t, p, 1, 1, 0)
	g.Expect(poolCondition(st, gamesv1.PoolConditionReady).Status).To(BeEquivalentTo("True"))
	g.Expect(pool.IsClaimed(getRoom(g, room))).To(BeFalse(), "its bot is no person")
}
