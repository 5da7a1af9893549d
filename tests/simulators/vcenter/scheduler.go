package main

import (
	"math"
	"sync"
	"time"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/types"
)

// vSphere "Limits on Simultaneous Migrations" (6.7): costs and maxima per host and datastore.
const (
	maxHostCost      = 8
	maxDatastoreCost = 128
	hostCostVmotion  = 1
	hostCostStorage  = 4 // Storage vMotion and vMotion without shared storage
	dsCostVmotion    = 1
	dsCostStorage    = 16
	tick             = 20 * time.Millisecond
)

// migration is one RelocateVM_Task between admission and completion.
type migration struct {
	task        *simulator.Task
	vm          string
	vmRef       types.ManagedObjectReference
	kind        string // vmotion, storage-vmotion, vmotion+storage, cross-vcenter
	hostCost    map[string]int
	dsCost      map[string]int
	linkKey     string
	link        link
	path        pathModel
	dataMbit    float64
	extraSec    float64 // injected slowness, modelled seconds
	failAt      int     // progress at which an injected fault fires (0 = none)
	failure     *simError
	preflight   func(*scheduler) *simError // runs once admitted, before the transfer (cross-vCenter checks)
	commit      func() *simError
	admitted    chan struct{}
	state       string
	doneMbit    float64
	extraDone   float64
	nominalSec  float64
	progress    int32
	queuedAt    time.Time
	startedAt   time.Time
	finishedAt  time.Time
	modelledSec float64
	result      string
}

// scheduler admits migrations under the host/datastore cost limits and shares link bandwidth.
type scheduler struct {
	w       *world
	mu      sync.Mutex
	queue   []*migration
	active  []*migration
	history []*migration
	hostUse map[string]int
	dsUse   map[string]int
	wan     link
	lan     link
	wg      sync.WaitGroup
}

func newScheduler(w *world) *scheduler {
	return &scheduler{w: w, hostUse: map[string]int{}, dsUse: map[string]int{}, wan: w.cfg.wan, lan: w.cfg.lan}
}

// links returns the inter-site and intra-site links used by migrations planned now.
func (s *scheduler) links() (wan, lan link) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.wan, s.lan
}

func (s *scheduler) setLinks(wan, lan link) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.wan, s.lan = wan, lan
}

func (s *scheduler) stop() { s.wg.Wait() }

func (s *scheduler) fits(m *migration) bool {
	for h, c := range m.hostCost {
		if s.hostUse[h]+c > maxHostCost {
			return false
		}
	}
	for d, c := range m.dsCost {
		if s.dsUse[d]+c > maxDatastoreCost {
			return false
		}
	}
	return true
}

// admitLocked moves every queued migration that fits, in FIFO order, to the active set.
func (s *scheduler) admitLocked() {
	var still []*migration
	for _, m := range s.queue {
		if !s.fits(m) {
			still = append(still, m)
			continue
		}
		for h, c := range m.hostCost {
			s.hostUse[h] += c
		}
		for d, c := range m.dsCost {
			s.dsUse[d] += c
		}
		m.state = "running"
		s.active = append(s.active, m)
		close(m.admitted)
	}
	s.queue = still
}

func (s *scheduler) releaseLocked(m *migration) {
	for h, c := range m.hostCost {
		s.hostUse[h] -= c
	}
	for d, c := range m.dsCost {
		s.dsUse[d] -= c
	}
	var kept []*migration
	for _, a := range s.active {
		if a != m {
			kept = append(kept, a)
		}
	}
	s.active = kept
	s.history = append(s.history, m)
	s.admitLocked()
}

// busy returns the task of a queued or running migration of vm, if any.
func (s *scheduler) busy(vm types.ManagedObjectReference) *types.ManagedObjectReference {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, list := range [][]*migration{s.queue, s.active} {
		for _, m := range list {
			if m.vmRef == vm {
				return &m.task.Self
			}
		}
	}
	return nil
}

// submit queues m and runs it asynchronously; the task stays "queued" (progress unset) until admitted.
func (s *scheduler) submit(m *migration) {
	m.admitted = make(chan struct{})
	m.state = "queued"
	m.queuedAt = time.Now()
	s.w.faults.arm(m)
	s.mu.Lock()
	s.queue = append(s.queue, m)
	s.admitLocked()
	s.mu.Unlock()
	s.wg.Add(1)
	go s.run(m)
}

func (s *scheduler) run(m *migration) {
	defer s.wg.Done()
	select {
	case <-m.admitted:
	case <-s.w.ctx.Done():
		return
	}
	s.mu.Lock()
	m.startedAt = time.Now()
	started := m.startedAt
	s.mu.Unlock()
	setTask(m.task, []types.PropertyChange{
		{Name: "info.startTime", Val: started},
		{Name: "info.state", Val: types.TaskInfoStateRunning},
	})
	var err *simError
	if m.preflight != nil {
		err = m.preflight(s)
	}
	if err == nil {
		err = s.transfer(m)
	}
	if err == nil && m.commit != nil {
		err = m.commit()
	}
	s.mu.Lock()
	m.finishedAt = time.Now()
	m.result = "success"
	if err != nil {
		m.result = "error: " + err.msg
	}
	s.releaseLocked(m)
	s.mu.Unlock()
	if s.w.ctx.Err() != nil {
		return
	}
	finishTask(m.task, err)
}

