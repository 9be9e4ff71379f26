package main

import (
	"strings"
	"testing"
)

func TestOnlyParts(t *testing.T) {
	for _, tc := range []struct{ only, want string }{
		{"", ""},
		{"adopt", "adopt"},
		{"load, faults", "faults-load"},
		{strings.Join(benchParts, ","), ""},
	} {
		o, err := parseOptions([]string{"-terraform", "/bin/true", "-only", tc.only})
		if err != nil {
			t.Fatalf("-only %q: %v", tc.only, err)
		}
		if got := o.onlyParts(); got != tc.want {
			t.Errorf("-only %q: onlyParts() = %q, want %q", tc.only, got, tc.want)
		}
	}
	if _, err := parseOptions([]string{"-terraform", "/bin/true", "-only", "scale,nope"}); err == nil || !strings.Contains(err.Error(), `"nope"`) {
		t.Errorf("-only with an unknown part: err = %v", err)
	}
}
