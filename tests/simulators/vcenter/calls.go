package main

import (
	"net/http"
	"regexp"
	"strings"
	"sync"
	"time"
)

// maxCalls bounds the write-call log of one world; the oldest records are dropped beyond it.
const maxCalls = 10000

// readPrefixes name SOAP methods that never change the inventory (vSphere's naming convention).
var readPrefixes = []string{"Retrieve", "ContinueRetrieve", "CancelRetrieve", "Query", "Find"}

// readMethods are the other calls that change nothing a test observes: session log-in/out, and
// per-session bookkeeping objects (views, property filters and collectors, task/event history
// collectors) that clients create and destroy only to read.
var readMethods = setOf(
	// session
	"Login", "LoginByToken", "LoginExtensionByCertificate", "Logout", "SessionIsActive", "AcquireCloneTicket",
	"CloneSession", "CurrentTime", "HasPrivilegeOnEntity", "HasPrivilegeOnEntities", "HasUserPrivilegeOnEntities",
	"FetchUserPrivilegeOnEntities",
	// views
	"CreateContainerView", "CreateListView", "CreateListViewFromView", "CreateInventoryView", "DestroyView",
	// property collection ("Fetch" is pyVmomi's read of one property)
	"Fetch", "CreateFilter", "DestroyPropertyFilter", "CreatePropertyCollector", "DestroyPropertyCollector",
	"WaitForUpdates", "WaitForUpdatesEx", "CheckForUpdates", "CancelWaitForUpdates",
	// task and event history
	"CreateCollectorForTasks", "CreateCollectorForEvents", "ReadNextTasks", "ReadPreviousTasks", "ReadNextEvents",
	"ReadPreviousEvents", "RewindCollector", "ResetCollector", "SetCollectorPageSize", "DestroyCollector",
)

func setOf(names ...string) map[string]bool {
	out := make(map[string]bool, len(names))
	for _, n := range names {
		out[n] = true
	}
	return out
}

// isWrite reports whether a SOAP method may change state: everything not known to be a read.
func isWrite(method string) bool {
	if method == "" || readMethods[method] {
		return false
	}
	for _, p := range readPrefixes {
		if strings.HasPrefix(method, p) {
			return false
		}
	}
	return true
}

var soapThis = regexp.MustCompile(`<(?:[\w-]+:)?_this\b[^>]*?\btype="(\w+)"[^>]*>\s*([^<\s]*)\s*<`)

// callRecord is one write call received over HTTP.
type callRecord struct {
	Method string `json:"method"`
	Type   string `json:"type"`
	Moid   string `json:"moid"`
	Time   string `json:"time"`
	Fault  bool   `json:"fault"`
}

// callLog is the list of write calls since the world was built or the log was cleared.
type callLog struct {
	mu    sync.Mutex
	calls []*callRecord
}

// start records a write call as it arrives; done marks its outcome once answered.
func (l *callLog) start(method string, body []byte) (done func(status int)) {
	rec := &callRecord{Method: method, Time: time.Now().UTC().Format(time.RFC3339Nano)}
	if m := soapThis.FindSubmatch(body); m != nil {
		rec.Type, rec.Moid = string(m[1]), string(m[2])
	}
	l.mu.Lock()
	l.calls = append(l.calls, rec)
	if len(l.calls) > maxCalls {
		l.calls = l.calls[len(l.calls)-maxCalls:]
	}
	l.mu.Unlock()
	return func(status int) {
		l.mu.Lock()
		rec.Fault = status != http.StatusOK
		l.mu.Unlock()
	}
}

func (l *callLog) snapshot() []callRecord {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]callRecord, 0, len(l.calls))
	for _, c := range l.calls {
		out = append(out, *c)
	}
	return out
}

func (l *callLog) clear() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := len(l.calls)
	l.calls = nil
	return n
}

// statusRecorder remembers the HTTP status of a response (a SOAP fault is answered with 500).
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	return s.ResponseWriter.Write(b)
}

func (s *statusRecorder) code() int {
	if s.status == 0 {
		return http.StatusOK
	}
	return s.status
}
