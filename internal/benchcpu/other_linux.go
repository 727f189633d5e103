package benchcpu

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
)

// otherCPU is the user and system time of process pid in nanoseconds, from
// /proc/<pid>/stat (fields 14 and 15, in ticks of 1/100 s), or -1.
func otherCPU(pid int) int64 {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return -1
	}
	// The command name may hold spaces; the fields after it do not.
	i := bytes.LastIndexByte(stat, ')')
	if i < 0 {
		return -1
	}
	f := bytes.Fields(stat[i+1:])
	if len(f) < 13 {
		return -1
	}
	utime, err1 := strconv.ParseInt(string(f[11]), 10, 64)
	stime, err2 := strconv.ParseInt(string(f[12]), 10, 64)
	if err1 != nil || err2 != nil {
		return -1
	}
	return (utime + stime) * 10_000_000
}
