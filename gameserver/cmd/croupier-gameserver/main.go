// Command croupier-gameserver is the game pod alone: what `croupier
// gameserver` runs, in a binary that links nothing of the other roles (no
// Kubernetes client, no operator), so a room's pod starts faster and holds
// less memory. The one image can carry both binaries.
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"

	"github.com/croupier-dev/croupier/gameserver/pod"
)

func main() {
	err := pod.Run(serverArgs(os.Args[1:]))
	if errors.Is(err, flag.ErrHelp) {
		return // the usage is printed
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "croupier-gameserver: %v\n", err)
		os.Exit(1)
	}
}

// serverArgs drops a leading role name: a pod's arguments are those of
// `croupier gameserver`, so the same pod spec runs either binary.
func serverArgs(args []string) []string {
	if len(args) > 0 && args[0] == "gameserver" {
		return args[1:]
	}
	return args
}