// transfer advances the migration tick by tick until all data has moved.
func (s *scheduler) transfer(m *migration) *simError {
	s.mu.Lock()
	rate0 := m.path.rateMbps(m.link.mbps/float64(s.sharersLocked(m)), m.link.rttMs)
	m.nominalSec = m.extraSec + m.dataMbit/rate0
	finished := m.dataMbit == 0 && m.extraSec == 0
	s.mu.Unlock()
	last := time.Now()
	for !finished {
		select {
		case <-s.w.ctx.Done():
			return newError(&types.RequestCanceled{}, "simulator reset while migrating %s", m.vm)
		case <-time.After(tick):
		}
		now := time.Now()
		dt := now.Sub(last).Seconds() * s.w.cfg.timeScale
		last = now
		s.mu.Lock()
		rate := m.path.rateMbps(m.link.mbps/float64(s.sharersLocked(m)), m.link.rttMs)
		m.modelledSec += m.advance(dt, rate)
		p := m.progressAt(rate0)
		changed := p != m.progress
		m.progress = p
		finished = m.doneMbit >= m.dataMbit && m.extraDone >= m.extraSec
		s.mu.Unlock()
		if changed {
			setTask(m.task, []types.PropertyChange{{Name: "info.progress", Val: p}})
		}
		if m.failure != nil && int(p) >= m.failAt {
			return m.failure
		}
	}
	return nil
}

// progressAt is the task progress (1..99) of the work done, measured at the admission rate.
func (m *migration) progressAt(rate0 float64) int32 {
	p := int32(1)
	if m.nominalSec > 0 {
		p = int32(99 * (m.extraDone + m.doneMbit/rate0) / m.nominalSec)
	}
	if p < 1 {
		p = 1
	}
	if p > 99 {
		p = 99
	}
	return p
}

// advance moves the migration forward by up to dt modelled seconds at rate Mbit/s (injected
// extra time first) and returns the modelled seconds actually used.
func (m *migration) advance(dt, rate float64) float64 {
	used := 0.0
	if m.extraDone < m.extraSec {
		take := math.Min(dt, m.extraSec-m.extraDone)
		m.extraDone += take
		dt -= take
		used += take
	}
	if dt > 0 && m.doneMbit < m.dataMbit {
		need := (m.dataMbit - m.doneMbit) / rate
		if dt >= need {
			m.doneMbit = m.dataMbit
			used += need
		} else {
			m.doneMbit += rate * dt
			used += dt
		}
	}
	return used
}

// sharersLocked counts active migrations on m's link (including m).
func (s *scheduler) sharersLocked(m *migration) int {
	n := 0
	for _, a := range s.active {
		if a.linkKey == m.linkKey {
			n++
		}
	}
	if n == 0 {
		n = 1
	}
	return n
}

func setTask(t *simulator.Task, changes []types.PropertyChange) {
	simulator.Map.WithLock(t, func() { simulator.Map.Update(t, changes) })
}

func finishTask(task *simulator.Task, err *simError) {
	state := types.TaskInfoStateSuccess
	changes := []types.PropertyChange{{Name: "info.completeTime", Val: time.Now()}}
	if err != nil {
		state = types.TaskInfoStateError
		changes = append(changes, types.PropertyChange{Name: "info.error", Val: err.localized()})
	} else {
		changes = append(changes, types.PropertyChange{Name: "info.progress", Val: int32(100)})
	}
	changes = append(changes, types.PropertyChange{Name: "info.state", Val: state})
	setTask(task, changes)
}

// migrationState is one row of the admin state dump.
type migrationState struct {
	Task          string         `json:"task"`
	VM            string         `json:"vm"`
	Kind          string         `json:"kind"`
	State         string         `json:"state"`
	Path          string         `json:"path"`
	Link          string         `json:"link"`
	DataMbit      float64        `json:"data_mbit"`
	Progress      int32          `json:"progress"`
	ModelledSec   float64        `json:"modelled_seconds"`
	NominalSec    float64        `json:"nominal_seconds"`
	WallSec       float64        `json:"wall_seconds"`
	Result        string         `json:"result,omitempty"`
	HostCost      map[string]int `json:"host_cost"`
	DatastoreCost map[string]int `json:"datastore_cost"`
}

func (s *scheduler) snapshot() []migrationState {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []migrationState
	add := func(list []*migration) {
		for _, m := range list {
			st := migrationState{Task: m.task.Self.Value, VM: m.vm, Kind: m.kind, State: m.state, Path: m.path.name,
				Link: m.linkKey, DataMbit: round1(m.dataMbit), Progress: m.progress, ModelledSec: round1(m.modelledSec),
				NominalSec: round1(m.nominalSec), Result: m.result, HostCost: m.hostCost, DatastoreCost: m.dsCost}
			if !m.finishedAt.IsZero() {
				st.State = "finished"
				st.WallSec = m.finishedAt.Sub(m.startedAt).Seconds()
			}
			out = append(out, st)
		}
	}
	add(s.history)
	add(s.active)
	add(s.queue)
	return out
}
