package main

import "math"

// WAN model (docs/wan-model.md). A transfer of D Mbit over a link of B Mbit/s and RTT r s takes
//
//	T = D / (B * eff) + D * r / W
//
// the first term is the bandwidth-limited time (eff > 1 means the stream is compressed or
// deduplicated), the second the window-limited time of one stream (W = effective window, Mbit).
// Concurrent migrations on a link share B; the window term is per stream and does not change.
// Parameters are fitted to the deployment guide's Appendix A (relative least squares, c = 0).

type link struct {
	mbps  float64
	rttMs float64
}

type pathModel struct {
	name       string
	eff        float64 // bandwidth efficiency factor
	windowMbit float64 // effective window per stream, Mbit
}

var (
	isessionPath = pathModel{name: "iSession", eff: 4.44, windowMbit: 4.27}
	plainPath    = pathModel{name: "unaccelerated", eff: 0.612, windowMbit: 1.29}
)

// rateMbps is the effective transfer rate of one stream given its bandwidth share.
func (p pathModel) rateMbps(shareMbps, rttMs float64) float64 {
	perMbit := 1/(shareMbps*p.eff) + (rttMs/1000)/p.windowMbit
	return 1 / perMbit
}

// seconds is the modelled duration of an uncontended transfer of mbit over l.
func (p pathModel) seconds(mbit float64, l link) float64 {
	return mbit / p.rateMbps(l.mbps, l.rttMs)
}

// memoryMbit is a VM's memory in Mbit (MiB based: 1 GiB = 8589.9 Mbit).
func memoryMbit(memoryMB int64) float64 { return float64(memoryMB) * 8 * 1.048576 }

// diskMbit is a disk capacity in Mbit.
func diskMbit(capacityKB int64) float64 { return float64(capacityKB) * 1024 * 8 / 1e6 }

func round1(v float64) float64 { return math.Round(v*10) / 10 }
