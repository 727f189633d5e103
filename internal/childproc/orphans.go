package childproc

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// KillChildren sends SIGKILL to every direct child of this process and to
// the process group each one leads. It is the last resort of a forced
// exit: it also reaches children started by libraries that do not ask to
// die with their parent.
func KillChildren() {
	for _, pid := range Children() {
		_ = syscall.Kill(-pid, syscall.SIGKILL)
		_ = syscall.Kill(pid, syscall.SIGKILL)
	}
}

// Children lists the process ids of this process's live children.
func Children() []int {
	self := os.Getpid()
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	var out []int
	for _, path := range stats {
		if pid, ppid, ok := parentOf(path); ok && ppid == self {
			out = append(out, pid)
		}
	}
	return out
}

// parentOf reads a /proc/<pid>/stat line: "pid (comm) state ppid ...";
// comm may hold spaces and parentheses, so fields are counted after the
// last ')'.
func parentOf(statPath string) (pid, ppid int, ok bool) {
	b, err := os.ReadFile(statPath)
	if err != nil {
		return 0, 0, false
	}
	s := string(b)
	open, end := strings.IndexByte(s, ' '), strings.LastIndexByte(s, ')')
	if open < 0 || end < 0 {
		return 0, 0, false
	}
	fields := strings.Fields(s[end+1:])
	if len(fields) < 2 {
		return 0, 0, false
	}
	pid, err1 := strconv.Atoi(s[:open])
	ppid, err2 := strconv.Atoi(fields[1])
	return pid, ppid, err1 == nil && err2 == nil
}
