// Command alien-local runs a local implementation of the Alien Intelligence platform API on
// SQLite, for acceptance tests and offline sandboxes.
//
//	alien-local serve [--listen 127.0.0.1:8080] [--db alien-local.db] [--env-file FILE] ...
//	alien-local version
//
// On a new database it bootstraps an Enterprise organization with an owner and prints, once,
// three lines a shell can source (set -a; . ./alien.env):
//
//	ALIEN_ENDPOINT=http://127.0.0.1:8080
//	ALIEN_TOKEN=oat_...
//	ALIEN_ORGANIZATION_ID=org_...
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
	"time"

	"github.com/alien-intelligence/terraform-provider-alien/internal/clock"
	"github.com/alien-intelligence/terraform-provider-alien/internal/localapi"
	"github.com/alien-intelligence/terraform-provider-alien/internal/localapi/console"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}

const usage = `alien-local runs a local Alien Intelligence platform API on SQLite.

Usage:
  alien-local serve [flags]   serve the API (alien-local serve -h lists the flags)
  alien-local version         print the version
`

// run is main without the process: it answers the exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "serve":
		ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
		defer stop()
		if err := serve(ctx, args[1:], stdout, stderr); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return 0
			}
			fmt.Fprintf(stderr, "alien-local: %v\n", err)
			return 1
		}
		return 0
	case "version", "--version", "-version":
		fmt.Fprintf(stdout, "alien-local %s\n", versionString())
		return 0
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "alien-local: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
}

func versionString() string {
	v := version
	if bi, ok := debug.ReadBuildInfo(); ok {
		if v == "dev" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			v = bi.Main.Version
		}
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				v += " (" + s.Value[:12] + ")"
			}
		}
	}
	return v
}

// options are the flags of serve.
type options struct {
	listen, db, envFile     string
	printEmails, timeTravel bool
	orgName, ownerEmail     string
	latency                 time.Duration
	failRate, rateLimitRate float64
	dropRate                float64
	seed                    uint64
	logLevel                string
}

func parseFlags(args []string, stderr io.Writer) (*options, error) {
	var o options
	fs := flag.NewFlagSet("alien-local serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.listen, "listen", "127.0.0.1:8080", "address to listen on (port 0 picks a free port)")
	fs.StringVar(&o.db, "db", "alien-local.db", `SQLite database file, or ":memory:"`)
	fs.StringVar(&o.envFile, "env-file", "", "on a new database, also write the ALIEN_* lines to this file (mode 0600)")
	fs.BoolVar(&o.printEmails, "print-emails", false, "print every email sent (invitations, password resets) on stderr")
	fs.BoolVar(&o.timeTravel, "time-travel", false, "allow POST /_local/clock to move the clock forward")
	fs.StringVar(&o.orgName, "org-name", "Local Organization", "name of the organization bootstrapped in a new database")
	fs.StringVar(&o.ownerEmail, "owner-email", "owner@example.com", "email of the owner bootstrapped in a new database")
	fs.DurationVar(&o.latency, "latency", 0, "latency added to every request (e.g. 50ms)")
	fs.Float64Var(&o.failRate, "fail-rate", 0, "share of requests answered 503 unavailable (0 to 1)")
	fs.Float64Var(&o.rateLimitRate, "rate-limit-rate", 0, "share of requests answered 429 rate_limited (0 to 1)")
	fs.Float64Var(&o.dropRate, "drop-rate", 0, "share of requests processed but answered by closing the connection (0 to 1)")
	fs.Uint64Var(&o.seed, "seed", 1, "seed of the fault generator (runs with the same seed repeat)")
	fs.StringVar(&o.logLevel, "log-level", "info", "log level: debug, info, warn, error")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected arguments: %v", fs.Args())
	}
	return &o, nil
}

func serve(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(o.logLevel)); err != nil {
		return fmt.Errorf("--log-level: %w", err)
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	if host, _, err := net.SplitHostPort(o.listen); err == nil {
		if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
			logger.Warn("listening on a non-loopback address: anyone who can reach it can use this API", "listen", o.listen)
		}
	}

	cfg := localapi.Config{
		DBPath: o.db,
		Logger: logger,
		Faults: localapi.FaultConfig{Latency: o.latency, FailRate: o.failRate, RateLimitRate: o.rateLimitRate, DropRate: o.dropRate, Seed: o.seed},
		Bootstrap: localapi.BootstrapConfig{
			OrganizationName: o.orgName,
			OwnerEmail:       o.ownerEmail,
		},
		Console: console.Mount,
	}
	if o.timeTravel {
		cfg.Clock, cfg.TimeTravel = clock.NewOffset(), true
	}
	if o.printEmails {
		cfg.PrintEmails = stderr
	}
	inst, err := localapi.Start(ctx, o.listen, cfg)
	if err != nil {
		return err
	}
	logger.Info("alien-local serving", "url", inst.URL, "db", o.db, "version", version, "time_travel", o.timeTravel)
	logger.Info("console (loopback clients only): sign in with an organization key or an OAuth client", "url", inst.URL+console.Prefix)

	if b := inst.Bootstrap; b != nil {
		lines := fmt.Sprintf("ALIEN_ENDPOINT=%s\nALIEN_TOKEN=%s\nALIEN_ORGANIZATION_ID=%s\n", b.Endpoint, b.Token, b.OrganizationID)
		if o.envFile != "" {
			if err := writeEnvFile(o.envFile, lines); err != nil {
				inst.Close()
				return err
			}
		}
		if _, err := io.WriteString(stdout, lines); err != nil {
			inst.Close()
			return err
		}
		logger.Info("bootstrapped a new database: the owner token above is shown only once", "organization_id", b.OrganizationID, "owner_email", b.OwnerEmail)
	} else {
		logger.Info("using an existing database: its owner token was printed when it was created")
	}

	<-ctx.Done()
	logger.Info("shutting down")
	return inst.Close()
}

// writeEnvFile writes the ALIEN_* lines to path with mode 0600.
func writeEnvFile(path, lines string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600) //nolint:gosec // the operator chose this path with --env-file
	if err != nil {
		return fmt.Errorf("--env-file: %w", err)
	}
	if err := f.Chmod(0o600); err != nil { // an existing file keeps its mode on open
		f.Close()
		return fmt.Errorf("--env-file: %w", err)
	}
	if _, err := f.WriteString(lines); err != nil {
		f.Close()
		return fmt.Errorf("--env-file: %w", err)
	}
	return f.Close()
}
