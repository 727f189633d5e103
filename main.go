// Command croupier runs the operator, the router, the matchmaker and the
// local platform (game pods run the lean croupier-gameserver); the first
// argument selects the role, so a single image serves them all.
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"sort"
)

type role struct {
	summary string
	run     func(args []string) error
}

var roles = map[string]role{}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: croupier <role> [flags]\n\nroles:")
	names := make([]string, 0, len(roles))
	for n := range roles {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(os.Stderr, "  %-12s %s\n", n, roles[n].summary)
	}
	fmt.Fprintln(os.Stderr, "\nRun 'croupier <role> -h' for the flags of a role.")
}

func main() {
	if len(os.Args) < 2 {
		usage()
		os.Exit(2)
	}
	if os.Args[1] == "-h" || os.Args[1] == "--help" || os.Args[1] == "help" {
		usage()
		return
	}
	r, ok := roles[os.Args[1]]
	if !ok {
		fmt.Fprintf(os.Stderr, "croupier: unknown role %q\n\n", os.Args[1])
		usage()
		os.Exit(2)
	}
	err := r.run(os.Args[2:])
	if errors.Is(err, flag.ErrHelp) {
		return // the role printed its flags
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "croupier %s: %v\n", os.Args[1], err)
		os.Exit(1)
	}
}
