// Command consul is a test-only build of HashiCorp Consul v1.14.8 (MPL-2.0) with just the
// commands our tests drive. Consul's own main cannot be built from the module proxy (its
// command registry pulls in operator/raft/listpeers, which needs an unpublished api), so we
// register the few commands we need ourselves.
package main

import (
	"io"
	"log"
	"os"

	"github.com/hashicorp/consul/command/acl/bootstrap"
	"github.com/hashicorp/consul/command/agent"
	"github.com/hashicorp/consul/command/cli"
	kvexp "github.com/hashicorp/consul/command/kv/exp"
	kvget "github.com/hashicorp/consul/command/kv/get"
	kvimp "github.com/hashicorp/consul/command/kv/imp"
	kvput "github.com/hashicorp/consul/command/kv/put"
	"github.com/hashicorp/consul/command/members"
	snapinspect "github.com/hashicorp/consul/command/snapshot/inspect"
	snaprestore "github.com/hashicorp/consul/command/snapshot/restore"
	snapsave "github.com/hashicorp/consul/command/snapshot/save"
	tlscacreate "github.com/hashicorp/consul/command/tls/ca/create"
	tlscertcreate "github.com/hashicorp/consul/command/tls/cert/create"
	"github.com/hashicorp/consul/command/version"
	mcli "github.com/mitchellh/cli"
)

func main() {
	// Consul discards the standard logger's output; its own loggers go elsewhere.
	log.SetOutput(io.Discard)

	ui := &cli.BasicUI{BasicUi: mcli.BasicUi{Reader: os.Stdin, Writer: os.Stdout, ErrorWriter: os.Stderr}}
	factory := func(c mcli.Command) mcli.CommandFactory {
		return func() (mcli.Command, error) { return c, nil }
	}
	commands := map[string]mcli.CommandFactory{
		"agent":            func() (mcli.Command, error) { return agent.New(ui), nil },
		"snapshot save":    factory(snapsave.New(ui)),
		"snapshot restore": factory(snaprestore.New(ui)),
		"snapshot inspect": factory(snapinspect.New(ui)),
		"kv put":           factory(kvput.New(ui)),
		"kv get":           factory(kvget.New(ui)),
		"kv export":        factory(kvexp.New(ui)),
		"kv import":        factory(kvimp.New(ui)),
		"acl bootstrap":    factory(bootstrap.New(ui)),
		"tls ca create":    factory(tlscacreate.New(ui)),
		"tls cert create":  factory(tlscertcreate.New(ui)),
		"members":          factory(members.New(ui)),
		"version":          factory(version.New(ui)),
	}
	c := &mcli.CLI{Name: "consul", Args: os.Args[1:], Commands: commands, HelpWriter: os.Stdout}
	code, err := c.Run()
	if err != nil {
		os.Stderr.WriteString(err.Error() + "\n")
	}
	os.Exit(code)
}
