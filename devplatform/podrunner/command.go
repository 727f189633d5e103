package podrunner

import (
	corev1 "k8s.io/api/core/v1"
)

// argv maps a container onto a local binary. No image is pulled: the
// image's program (the first word of the command) is replaced by its local
// build from programs, or by binary when programs has none for it, and the
// rest of the command and the args are kept. A container that relies on
// the image's entrypoint alone runs binary with defaultArgs.
func argv(binary string, programs map[string]string, defaultArgs []string, c *corev1.Container) []string {
	var rest []string
	if len(c.Command) > 0 {
		if local, ok := programs[c.Command[0]]; ok {
			binary = local
		}
		rest = append(rest, c.Command[1:]...)
	}
	rest = append(rest, c.Args...)
	if len(c.Command) == 0 && len(c.Args) == 0 {
		rest = append(rest, defaultArgs...)
	}
	return append([]string{binary}, rest...)
}
