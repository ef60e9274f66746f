//go:build !unix

package conformance

import "os/exec"

// killProcessGroup keeps exec's default cancellation, which kills node only.
func killProcessGroup(*exec.Cmd) {}
