package actionlog

import (
	"context"
	"errors"
	"testing"
	"time"

	. "github.com/onsi/gomega"

	"github.com/croupier-dev/croupier/internal/rediscluster"
	"github.com/croupier-dev/croupier/internal/redisserver"
)

// What an acknowledged action survives when the room's primary dies and
// its replica takes over. With WaitReplicas 1, every entry Append
// acknowledged is on the promoted replica; an append the replica did not
// confirm is not acknowledged (the player resends). Without it, an
// acknowledged entry can be lost: the replica had not received it.
func TestAnAppendAcknowledgedAfterWaitSurvivesAFailover(t *testing.T) {
	g := NewWithT(t)
	ctx := context.Background()
	c := rediscluster.Start(t)
	cl := c.Client(t)
	waiting := New(cl, keys).WithWaitReplicas(1)
	plain := New(cl, keys)

	g.Expect(mustAppend(t, waiting, 0, entry(0, "a")).Seq).To(BeEquivalentTo(1))
	g.Expect(mustAppend(t, waiting, 1, entry(1, "a")).Seq).To(BeEquivalentTo(2))
	dup, err := waiting.Append(ctx, 2, entry(1, "a"))
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(dup).To(Equal(Ack{Seq: 2, Duplicate: true}), "a duplicate is confirmed on the replica too")

	// Cut the replica off: frozen, and dropped by its primary (repl-timeout
	// 1s), so nothing written from now on reaches it, not even later.
	primary, err := c.PrimaryOf(ctx, keys.Log())
	g.Expect(err).NotTo(HaveOccurred())
	replica, err := c.ReplicaOf(ctx, primary)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(primary.Do(ctx, "CONFIG", "SET", "repl-timeout", "1").Err()).To(Succeed())
	g.Expect(replica.Freeze()).To(Succeed())
	t.Cleanup(replica.Thaw)
	g.Eventually(func() string {
		info, _ := primary.Info(ctx, "replication")
		return info["connected_slaves"]
	}, 20*time.Second, 100*time.Millisecond).Should(Equal("0"))

	_, err = waiting.Append(ctx, 2, entry(0, "b"))
	g.Expect(errors.Is(err, ErrNotReplicated)).To(BeTrue(), "%v", err)
	g.Expect(errors.Is(err, ErrOutcomeUnknown)).To(BeTrue(), "the player is told to resend, not that it was played")
	acked := mustAppend(t, plain, 3, entry(1, "b"))
	g.Expect(acked.Seq).To(BeEquivalentTo(4), "without waiting, the primary's answer is the ack")

	primary.Kill()
	replica.Thaw()
	_, err = c.WaitPromoted(ctx, keys.Log(), primary)
	g.Expect(err).NotTo(HaveOccurred())

	var after []Entry
	g.Eventually(func() error {
		after, err = waiting.After(ctx, 0)
		return err
	}, 20*time.Second, 100*time.Millisecond).Should(Succeed())
	g.Expect(seqsOf(after)).To(Equal([]int64{1, 2}), "both entries acknowledged after WAIT survive; the rest is lost")

	// The promoted replica has no replica of its own: nothing is
	// acknowledged until the shard has one again. The dead primary comes
	// back as that replica, and the match goes on from what survived.
	// (A player told outcome_unknown resends with the same action_id.)
	g.Eventually(func() error {
		_, err := waiting.Append(ctx, 2, entry(0, "b"))
		return err
	}, 20*time.Second, 100*time.Millisecond).Should(MatchError(ErrNotReplicated))
	g.Expect(primary.Restart(ctx)).To(Succeed())
	g.Expect(c.WaitHealthy(ctx)).To(Succeed())
	// The unconfirmed append did land on the promoted primary: its resend
	// is answered as the original once the new replica has it.
	g.Eventually(func() (Ack, error) {
		return waiting.Append(ctx, 2, entry(0, "b"))
	}, 20*time.Second, 100*time.Millisecond).Should(Equal(Ack{Seq: 3, Duplicate: true}))
	g.Expect(mustAppend(t, waiting, 3, entry(1, "c")).Seq).To(BeEquivalentTo(4))
}

// A single Redis without replicas never confirms: with WaitReplicas the
// room acknowledges nothing, which is why the setting is off by default.
func TestWaitWithoutReplicasAcknowledgesNothing(t *testing.T) {
	l := New(redisserver.Start(t).Client(t), keys).WithWaitReplicas(1)
	_, err := l.Append(context.Background(), 0, entry(0, "a"))
	if !errors.Is(err, ErrNotReplicated) {
		t.Fatalf("append with no replica to wait for: %v, want ErrNotReplicated", err)
	}
}

func seqsOf(es []Entry) []int64 {
	out := make([]int64, len(es))
	for i, e := range es {
		out[i] = e.Seq
	}
	return out
}
