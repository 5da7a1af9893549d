package main

import (
	"fmt"
	"sync"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

// simError is a vSphere fault with the message a real vCenter would put in faultstring.
type simError struct {
	msg   string
	fault types.BaseMethodFault
}

func (e *simError) Error() string { return e.msg }

func (e *simError) soap() *soap.Fault { return simulator.Fault(e.msg, e.fault) }

// localized converts the error into a task's info.error.
func (e *simError) localized() *types.LocalizedMethodFault {
	return &types.LocalizedMethodFault{Fault: e.fault, LocalizedMessage: e.msg}
}

func newError(fault types.BaseMethodFault, format string, args ...interface{}) *simError {
	msg := fmt.Sprintf(format, args...)
	fault.GetMethodFault().FaultMessage = []types.LocalizableMessage{{Key: "com.longdistance.vcsim", Message: msg}}
	return &simError{msg: msg, fault: fault}
}

func invalidArgument(property, format string, args ...interface{}) *simError {
	return newError(&types.InvalidArgument{InvalidProperty: property}, format, args...)
}

func notFound(format string, args ...interface{}) *simError {
	return newError(&types.NotFound{}, format, args...)
}

func objectNotFound(ref types.ManagedObjectReference, what string) *simError {
	return newError(&types.ManagedObjectNotFound{Obj: ref}, "%s %s not found", what, ref.Value)
}

// faultBox holds the faults injected through the admin API, each armed for a number of
// migrations (bounded by count).
type faultBox struct {
	mu   sync.Mutex
	fail []failSpec
	slow []slowSpec
	// panics counts SOAP calls, by method name, whose handler is made to panic (the panic guard
	// of fetch.go must answer a SystemError fault and keep serving).
	panics map[string]int
}

func (b *faultBox) addPanic(method string, count int) error {
	if method == "" {
		return fmt.Errorf("method is required")
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.panics == nil {
		b.panics = map[string]int{}
	}
	b.panics[method] += count
	return nil
}

// takePanic consumes one armed panic for method.
func (b *faultBox) takePanic(method string) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.panics[method] == 0 {
		return false
	}
	b.panics[method]--
	return true
}

type failSpec struct {
	Fault      string `json:"fault"`
	AtProgress int    `json:"at_progress"`
	Message    string `json:"message"`
}

type slowSpec struct {
	ExtraSeconds float64 `json:"extra_seconds"`
}

// migrationFaults are the MigrationFault family members the admin API can inject.
var migrationFaults = map[string]func(msg string) types.BaseMethodFault{
	"MigrationFault":         func(string) types.BaseMethodFault { return &types.MigrationFault{} },
	"VMotionLinkDown":        func(string) types.BaseMethodFault { return &types.VMotionLinkDown{Network: "vMotion"} },
	"VMotionInterfaceIssue":  func(string) types.BaseMethodFault { return &types.VMotionInterfaceIssue{} },
	"VMotionLinkCapacityLow": func(string) types.BaseMethodFault { return &types.VMotionLinkCapacityLow{Network: "vMotion"} },
	"VMotionNotSupported":    func(string) types.BaseMethodFault { return &types.VMotionNotSupported{} },
	"Timedout":               func(string) types.BaseMethodFault { return &types.Timedout{} },
}

func (b *faultBox) addFailure(spec failSpec, count int) error {
	if _, ok := migrationFaults[spec.Fault]; !ok {
		return fmt.Errorf("unknown migration fault %q", spec.Fault)
	}
	if spec.AtProgress < 1 || spec.AtProgress > 99 {
		return fmt.Errorf("at_progress must be 1..99, got %d", spec.AtProgress)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	for i := 0; i < count; i++ {
		b.fail = append(b.fail, spec)
	}
	return nil
}

func (b *faultBox) addSlow(spec slowSpec, count int) error {
	if spec.ExtraSeconds <= 0 {
		return fmt.Errorf("extra_seconds must be > 0")
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	for i := 0; i < count; i++ {
		b.slow = append(b.slow, spec)
	}
	return nil
}

// arm consumes one pending failure and one pending slowness for m.
func (b *faultBox) arm(m *migration) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.fail) > 0 {
		f := b.fail[0]
		b.fail = b.fail[1:]
		msg := f.Message
		if msg == "" {
			msg = fmt.Sprintf("injected %s: migration of %s failed at %d%%", f.Fault, m.vm, f.AtProgress)
		}
		m.failAt = f.AtProgress
		m.failure = newError(migrationFaults[f.Fault](msg), "%s", msg)
	}
	if len(b.slow) > 0 {
		m.extraSec = b.slow[0].ExtraSeconds
		b.slow = b.slow[1:]
	}
}

func (b *faultBox) pending() map[string]int {
	b.mu.Lock()
	defer b.mu.Unlock()
	n := 0
	for _, c := range b.panics {
		n += c
	}
	return map[string]int{"migration_failures": len(b.fail), "slow_tasks": len(b.slow), "handler_panics": n}
}
