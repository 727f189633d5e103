//go:build !linux

package childproc

import "syscall"

// groupDyingWithParent: only Linux offers a parent-death signal; elsewhere
// the child is still in its own group, so Stop reaches all of it.
func groupDyingWithParent() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}
