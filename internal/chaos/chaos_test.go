package chaos

import (
	"bytes"
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"

	. "github.com/onsi/gomega"

	"github.com/croupier-dev/croupier/roomcontract"
)

func TestOneSeedGivesOneSchedule(t *testing.T) {
	g := NewWithT(t)
	a, b, c := New(7, nil), New(7, nil), New(8, nil)
	g.Expect(a.Budget(30*time.Second, Platform)).To(Equal(b.Budget(30*time.Second, Platform)))
	g.Expect(a.Stream(5*time.Minute, 4*time.Second, Platform)).To(Equal(b.Stream(5*time.Minute, 4*time.Second, Platform)))
	g.Expect(New(7, nil).Budget(30*time.Second, Platform)).NotTo(Equal(c.Budget(30*time.Second, Platform)))
	g.Expect(Rand(7, 3).Uint64()).To(Equal(Rand(7, 3).Uint64()))
	g.Expect(Rand(7, 3).Uint64()).NotTo(Equal(Rand(7, 4).Uint64()), "two rooms drew the same stream")
}

func TestTheBudgetPlaysEachPlatformFaultOnceInsideTheWindow(t *testing.T) {
	g := NewWithT(t)
	faults := New(1, nil).Budget(30*time.Second, Platform)
	var kinds []Kind
	for i, f := range faults {
		kinds = append(kinds, f.Kind)
		g.Expect(f.At).To(And(BeNumerically(">=", 0), BeNumerically("<", 30*time.Second)))
		if i > 0 {
			g.Expect(f.At).To(BeNumerically(">", faults[i-1].At), "out of order: %v", faults)
		}
	}
	g.Expect(kinds).To(ConsistOf(Platform))
}

func TestTheClusterBudgetFailsOverOnceInsteadOfTheSingleRedisFaults(t *testing.T) {
	g := NewWithT(t)
	var kinds []Kind
	for _, f := range New(1, nil).Budget(30*time.Second, ClusterPlatform) {
		kinds = append(kinds, f.Kind)
	}
	g.Expect(kinds).To(ConsistOf(PodKill, PodFreeze, OperatorRestart, RedisFailover, APIServerRestart))
	g.Expect(New(3, nil).Stream(10*time.Minute, 4*time.Second, ClusterPlatform)).To(ContainElement(HaveField("Kind", RedisFailover)))
	g.Expect(New(3, nil).Stream(10*time.Minute, 4*time.Second, nil)).To(BeEmpty())
}

func TestTheStreamDrawsEveryKindOverALongWindow(t *testing.T) {
	g := NewWithT(t)
	faults := New(3, nil).Stream(10*time.Minute, 4*time.Second, Platform)
	g.Expect(len(faults)).To(BeNumerically("~", 150, 30))
	seen := map[Kind]bool{}
	for _, f := range faults {
		seen[f.Kind] = true
		g.Expect(f.At).To(BeNumerically("<", 10*time.Minute))
	}
	g.Expect(seen).To(HaveLen(len(Platform)))
	g.Expect(New(3, nil).Stream(time.Minute, 0, Platform)).To(BeEmpty())
}

func TestRecordLogsAndCountsEachFault(t *testing.T) {
	g := NewWithT(t)
	var out bytes.Buffer
	in := New(42, &out)
	in.Record(PodKill, "ns/a", "pid %d", 10)
	in.Record(PodKill, "ns/b", "pid %d", 11)
	in.Record(RedisFreeze, "redis", "for %s", time.Second)
	g.Expect(in.Counts()).To(Equal(map[Kind]int{PodKill: 2, RedisFreeze: 1}))
	g.Expect(in.Summary()).To(Equal("pod-kill=2 redis-freeze=1"))
	g.Expect(out.String()).To(ContainSubstring("#2 pod-kill          ns/b pid 11"))
}

func TestGamePodsFindsItsOwnChildrenByRoomAndSeesAFreeze(t *testing.T) {
	g := NewWithT(t)
	cmd := exec.Command("sleep", "30")
	cmd.Env = append(os.Environ(), roomcontract.EnvRoomNamespace+"=ns", roomcontract.EnvRoomName+"=table", roomcontract.EnvPodName+"=table-game")
	g.Expect(cmd.Start()).To(Succeed())
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	g.Eventually(GamePods).Should(HaveKeyWithValue("ns/table", ConsistOf(And(
		HaveField("Pid", cmd.Process.Pid), HaveField("Pod", "table-game"), HaveField("Live()", BeTrue())))))
	g.Expect(syscall.Kill(cmd.Process.Pid, syscall.SIGSTOP)).To(Succeed())
	g.Eventually(func() []Proc { return GamePods()["ns/table"] }).Should(ConsistOf(HaveField("Live()", BeFalse())))
	g.Expect(syscall.Kill(cmd.Process.Pid, syscall.SIGCONT)).To(Succeed())
	g.Eventually(func() []Proc { return GamePods()["ns/table"] }).Should(ConsistOf(HaveField("Live()", BeTrue())))
}
