package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/alien-intelligence/terraform-provider-alien/internal/client"
)

// server is an alien-local process on loopback.
type server struct {
	cmd      *exec.Cmd
	url      string
	token    string
	orgID    string
	db       string
	done     chan struct{}
	waitErr  error
	logPath  string
	verifier *client.Client // patient (many retries), no read cache
}

// startServer starts alien-local on a free loopback port with the database db (created when
// missing: the organization's token is then read from its env file; token is the credential to
// use otherwise) and extra flags, and waits until it answers.
func (b *bench) startServer(ctx context.Context, dir, db, token string, flags ...string) (*server, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	listen := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	envFile := filepath.Join(dir, "alien.env")
	_ = os.Remove(envFile)
	args := append([]string{"serve", "--listen", listen, "--db", db, "--env-file", envFile, "--log-level", "warn"}, flags...)
	s := &server{url: "http://" + listen, db: db, token: token, done: make(chan struct{}), logPath: filepath.Join(dir, "alien-local.log")}
	logFile, err := os.OpenFile(s.logPath, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return nil, err
	}
	s.cmd = exec.Command(filepath.Join(b.bin, "alien-local"), args...)
	s.cmd.Stdout, s.cmd.Stderr = logFile, logFile
	if err := s.cmd.Start(); err != nil {
		logFile.Close()
		return nil, err
	}
	go func() {
		s.waitErr = s.cmd.Wait()
		logFile.Close()
		close(s.done)
	}()

	deadline := time.Now().Add(30 * time.Second)
	for {
		if ok := s.healthy(ctx); ok && (s.token != "" || s.readEnvFile(envFile)) {
			break
		}
		select {
		case <-s.done:
			return nil, fmt.Errorf("alien-local exited before it was ready (%w); its log: %s", s.waitErr, s.logPath)
		case <-ctx.Done():
			s.stop()
			return nil, ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			s.stop()
			return nil, fmt.Errorf("alien-local did not answer on %s within 30s; its log: %s", s.url, s.logPath)
		}
	}
	s.verifier, err = client.New(client.Config{
		Endpoint: s.url, Token: s.token, MaxRetries: 20, RetryWaitMax: time.Second,
		UserAgentExtra: "alien-bench",
	})
	if err != nil {
		s.stop()
		return nil, err
	}
	return s, nil
}

// healthy reports whether the server answers /healthz.
func (s *server) healthy(ctx context.Context) bool {
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.url+"/healthz", nil)
	if err != nil {
		return false
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// readEnvFile reads the ALIEN_TOKEN and ALIEN_ORGANIZATION_ID lines a new database printed.
func (s *server) readEnvFile(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), "=")
		if !ok {
			continue
		}
		switch k {
		case "ALIEN_TOKEN":
			s.token = v
		case "ALIEN_ORGANIZATION_ID":
			s.orgID = v
		}
	}
	return s.token != ""
}

// stop stops the server (SIGTERM, then SIGKILL after 10 seconds).
func (s *server) stop() {
	if s == nil || s.cmd == nil || s.cmd.Process == nil {
		return
	}
	select {
	case <-s.done:
		return
	default:
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(10 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.done
	}
}

// requests reads the request counts (the /_local routes excluded) and resets them.
func (s *server) requests(ctx context.Context) (total int, byRoute map[string]int, faults map[string]int, err error) {
	st, err := client.Local(s.verifier).Stats(ctx)
	if err != nil {
		return 0, nil, nil, err
	}
	if err := client.Local(s.verifier).ResetStats(ctx); err != nil {
		return 0, nil, nil, err
	}
	byRoute = map[string]int{}
	for route, n := range st.Requests {
		if strings.Contains(route, " /_local/") {
			continue
		}
		byRoute[route] = n
		total += n
	}
	return total, byRoute, st.Faults, nil
}

// freePort asks the kernel for a free loopback port.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	addr, ok := l.Addr().(*net.TCPAddr)
	if !ok {
		return 0, fmt.Errorf("unexpected listener address %v", l.Addr())
	}
	return addr.Port, nil
}

// cliLabel is the CLI's name and version, "Terraform v1.14.0" or "OpenTofu v1.12.6", from its
// `version` command run once per CLI with the bench's environment (no checkpoint, the bench's
// CLI configuration); the CLI's file name and "(version unknown)" when it does not say.
func (b *bench) cliLabel(ctx context.Context, cli string) string {
	if label, ok := b.labels[cli]; ok {
		return label
	}
	cmd := exec.CommandContext(ctx, cli, "version")
	cmd.Env = b.env
	out, err := cmd.Output()
	label, ok := versionLabel(out)
	if err != nil || !ok {
		label = filepath.Base(cli) + " (version unknown)"
	}
	if ctx.Err() == nil {
		if b.labels == nil {
			b.labels = map[string]string{}
		}
		b.labels[cli] = label
	}
	return label
}

// versionLabel finds the "Terraform v1.14.0" or "OpenTofu v1.12.6" line in the output of
// `terraform version` or `tofu version` (a warning about the CLI configuration may come first).
func versionLabel(out []byte) (string, bool) {
	for line := range strings.Lines(string(out)) {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "Terraform v") || strings.HasPrefix(line, "OpenTofu v") {
			return line, true
		}
	}
	return "", false
}

