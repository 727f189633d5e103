package quickplay

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"golang.org/x/sys/unix"
)

// perfRun profiles the whole machine when QUICKPLAY_PERF names a
// directory: every process's CPU (API server, etcd, redis-server, the
// game pods, this process) lands in <dir>/perf.data, one system-wide
// `perf record` over the benchmark. Its samples carry CLOCK_MONOTONIC
// times, and <dir>/<tag>.window holds a burst's start and end on that
// clock, so `perf report -i <dir>/perf.data --time $(cat <dir>/<tag>.window)`
// shows that burst alone.
type perfRun struct {
	b   *testing.B
	dir string
	cmd *exec.Cmd
}

func startPerf(b *testing.B) *perfRun {
	p := &perfRun{b: b, dir: os.Getenv("QUICKPLAY_PERF")}
	if p.dir == "" {
		return p
	}
	p.cmd = exec.Command("perf", "record", "-e", "cpu-clock", "-F", "999", "-k", "CLOCK_MONOTONIC", "-a", "-g",
		"-o", filepath.Join(p.dir, "perf.data"))
	p.cmd.Stderr = os.Stderr
	if err := p.cmd.Start(); err != nil {
		b.Fatalf("QUICKPLAY_PERF needs perf: %v", err)
	}
	return p
}

// mark is now, for a window's start.
func (p *perfRun) mark() string {
	if p.cmd == nil {
		return ""
	}
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_MONOTONIC, &ts); err != nil {
		p.b.Fatal(err)
	}
	return fmt.Sprintf("%d.%06d", ts.Sec, ts.Nsec/1000)
}

// window records tag's window, from start until now.
func (p *perfRun) window(tag, start string) {
	if p.cmd == nil {
		return
	}
	if err := os.WriteFile(filepath.Join(p.dir, tag+".window"), []byte(start+","+p.mark()+"\n"), 0o644); err != nil {
		p.b.Error(err)
	}
}

func (p *perfRun) stop() {
	if p.cmd == nil {
		return
	}
	_ = p.cmd.Process.Signal(os.Interrupt)
	_ = p.cmd.Wait()
}
