//go:build !linux

package benchcpu

// otherCPU is unknown here; ReportOther then adds nothing.
func otherCPU(int) int64 { return -1 }
