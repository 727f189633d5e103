package childproc

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// DieWithParentWrapper returns a program that runs binary so that it is
// killed if this process dies, even by SIGKILL, for binaries a library
// starts (envtest starts etcd and kube-apiserver without asking for
// that). It is a tiny script in dir exec'ing util-linux's setpriv
// --pdeathsig; without setpriv, it is binary itself.
func DieWithParentWrapper(binary, dir string) (string, error) {
	setpriv, err := exec.LookPath("setpriv")
	if err != nil {
		return binary, nil
	}
	abs, err := filepath.Abs(binary)
	if err != nil {
		return "", err
	}
	wrapper := filepath.Join(dir, filepath.Base(binary))
	script := fmt.Sprintf("#!/bin/sh\nexec %s --pdeathsig KILL -- %s \"$@\"\n", shellQuote(setpriv), shellQuote(abs))
	if err := os.WriteFile(wrapper, []byte(script), 0o700); err != nil {
		return "", fmt.Errorf("write %s: %w", wrapper, err)
	}
	return wrapper, nil
}

func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
