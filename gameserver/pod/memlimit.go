package pod

import (
	"runtime/debug"
	"strconv"
	"strings"
)

// Where a container's memory limit is found: cgroup v2, then v1.
const (
	cgroupV2Limit = "/sys/fs/cgroup/memory.max"
	cgroupV1Limit = "/sys/fs/cgroup/memory/memory.limit_in_bytes"
)

// memoryLimitShare of the container's limit is the Go runtime's soft
// limit: the rest is for what the runtime does not count (thread stacks
// outside the heap, the binary's pages) and a margin before the kernel's
// OOM killer.
const memoryLimitShare = 0.9

// setMemoryLimit gives the garbage collector the container's memory limit,
// so a pod near its limit collects harder instead of being killed, while
// an idle one keeps GOGC's small heap. An explicit GOMEMLIMIT wins (the
// runtime has already read it). It returns the limit set and where it
// came from; 0 when nothing was set.
func setMemoryLimit(getenv func(string) string, readFile func(string) ([]byte, error)) (int64, string) {
	if getenv("GOMEMLIMIT") != "" {
		return 0, ""
	}
	for _, path := range []string{cgroupV2Limit, cgroupV1Limit} {
		raw, err := readFile(path)
		if err != nil {
			continue
		}
		limit, ok := parseCgroupLimit(string(raw))
		if !ok {
			return 0, ""
		}
		soft := int64(float64(limit) * memoryLimitShare)
		debug.SetMemoryLimit(soft)
		return soft, path
	}
	return 0, ""
}

// parseCgroupLimit reads a cgroup memory limit file; "max" (v2) and the
// v1 stand-in for no limit (a value near 2^63) mean none.
func parseCgroupLimit(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	if s == "max" {
		return 0, false
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 || n >= 1<<62 {
		return 0, false
	}
	return n, true
}
