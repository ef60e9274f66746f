package openentry

import (
	"encoding/json"
	"time"
)

// TimeLayout is OneEntry's wire format: UTC, always three fraction digits.
// time.RFC3339Nano would drop trailing zeros.
const TimeLayout = "2006-01-02T15:04:05.000Z07:00"

// Time marshals as OneEntry's wire timestamp, e.g. "2025-04-30T20:15:29.254Z".
type Time time.Time

// MarshalJSON writes the time in TimeLayout.
func (t Time) MarshalJSON() ([]byte, error) {
	return json.Marshal(time.Time(t).UTC().Format(TimeLayout))
}

// UnixMilli converts a stored millisecond timestamp to a UTC time.Time.
func UnixMilli(ms int64) time.Time { return time.UnixMilli(ms).UTC() }
