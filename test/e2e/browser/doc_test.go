// Package browser plays Croupier in real headless Chromium, driven over
// the DevTools protocol: each player is a separate browser context (its
// own cookies and localStorage), every websocket frame each one receives is
// recorded, and every step runs under a timeout, because a wait on a page
// can otherwise hang forever.
//
// Chromium is required: Debian's /usr/bin/chromium, which `make deps`
// installs. Without it the tests fail rather than skip, so a machine that
// lacks it cannot pass silently. Screenshots go to each test's artifact
// directory: `go test -artifacts -outputdir=DIR` keeps them.
package browser
