package main

func init() {
	roles["gameserver"] = role{summary: "serve one game room (runs in the room's pod)", run: runGameserver}
}

func runGameserver(args []string) error { panic("gameserver role: under construction") }
