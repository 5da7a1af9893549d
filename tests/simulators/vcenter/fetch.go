package main

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"log"
	"net/http"
	"reflect"
	"runtime/debug"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

// propertyCollector is the PropertyCollector singleton with vCenter's answer to Fetch of an
// unset property. govmomi 0.24.2 indexes MissingSet[0] when RetrievePropertiesEx returned
// neither a value nor a missing entry (the property exists but is unset, e.g. vm.snapshot of a
// VM without snapshots) and panics; vCenter (and newer govmomi) answer an empty FetchResponse,
// which pyVmomi reads as None. Embedded by value: the simulator's per-session copies are made
// with reflect.New of this type.
type propertyCollector struct {
	simulator.PropertyCollector
}

// FetchResponse is named like the SOAP element the simulator derives from the type name.
type FetchResponse struct {
	Returnval types.AnyType `xml:"returnval,omitempty,typeattr"`
}

type fetchBody struct {
	Res    *FetchResponse `xml:"FetchResponse,omitempty"`
	Fault_ *soap.Fault    `xml:"http://schemas.xmlsoap.org/soap/envelope/ Fault,omitempty"`
}

func (b *fetchBody) Fault() *soap.Fault { return b.Fault_ }

// Fetch takes the simulator's internal Fetch request (an unexported type, hence interface{}).
func (pc *propertyCollector) Fetch(ctx *simulator.Context, req interface{}) soap.HasFault {
	rv := reflect.ValueOf(req).Elem()
	thisField := rv.FieldByName("This")
	this := thisField.Interface().(types.ManagedObjectReference)
	prop := rv.FieldByName("Prop").String()
	base := func() soap.HasFault {
		out := reflect.ValueOf(&pc.PropertyCollector).MethodByName("Fetch").
			Call([]reflect.Value{reflect.ValueOf(ctx), reflect.ValueOf(req)})
		return out[0].Interface().(soap.HasFault)
	}
	if this == vim25.ServiceInstance && prop == "content" {
		return base()
	}
	if ctx.Map.Get(this) == nil {
		// Fetch accepts super class types (the simulator's own resolution, done here first).
		switch this.Type {
		case "ManagedEntity":
			for _, e := range ctx.Map.All("") {
				if ref := e.Reference(); ref.Value == this.Value {
					this.Type = ref.Type
					break
				}
			}
		case "ComputeResource":
			this.Type = "Cluster" + this.Type
		}
		thisField.Set(reflect.ValueOf(this))
	}
	res := pc.RetrievePropertiesEx(ctx, &types.RetrievePropertiesEx{
		SpecSet: []types.PropertyFilterSpec{{
			PropSet:   []types.PropertySpec{{Type: this.Type, PathSet: []string{prop}}},
			ObjectSet: []types.ObjectSpec{{Obj: this}},
		}}})
	if res.Fault() != nil {
		return res
	}
	var objects []types.ObjectContent
	if body, ok := res.(*methods.RetrievePropertiesExBody); ok && body.Res != nil && body.Res.Returnval != nil {
		objects = body.Res.Returnval.Objects
	}
	if len(objects) == 0 {
		msg := fmt.Sprintf("managed object not found: %s", this)
		return &fetchBody{Fault_: simulator.Fault(msg, &types.ManagedObjectNotFound{Obj: this})}
	}
	obj := objects[0]
	switch {
	case len(obj.PropSet) > 0:
		return &fetchBody{Res: &FetchResponse{Returnval: obj.PropSet[0].Val}}
	case len(obj.MissingSet) > 0:
		f := obj.MissingSet[0].Fault
		return &fetchBody{Fault_: simulator.Fault(f.LocalizedMessage, f.Fault)}
	default:
		return &fetchBody{Res: &FetchResponse{}}
	}
}

// wrapPropertyCollector replaces the model's PropertyCollector singleton with the extension's.
func wrapPropertyCollector() {
	si := simulator.Map.Get(vim25.ServiceInstance).(*simulator.ServiceInstance)
	ref := si.Content.PropertyCollector
	if pc, ok := simulator.Map.Get(ref).(*simulator.PropertyCollector); ok {
		simulator.Map.Put(&propertyCollector{PropertyCollector: *pc})
	}
}

// panicGuard turns a panic of a SOAP handler into a SystemError fault (HTTP 500, as vCenter
// answers an internal error) instead of a closed connection, and logs it with its stack. When the
// answer had already started, the connection is aborted as before (nothing else can be sent).
type panicGuard struct {
	http.ResponseWriter
	started bool
}

func (g *panicGuard) WriteHeader(code int) {
	g.started = true
	g.ResponseWriter.WriteHeader(code)
}

func (g *panicGuard) Write(b []byte) (int, error) {
	g.started = true
	return g.ResponseWriter.Write(b)
}

func guardPanics(rw http.ResponseWriter, method string, serve func(http.ResponseWriter)) {
	g := &panicGuard{ResponseWriter: rw}
	defer func() {
		v := recover()
		if v == nil {
			return
		}
		log.Printf("vcsim-ld: panic in %s: %v\n%s", method, v, debug.Stack())
		if g.started {
			panic(http.ErrAbortHandler)
		}
		writeSystemError(g.ResponseWriter, fmt.Sprintf("%s failed: %v", method, v))
	}()
	serve(g)
}

func writeSystemError(rw http.ResponseWriter, reason string) {
	rw.Header().Set("Content-Type", "text/xml; charset=utf-8")
	rw.WriteHeader(http.StatusInternalServerError)
	var esc bytes.Buffer
	_ = xml.EscapeText(&esc, []byte(reason))
	text := esc.String()
	_, _ = fmt.Fprintf(rw, `<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenc="http://schemas.xmlsoap.org/soap/encoding/" xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" `+
		`xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<soapenv:Body><soapenv:Fault><faultcode>ServerFaultCode</faultcode><faultstring>A general system error occurred: %s</faultstring>`+
		`<detail><SystemErrorFault xmlns="urn:vim25" xsi:type="SystemError"><reason>%s</reason></SystemErrorFault></detail>`+
		`</soapenv:Fault></soapenv:Body></soapenv:Envelope>`, text, text)
}
