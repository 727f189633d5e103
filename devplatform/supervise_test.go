package devplatform

import (
	"context"
	"errors"
	"syscall"
	"testing"
	"time"

	. "github.com/onsi/gomega"

	"github.com/croupier-dev/croupier/internal/childproc"
)

func TestNextBackoff(t *testing.T) {
	g := NewWithT(t)
	g.Expect(nextBackoff(0, 0)).To(Equal(firstBackoff), "first restart")
	g.Expect(nextBackoff(time.Second, time.Second)).To(Equal(2 * time.Second))
	g.Expect(nextBackoff(16*time.Second, 0)).To(Equal(lastBackoff))
	g.Expect(nextBackoff(lastBackoff, 0)).To(Equal(lastBackoff))
	g.Expect(nextBackoff(lastBackoff, stableRun)).To(Equal(firstBackoff), "a long run forgets the crashes before it")
}

func sleeper() child {
	return child{name: "sleeper", start: func(context.Context) (*childproc.Process, error) {
		return childproc.Start(childproc.Spec{Name: "sleeper", Argv: []string{"sleep", "300"}})
	}}
}

func TestSupervisorRestartsAChildThatExitsAndSaysHow(t *testing.T) {
	g := NewWithT(t)
	out := &syncBuffer{}
	s, err := supervise(context.Background(), sleeper(), newProgressLogger(out), "sleeper.log")
	g.Expect(err).NotTo(HaveOccurred())
	first := s.current()

	g.Expect(syscall.Kill(first.Pid(), syscall.SIGKILL)).To(Succeed())
	g.Eventually(out.String, 5*time.Second, 20*time.Millisecond).Should(
		ContainSubstring("sleeper exited: signal: killed; restarting it in=1s restart=1 log=sleeper.log"))
	g.Eventually(s.current, 5*time.Second, 20*time.Millisecond).ShouldNot(BeIdenticalTo(first))
	// The new child is current a moment before its line is written.
	g.Eventually(out.String, 5*time.Second, 20*time.Millisecond).Should(MatchRegexp(`sleeper restarted pid=\d+ restart=1`))

	second := s.current()
	s.stop(time.Second)
	g.Expect(second.Done()).To(BeClosed())
	g.Consistently(out.String, 1500*time.Millisecond).ShouldNot(ContainSubstring("restart=2"), "a stopped child was restarted")
	g.Expect(childproc.Children()).To(BeEmpty())
}

func TestSupervisorReportsAFirstStartThatFails(t *testing.T) {
	c := child{name: "broken", start: func(context.Context) (*childproc.Process, error) {
		return childproc.Start(childproc.Spec{Name: "broken", Argv: nil})
	}}
	_, err := supervise(context.Background(), c, newProgressLogger(&syncBuffer{}), "broken.log")
	NewWithT(t).Expect(err).To(MatchError("broken: empty command line"))
}

func TestSupervisorRetriesARestartThatFails(t *testing.T) {
	g := NewWithT(t)
	out := &syncBuffer{}
	attempts := 0
	c := child{name: "flaky", start: func(context.Context) (*childproc.Process, error) {
		attempts++
		if attempts == 2 {
			return nil, errors.New("not ready")
		}
		return childproc.Start(childproc.Spec{Name: "flaky", Argv: []string{"sleep", "300"}})
	}}
	s, err := supervise(context.Background(), c, newProgressLogger(out), "flaky.log")
	g.Expect(err).NotTo(HaveOccurred())
	defer s.stop(time.Second)
	g.Expect(syscall.Kill(s.current().Pid(), syscall.SIGTERM)).To(Succeed())
	g.Eventually(out.String, 10*time.Second, 20*time.Millisecond).Should(ContainSubstring("flaky restarted"))
	g.Expect(out.String()).To(ContainSubstring("ERROR restart flaky failed; trying again: not ready in=2s"))
}
