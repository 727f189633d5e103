// Command croupier-gameserver is the game pod alone: what `croupier
// gameserver` runs, in a binary that links nothing of the other roles (no
// Kubernetes client, no operator), so a room's pod starts faster and holds
// less memory. It ships in the same image, beside croupier.
package main

import (
	"fmt"
	"os"

	"github.com/croupier-dev/croupier/gameserver/pod"
)

func main() {
	args := os.Args[1:]
	// The pod's arguments are those of `croupier gameserver`; the role
	// name is accepted so the same arguments run either binary.
	if len(args) > 0 && args[0] == "gameserver" {
		args = args[1:]
	}
	if err := pod.Run(args); err != nil {
		fmt.Fprintf(os.Stderr, "croupier-gameserver: %v\n", err)
		os.Exit(1)
	}
}
