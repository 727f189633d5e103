package podrunner

import (
	corev1 "k8s.io/api/core/v1"
)

// argv maps a container onto the local binary. No image is pulled: the
// image's program (the first word of the command) is replaced by binary,
// and the rest of the command and the args are kept. A container that
// relies on the image's entrypoint alone runs binary with defaultArgs.
func argv(binary string, defaultArgs []string, c *corev1.Container) []string {
	var rest []string
	if len(c.Command) > 1 {
		rest = append(rest, c.Command[1:]...)
	}
	rest = append(rest, c.Args...)
	if len(c.Command) == 0 && len(c.Args) == 0 {
		rest = append(rest, defaultArgs...)
	}
	return append([]string{binary}, rest...)
}
