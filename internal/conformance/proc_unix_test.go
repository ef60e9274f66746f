//go:build unix

package conformance

import (
	"os/exec"
	"syscall"
)

// killProcessGroup makes cmd's cancellation kill node's whole process group,
// so that the child that node --test starts per file does not outlive it.
func killProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
}
