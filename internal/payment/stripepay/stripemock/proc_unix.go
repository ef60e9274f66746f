//go:build unix

package stripemock

import (
	"os/exec"
	"syscall"
)

// setProcessGroup puts the mock in a process group of its own, so that
// killing the group also ends anything it started.
func setProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
}

func killProcessGroup(cmd *exec.Cmd) {
	if cmd.Process == nil {
		return
	}
	// The group id is the mock's pid (Setpgid). Errors mean it is gone.
	_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
}
