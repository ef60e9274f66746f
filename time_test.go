package openentry_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/openentry/openentry"
)

func TestTimeMarshalJSON(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		time time.Time
		want string
	}{
		{name: "milliseconds", time: time.Date(2025, 4, 30, 20, 15, 29, 254_000_000, time.UTC), want: `"2025-04-30T20:15:29.254Z"`},
		{name: "trailing zero kept", time: time.Date(2025, 4, 30, 20, 15, 29, 250_000_000, time.UTC), want: `"2025-04-30T20:15:29.250Z"`},
		{name: "whole second", time: time.Date(2025, 4, 30, 20, 15, 29, 0, time.UTC), want: `"2025-04-30T20:15:29.000Z"`},
		{name: "sub-millisecond truncated", time: time.Date(2025, 4, 30, 20, 15, 29, 254_999_999, time.UTC), want: `"2025-04-30T20:15:29.254Z"`},
		{name: "east of UTC", time: time.Date(2025, 4, 30, 23, 15, 29, 254_000_000, time.FixedZone("MSK", 3*3600)), want: `"2025-04-30T20:15:29.254Z"`},
		{name: "west of UTC across midnight", time: time.Date(2025, 4, 30, 21, 0, 0, 0, time.FixedZone("PDT", -7*3600)), want: `"2025-05-01T04:00:00.000Z"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := json.Marshal(openentry.Time(tc.time))
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
}

func TestTimeMarshalJSONInStruct(t *testing.T) {
	t.Parallel()
	v := struct {
		CreatedDate openentry.Time  `json:"createdDate"`
		UpdatedDate *openentry.Time `json:"updatedDate"`
	}{CreatedDate: openentry.Time(time.Date(2025, 4, 30, 20, 15, 29, 254_000_000, time.UTC))}
	got, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"createdDate":"2025-04-30T20:15:29.254Z","updatedDate":null}`; string(got) != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

func TestUnixMilli(t *testing.T) {
	t.Parallel()
	got := openentry.UnixMilli(1746044129254)
	want := time.Date(2025, 4, 30, 20, 15, 29, 254_000_000, time.UTC)
	if !got.Equal(want) {
		t.Errorf("got %v, want %v", got, want)
	}
	if got.Location() != time.UTC {
		t.Errorf("location: got %v, want UTC", got.Location())
	}
}
