package benchcpu

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"time"
)

// Process is the CPU time (user and system) process pid has used, from
// /proc/<pid>/stat (fields 14 and 15, in ticks of 1/100 s).
func Process(pid int) (time.Duration, error) {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The command name may hold spaces; the fields after it do not.
	var f [][]byte
	if i := bytes.LastIndexByte(stat, ')'); i >= 0 {
		f = bytes.Fields(stat[i+1:])
	}
	if len(f) < 13 {
		return 0, fmt.Errorf("parse /proc/%d/stat", pid)
	}
	utime, err1 := strconv.ParseInt(string(f[11]), 10, 64)
	stime, err2 := strconv.ParseInt(string(f[12]), 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("parse /proc/%d/stat", pid)
	}
	const ticks = 100 // USER_HZ on Linux
	return time.Duration(utime+stime) * time.Second / ticks, nil
}
