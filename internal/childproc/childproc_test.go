package childproc

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	. "github.com/onsi/gomega"
)

func alive(pid int) bool { return syscall.Kill(pid, 0) == nil }

func TestStopEndsTheWholeProcessGroup(t *testing.T) {
	g := NewWithT(t)
	pidFile := filepath.Join(t.TempDir(), "grandchild")
	// The shell ignores SIGTERM, so only the SIGKILL after the grace period
	// ends it; its background sleep must go with it.
	p, err := Start(Spec{Name: "shell", Argv: []string{"/bin/sh", "-c", `trap "" TERM; sleep 300 & echo $! > ` + pidFile + `; wait`}})
	g.Expect(err).NotTo(HaveOccurred())
	var grandchild int
	g.Eventually(func() error {
		b, err := os.ReadFile(pidFile)
		if err == nil {
			_, err = fmt.Sscan(strings.TrimSpace(string(b)), &grandchild)
		}
		return err
	}, 5*time.Second, 20*time.Millisecond).Should(Succeed())

	start := time.Now()
	p.Stop(200 * time.Millisecond)
	g.Expect(time.Since(start)).To(BeNumerically(">=", 200*time.Millisecond))
	g.Expect(p.Stopped()).To(BeTrue())
	g.Expect(p.ExitCode()).To(Equal(128 + int(syscall.SIGKILL)))
	g.Eventually(func() bool { return alive(grandchild) }, 5*time.Second, 20*time.Millisecond).Should(BeFalse())
}

func TestExitErrorSaysHowTheChildEnded(t *testing.T) {
	g := NewWithT(t)
	p, err := Start(Spec{Name: "failing", Argv: []string{"/bin/sh", "-c", "exit 7"}})
	g.Expect(err).NotTo(HaveOccurred())
	g.Eventually(p.Done()).Should(BeClosed())
	g.Expect(p.ExitCode()).To(Equal(7))
	g.Expect(p.ExitError()).To(MatchError("failing exited: exit status 7"))
	g.Expect(p.Stopped()).To(BeFalse())
}

func TestKillChildrenReachesChildrenStartedElsewhere(t *testing.T) {
	g := NewWithT(t)
	cmd := exec.Command("sleep", "300")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	g.Expect(cmd.Start()).To(Succeed())
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	KillChildren()
	g.Eventually(done, 5*time.Second).Should(Receive(HaveOccurred()))
}

func TestParentOfReadsCommWithSpacesAndParens(t *testing.T) {
	g := NewWithT(t)
	path := filepath.Join(t.TempDir(), "stat")
	g.Expect(os.WriteFile(path, []byte("4242 (a (b) c) S 17 4242 4242 0 -1\n"), 0o600)).To(Succeed())
	pid, ppid, ok := parentOf(path)
	g.Expect(ok).To(BeTrue())
	g.Expect(pid).To(Equal(4242))
	g.Expect(ppid).To(Equal(17))
}