// tfRun is the outcome of one terraform command.
type tfRun struct {
	elapsed     time.Duration
	exit        int
	peakKiB     int64         // the largest provider process of the command; 0 when none ran
	cpu         time.Duration // terraform's CPU time, its providers included
	providerCPU time.Duration // the providers' CPU time
	log         string
}

// terraform runs terraform with args in dir against srv (nil: no API) and answers its outcome.
// A non-zero exit is an error unless it is listed in okExits.
func (b *bench) terraform(ctx context.Context, dir string, srv *server, name string, okExits []int, args ...string) (tfRun, error) {
	return b.runCLI(ctx, b.opts.terraform, dir, srv, name, okExits, args...)
}

// runCLI is terraform with another CLI (such as the -terraform-latest one).
func (b *bench) runCLI(ctx context.Context, cli, dir string, srv *server, name string, okExits []int, args ...string) (tfRun, error) {
	run, err := b.startCLI(ctx, cli, dir, srv, name, args...)
	if err != nil {
		return tfRun{}, err
	}
	return run.wait(okExits)
}

// runningTF is a terraform command in progress.
type runningTF struct {
	cmd     *exec.Cmd
	start   time.Time
	rssLog  string
	log     string
	name    string
	logFile *os.File
}

func (b *bench) startTerraform(ctx context.Context, dir string, srv *server, name string, args ...string) (*runningTF, error) {
	return b.startCLI(ctx, b.opts.terraform, dir, srv, name, args...)
}

// startCLI starts the CLI cli with args (the command first; -no-color, and -input=false where
// the command takes it, are added after it) in dir against srv.
func (b *bench) startCLI(ctx context.Context, cli, dir string, srv *server, name string, args ...string) (*runningTF, error) {
	r := &runningTF{name: name, rssLog: filepath.Join(dir, name+".rss"), log: filepath.Join(dir, name+".log")}
	_ = os.Remove(r.rssLog)
	f, err := os.Create(r.log)
	if err != nil {
		return nil, err
	}
	r.logFile = f
	// Options go before the positional arguments (apply tfplan).
	flags := []string{"-no-color"}
	if len(args) > 0 && (args[0] == "plan" || args[0] == "apply" || args[0] == "destroy") {
		flags = append(flags, "-input=false")
	}
	if len(args) > 0 {
		args = append(append([]string{args[0]}, flags...), args[1:]...)
	}
	r.cmd = exec.CommandContext(ctx, cli, args...)
	r.cmd.Dir = dir
	r.cmd.Stdout, r.cmd.Stderr = f, f
	r.cmd.Env = append(append([]string(nil), b.env...), "ALIEN_BENCH_RSS_LOG="+r.rssLog)
	if srv != nil {
		r.cmd.Env = append(r.cmd.Env, "ALIEN_ENDPOINT="+srv.url, "ALIEN_TOKEN="+srv.token)
	}
	// A context cancelled (the bench interrupted) interrupts terraform as a terminal would.
	r.cmd.Cancel = func() error { return r.cmd.Process.Signal(os.Interrupt) }
	r.cmd.WaitDelay = time.Minute
	r.start = time.Now()
	if err := r.cmd.Start(); err != nil {
		f.Close()
		return nil, err
	}
	return r, nil
}

// interrupt sends SIGINT to terraform, as Ctrl-C does.
func (r *runningTF) interrupt() error {
	return r.cmd.Process.Signal(os.Interrupt)
}

func (r *runningTF) wait(okExits []int) (tfRun, error) {
	err := r.cmd.Wait()
	out := tfRun{elapsed: time.Since(r.start), log: r.log}
	r.logFile.Close()
	out.peakKiB, out.providerCPU = providerUsage(r.rssLog)
	if ps := r.cmd.ProcessState; ps != nil {
		out.cpu = ps.UserTime() + ps.SystemTime()
	}
	var exit *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exit):
		out.exit = exit.ExitCode()
	default:
		return out, fmt.Errorf("terraform %s: %w", r.name, err)
	}
	if out.exit != 0 {
		for _, ok := range okExits {
			if out.exit == ok {
				return out, nil
			}
		}
		return out, fmt.Errorf("terraform %s exited %d after %s:\n%s", r.name, out.exit, out.elapsed.Round(time.Millisecond), tail(r.log, 40))
	}
	return out, nil
}

// providerUsage reads the wrapper's log: the largest maxrss_kib and the sum of cpu_ms.
func providerUsage(path string) (peakKiB int64, cpu time.Duration) {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		for _, f := range strings.Fields(line) {
			k, v, _ := strings.Cut(f, "=")
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				continue
			}
			switch k {
			case "maxrss_kib":
				peakKiB = max(peakKiB, n)
			case "cpu_ms":
				cpu += time.Duration(n) * time.Millisecond
			}
		}
	}
	return peakKiB, cpu
}

// tail is the last n lines of a file.
func tail(path string, n int) string {
	data, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return "    " + strings.Join(lines, "\n    ")
}
