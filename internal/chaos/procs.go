package chaos

import (
	"bytes"
	"fmt"
	"os"
	"strings"

	"github.com/croupier-dev/croupier/internal/childproc"
	"github.com/croupier-dev/croupier/roomcontract"
)

// Proc is a game pod's process, as /proc shows it.
type Proc struct {
	Pid   int
	Room  string // <namespace>/<name>, from the pod's environment
	Pod   string
	State byte // R, S, D: running; T: stopped; Z: exited, not yet reaped
}

// Live reports a process that can act: neither stopped nor exited.
func (p Proc) Live() bool {
	return p.State != 'T' && p.State != 't' && p.State != 'Z' && p.State != 'X'
}

// GamePods lists the game pods this process runs (the local pod runner
// starts them as direct children), by room. It reads only this process's
// own children.
func GamePods() map[string][]Proc {
	out := map[string][]Proc{}
	for _, pid := range childproc.Children() {
		env, err := os.ReadFile(fmt.Sprintf("/proc/%d/environ", pid))
		if err != nil {
			continue
		}
		vars := map[string]string{}
		for _, kv := range bytes.Split(env, []byte{0}) {
			if k, v, ok := strings.Cut(string(kv), "="); ok {
				vars[k] = v
			}
		}
		ns, name := vars[roomcontract.EnvRoomNamespace], vars[roomcontract.EnvRoomName]
		if ns == "" || name == "" {
			continue
		}
		state, ok := procState(pid)
		if !ok {
			continue
		}
		room := ns + "/" + name
		out[room] = append(out[room], Proc{Pid: pid, Room: room, Pod: vars[roomcontract.EnvPodName], State: state})
	}
	return out
}

// procState reads the state letter of /proc/<pid>/stat, after the
// command name (which may hold spaces and parentheses).
func procState(pid int) (byte, bool) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, false
	}
	i := bytes.LastIndexByte(b, ')')
	if i < 0 || i+2 >= len(b) {
		return 0, false
	}
	return b[i+2], true
}
