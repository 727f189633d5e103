package main

func init() {
	roles["operator"] = role{summary: "run the GameRoom controller", run: runOperator}
}

func runOperator(args []string) error { panic("operator role: under construction") }
