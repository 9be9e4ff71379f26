package main

import (
	"maps"
	"testing"
)

func TestQuietLogsUnlessAsked(t *testing.T) {
	for _, tc := range []struct {
		name    string
		environ []string
		want    map[string]string
	}{
		{"no logging asked", []string{"HOME=/root", "TF_IN_AUTOMATION=1"}, map[string]string{
			"TF_LOG_SDK": "OFF", "TF_LOG_SDK_PROTO": "OFF", "TF_LOG_SDK_FRAMEWORK": "OFF", "TF_LOG_PROVIDER": "OFF",
		}},
		{"empty TF_LOG", []string{"TF_LOG="}, map[string]string{
			"TF_LOG_SDK": "OFF", "TF_LOG_SDK_PROTO": "OFF", "TF_LOG_SDK_FRAMEWORK": "OFF", "TF_LOG_PROVIDER": "OFF",
		}},
		{"TF_LOG", []string{"TF_LOG=DEBUG"}, map[string]string{}},
		{"TF_LOG_PROVIDER", []string{"TF_LOG_PROVIDER=trace"}, map[string]string{}},
		{"the client's subsystem", []string{"TF_LOG_PROVIDER_ALIEN_CLIENT=debug"}, map[string]string{}},
		{"an acceptance-test log file", []string{"TF_LOG_PATH=/tmp/log"}, map[string]string{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := map[string]string{}
			err := quietLogsUnlessAsked(tc.environ, func(k, v string) error { got[k] = v; return nil })
			if err != nil {
				t.Fatal(err)
			}
			if !maps.Equal(got, tc.want) {
				t.Errorf("set %v, want %v", got, tc.want)
			}
		})
	}
}
