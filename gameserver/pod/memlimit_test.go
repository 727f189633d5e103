package pod

import (
	"errors"
	"io/fs"
	"runtime/debug"
	"testing"
)

// The container's limit, from cgroup v2 or else v1, becomes the garbage
// collector's soft limit at nine tenths; no limit, a broken file or an
// explicit GOMEMLIMIT leave the runtime as it is.
func TestSetMemoryLimitFromTheContainer(t *testing.T) {
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(-1))
	for _, tc := range []struct {
		name      string
		gomem     string
		files     map[string]string
		want      int64
		wantFrom  string
		unchanged bool
	}{
		{name: "cgroup v2", files: map[string]string{cgroupV2Limit: "268435456\n"}, want: 241591910, wantFrom: cgroupV2Limit},
		{name: "cgroup v1", files: map[string]string{cgroupV1Limit: "100000000\n"}, want: 90000000, wantFrom: cgroupV1Limit},
		{name: "v2 without a limit", files: map[string]string{cgroupV2Limit: "max\n", cgroupV1Limit: "100000000"}, unchanged: true},
		{name: "v1 without a limit", files: map[string]string{cgroupV1Limit: "9223372036854771712\n"}, unchanged: true},
		{name: "garbage", files: map[string]string{cgroupV2Limit: "lots"}, unchanged: true},
		{name: "no cgroup files", files: map[string]string{}, unchanged: true},
		{name: "GOMEMLIMIT set", gomem: "64MiB", files: map[string]string{cgroupV2Limit: "268435456"}, unchanged: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			const before = 1 << 40
			debug.SetMemoryLimit(before)
			getenv := func(k string) string {
				if k == "GOMEMLIMIT" {
					return tc.gomem
				}
				return ""
			}
			readFile := func(p string) ([]byte, error) {
				if s, ok := tc.files[p]; ok {
					return []byte(s), nil
				}
				return nil, &fs.PathError{Op: "open", Path: p, Err: errors.New("no such file")}
			}
			got, from := setMemoryLimit(getenv, readFile)
			now := debug.SetMemoryLimit(-1)
			if tc.unchanged {
				if got != 0 || now != before {
					t.Fatalf("set %d (runtime now %d), want no change", got, now)
				}
				return
			}
			if got != tc.want || from != tc.wantFrom || now != tc.want {
				t.Fatalf("set %d from %q (runtime now %d), want %d from %q", got, from, now, tc.want, tc.wantFrom)
			}
		})
	}
}
