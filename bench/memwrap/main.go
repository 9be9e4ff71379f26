// Command memwrap stands in for a provider (terraform-provider-alien, terraform-provider-benchfloor)
// in the dev_overrides directory of `make bench`: it runs the real provider of the same name in
// ALIEN_BENCH_PROVIDER_DIR as a child with the same arguments, environment and stdio, and when the child exits appends its peak resident memory
// (rusage ru_maxrss, in KiB) to ALIEN_BENCH_RSS_LOG. It exits with the child's status.
//
// Terraform starts a provider several times per command (schema, validation, plan, apply); the
// benchmark takes the largest figure of a command.
package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"syscall"
	"time"
)

func main() {
	os.Exit(run())
}

func run() int {
	dir := os.Getenv("ALIEN_BENCH_PROVIDER_DIR")
	if dir == "" {
		fmt.Fprintln(os.Stderr, "memwrap: ALIEN_BENCH_PROVIDER_DIR must name the directory of the real providers")
		return 1
	}
	provider := filepath.Join(dir, filepath.Base(os.Args[0]))
	// Like a provider plugin (go-plugin), ignore interrupts: Terraform itself handles them and
	// stops the provider over its protocol. SIGTERM is passed on to the child.
	signals := make(chan os.Signal, 4)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)

	cmd := exec.Command(provider, os.Args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.Env = os.Environ()
	start := time.Now()
	if err := cmd.Start(); err != nil {
		fmt.Fprintf(os.Stderr, "memwrap: starting %s: %v\n", provider, err)
		return 1
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var err error
wait:
	for {
		select {
		case sig := <-signals:
			if sig == syscall.SIGTERM {
				_ = cmd.Process.Signal(sig)
			}
		case err = <-done:
			break wait
		}
	}
	record(cmd, time.Since(start))
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		if code := exit.ExitCode(); code >= 0 {
			return code
		}
		return 1
	}
	if err != nil {
		return 1
	}
	return 0
}

// record appends "maxrss_kib=<n> cpu_ms=<n> wall_ms=<n>" to ALIEN_BENCH_RSS_LOG, when set.
func record(cmd *exec.Cmd, wall time.Duration) {
	path := os.Getenv("ALIEN_BENCH_RSS_LOG")
	if path == "" || cmd.ProcessState == nil {
		return
	}
	ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		return
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return
	}
	defer f.Close()
	kib := ru.Maxrss
	if runtime.GOOS == "darwin" {
		kib /= 1024 // bytes there, KiB on Linux
	}
	// One short write with O_APPEND: concurrent providers never interleave their lines.
	cpu := cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	_, _ = fmt.Fprintf(f, "maxrss_kib=%d cpu_ms=%d wall_ms=%d\n", kib, cpu.Milliseconds(), wall.Milliseconds())
}
