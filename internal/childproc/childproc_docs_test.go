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

// parentEnv makes the test binary a parent that starts one child and
// waits to be killed, writing the child's pid to the named file.
const parentEnv = "CHILDPROC_TEST_PARENT"

func TestMain(m *testing.M) {
	if pidFile := os.Getenv(parentEnv); pidFile != "" {
		os.Exit(beParent(pidFile))
	}
	os.Exit(m.Run())
}

func beParent(pidFile string) int {
	p, err := Start(Spec{Name: "sleep", Argv: []string{"sleep", "300"}})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if err := os.WriteFile(pidFile, []byte(fmt.Sprint(p.Pid())), 0o600); err != nil {
		return 1
	}
	<-p.Done()
	return 0
}

// A parent killed outright (kill -9, as `croupier dev` may be) takes its
// children with it (docs/LOCAL.md, Stopping it).
func TestChildrenDieWithTheirParent(t *testing.T) {
	g := NewWithT(t)
	pidFile := filepath.Join(t.TempDir(), "child")
	parent := exec.Command(os.Args[0], "-test.run=^$")
	parent.Env = append(os.Environ(), parentEnv+"="+pidFile)
	g.Expect(parent.Start()).To(Succeed())
	exited := make(chan error, 1)
	go func() { exited <- parent.Wait() }()

	var child int
	g.Eventually(func() error {
		b, err := os.ReadFile(pidFile)
		if err == nil {
			_, err = fmt.Sscan(strings.TrimSpace(string(b)), &child)
		}
		return err
	}, 10*time.Second, 20*time.Millisecond).Should(Succeed())
	g.Expect(alive(child)).To(BeTrue())

	g.Expect(parent.Process.Signal(syscall.SIGKILL)).To(Succeed())
	g.Eventually(exited, 5*time.Second).Should(Receive())
	g.Eventually(func() bool { return alive(child) }, 5*time.Second, 20*time.Millisecond).Should(BeFalse())
}
