package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// devSignalsEnv makes the test binary stand in for `croupier dev`: it
// takes the signals as croupier dev does, starts one child that does not
// ask to die with its parent, writes the child's pid and waits.
const devSignalsEnv = "CROUPIER_TEST_DEV_SIGNALS"

func TestMain(m *testing.M) {
	if pidFile := os.Getenv(devSignalsEnv); pidFile != "" {
		os.Exit(standInForDev(pidFile))
	}
	os.Exit(m.Run())
}

func standInForDev(pidFile string) int {
	ctx, stop := devSignals()
	defer stop()
	child := exec.Command("sleep", "300")
	child.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := child.Start(); err != nil {
		return 1
	}
	if err := os.WriteFile(pidFile, []byte(fmt.Sprint(child.Process.Pid)), 0o600); err != nil {
		return 1
	}
	<-ctx.Done() // the first Ctrl-C: a clean stop would begin here
	select {}    // and hang, so only the second Ctrl-C ends it
}

// startStandIn runs the test binary as the stand-in for croupier dev and
// waits for its child; exited reports the stand-in's end.
func startStandIn(t *testing.T) (dev *exec.Cmd, exited chan error, child int) {
	t.Helper()
	pidFile := filepath.Join(t.TempDir(), "child")
	dev = exec.Command(os.Args[0], "-test.run=^$")
	dev.Env = append(os.Environ(), devSignalsEnv+"="+pidFile)
	if err := dev.Start(); err != nil {
		t.Fatal(err)
	}
	exited = make(chan error, 1)
	go func() { exited <- dev.Wait() }()
	t.Cleanup(func() { _ = dev.Process.Kill() })

	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		b, err := os.ReadFile(pidFile)
		if err == nil {
			if _, err = fmt.Sscan(strings.TrimSpace(string(b)), &child); err == nil {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("the stand-in never started its child: %v", err)
		}
	}
	t.Cleanup(func() { _ = syscall.Kill(child, syscall.SIGKILL) })
	return dev, exited, child
}

// A second Ctrl-C within a second of the first (a double press) does not
// cut the clean stop short: only one more than a second after the first
// kills everything (docs/LOCAL.md, Stopping it).
func TestSecondInterruptWithinASecondIsIgnored(t *testing.T) {
	dev, exited, child := startStandIn(t)
	for range 2 {
		if err := dev.Process.Signal(os.Interrupt); err != nil {
			t.Fatal(err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	select {
	case err := <-exited:
		t.Fatalf("a double Ctrl-C ended the stop at once: %v", err)
	case <-time.After(1500 * time.Millisecond):
	}
	if err := syscall.Kill(child, 0); err != nil {
		t.Fatalf("a double Ctrl-C killed the children: %v", err)
	}
}

// A second Ctrl-C, more than a second after the first, kills every child
// process at once and exits 130 (docs/LOCAL.md, Stopping it).
func TestSecondInterruptKillsEveryChildAndExits130(t *testing.T) {
	dev, exited, child := startStandIn(t)

	if err := dev.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	time.Sleep(1200 * time.Millisecond) // the rule: more than a second after the first
	// Pressed again until it ends, as a person would: on a loaded machine
	// the first press may be taken up late.
	var err error
	for deadline := time.Now().Add(10 * time.Second); ; {
		if err := dev.Process.Signal(os.Interrupt); err != nil {
			t.Fatal(err)
		}
		select {
		case err = <-exited:
		case <-time.After(300 * time.Millisecond):
			if time.Now().After(deadline) {
				t.Fatal("still running after Ctrl-C pressed again")
			}
			continue
		}
		break
	}
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 130 {
		t.Fatalf("after the second Ctrl-C: %v, want exit status 130", err)
	}
	for deadline := time.Now().Add(5 * time.Second); syscall.Kill(child, 0) == nil; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("child %d outlived the second Ctrl-C", child)
		}
	}
}
