package main

import (
	"fmt"
	"strings"

	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

// HostOptions is a per-host advanced settings OptionManager with ESXi's strict typing:
// LongOption keys accept only xsd:long values within [min, max]; unknown keys are InvalidName.
type HostOptions struct {
	mo.OptionManager
	hostName string
}

func longOption(key, label, summary string, min, max, def int64) types.OptionDef {
	return types.OptionDef{
		ElementDescription: types.ElementDescription{Description: types.Description{Label: label, Summary: summary}, Key: key},
		OptionType:         &types.LongOption{Min: min, Max: max, DefaultValue: def},
	}
}

func stringOption(key, label, def string) types.OptionDef {
	return types.OptionDef{
		ElementDescription: types.ElementDescription{Description: types.Description{Label: label, Summary: label}, Key: key},
		OptionType:         &types.StringOption{DefaultValue: def},
	}
}

func newHostOptions(host mo.Reference, hostName string) *HostOptions {
	o := &HostOptions{hostName: hostName}
	o.Self = types.ManagedObjectReference{Type: "OptionManager", Value: "EsxHostAdvSettings-" + host.Reference().Value}
	o.SupportedOption = []types.OptionDef{
		longOption("Migrate.BindToVmknics", "Bind migration to vmknics",
			"Bind vMotion traffic to the vMotion vmknic's own routing (0 = no, 1 = yes)", 0, 1, 0),
		longOption("Migrate.Enabled", "Enable vMotion", "Allow this host to take part in vMotion (0 = no, 1 = yes)", 0, 1, 1),
		stringOption("Config.HostAgent.log.level", "Host agent log level", "info"),
	}
	for _, def := range o.SupportedOption {
		o.Setting = append(o.Setting, &types.OptionValue{Key: def.Key, Value: defaultValue(def)})
	}
	return o
}

func defaultValue(def types.OptionDef) interface{} {
	switch t := def.OptionType.(type) {
	case *types.LongOption:
		return t.DefaultValue
	case *types.StringOption:
		return t.DefaultValue
	}
	return nil
}

func (o *HostOptions) def(key string) *types.OptionDef {
	for i := range o.SupportedOption {
		if o.SupportedOption[i].Key == key {
			return &o.SupportedOption[i]
		}
	}
	return nil
}

// QueryOptions returns one key, a subtree (name ending in '.') or everything (empty name).
func (o *HostOptions) QueryOptions(req *types.QueryOptions) soap.HasFault {
	var out []types.BaseOptionValue
	for _, s := range o.Setting {
		key := s.GetOptionValue().Key
		if req.Name == "" || key == req.Name || (strings.HasSuffix(req.Name, ".") && strings.HasPrefix(key, req.Name)) {
			v := *s.GetOptionValue()
			out = append(out, &v)
		}
	}
	if len(out) == 0 {
		err := newError(&types.InvalidName{Name: req.Name}, "host %s: option %q not found", o.hostName, req.Name)
		return &methods.QueryOptionsBody{Fault_: err.soap()}
	}
	return &methods.QueryOptionsBody{Res: &types.QueryOptionsResponse{Returnval: out}}
}

// checkValue enforces the option type like ESXi's hostd does.
func (o *HostOptions) checkValue(def *types.OptionDef, value interface{}) *simError {
	switch t := def.OptionType.(type) {
	case *types.LongOption:
		v, ok := value.(int64)
		if !ok {
			return invalidArgument(def.Key, "host %s: option %s is a LongOption and needs an xsd:long value, got %T %v (A specified parameter was not correct)",
				o.hostName, def.Key, value, value)
		}
		if v < t.Min || v > t.Max {
			return invalidArgument(def.Key, "host %s: option %s value %d out of range %d..%d", o.hostName, def.Key, v, t.Min, t.Max)
		}
	case *types.StringOption:
		if _, ok := value.(string); !ok {
			return invalidArgument(def.Key, "host %s: option %s is a StringOption and needs an xsd:string value, got %T",
				o.hostName, def.Key, value)
		}
	}
	return nil
}

// UpdateOptions validates every change before applying any of them.
func (o *HostOptions) UpdateOptions(req *types.UpdateOptions) soap.HasFault {
	for _, c := range req.ChangedValue {
		ov := c.GetOptionValue()
		def := o.def(ov.Key)
		if def == nil {
			err := newError(&types.InvalidName{Name: ov.Key}, "host %s: option %q does not exist", o.hostName, ov.Key)
			return &methods.UpdateOptionsBody{Fault_: err.soap()}
		}
		if err := o.checkValue(def, ov.Value); err != nil {
			return &methods.UpdateOptionsBody{Fault_: err.soap()}
		}
	}
	for _, c := range req.ChangedValue {
		ov := c.GetOptionValue()
		for _, s := range o.Setting {
			if s.GetOptionValue().Key == ov.Key {
				s.GetOptionValue().Value = ov.Value
			}
		}
	}
	return &methods.UpdateOptionsBody{Res: &types.UpdateOptionsResponse{}}
}

// value returns the current value of key (nil when absent).
func (o *HostOptions) value(key string) interface{} {
	for _, s := range o.Setting {
		if s.GetOptionValue().Key == key {
			return s.GetOptionValue().Value
		}
	}
	return nil
}

// remove drops key's definition and value, as on a host whose ESXi build lacks the option.
func (o *HostOptions) remove(key string) error {
	if o.def(key) == nil {
		return fmt.Errorf("host %s has no option %q", o.hostName, key)
	}
	var defs []types.OptionDef
	for _, d := range o.SupportedOption {
		if d.Key != key {
			defs = append(defs, d)
		}
	}
	var settings []types.BaseOptionValue
	for _, v := range o.Setting {
		if v.GetOptionValue().Key != key {
			settings = append(settings, v)
		}
	}
	o.SupportedOption, o.Setting = defs, settings
	return nil
}
