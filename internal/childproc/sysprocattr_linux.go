package childproc

import "syscall"

// groupDyingWithParent puts the child in a process group of its own and
// asks the kernel to SIGKILL it when this process dies, even by SIGKILL.
func groupDyingWithParent() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}
