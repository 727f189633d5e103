//go:build !unix

package benchcpu

// processCPU is unknown here; Report then adds nothing.
func processCPU() int64 { return -1 }
