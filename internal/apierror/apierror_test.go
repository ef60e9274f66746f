package apierror_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/openentry/openentry"
	"github.com/openentry/openentry/internal/apierror"
)

func TestClassify(t *testing.T) {
	for _, c := range []struct {
		err     error
		status  int
		message string
	}{
		{openentry.Invalid("name is required"), 400, "name is required"},
		{openentry.NotFound("Order 7 not found"), 404, "Order 7 not found"},
		{fmt.Errorf("save: %w", &openentry.Error{Code: openentry.ErrConflict, Message: "reload it"}), 409, "reload it"},
		{&openentry.RateLimitError{Message: "slow down", RetryAfter: time.Second}, 429, "slow down"},
		{fmt.Errorf("smtp: %w", openentry.ErrUpstream), 502, "Bad Gateway"},
		{context.Canceled, 499, "Client closed request"},
		{errors.New("disk on fire"), 500, "Internal server error"},
	} {
		got := apierror.Classify(c.err)
		if got.Status != c.status || got.Message != c.message || got.ServerSide != (c.status >= 500) {
			t.Errorf("%v: got %d %q (server side %v), want %d %q", c.err, got.Status, got.Message, got.ServerSide, c.status, c.message)
		}
	}
}

// FromStatus undoes Classify for every status a sentinel has.
func TestFromStatusRoundTrip(t *testing.T) {
	for _, status := range []int{400, 401, 403, 404, 409, 413, 429, 502} {
		err := apierror.FromStatus(status, "why")
		if got := apierror.Classify(err); got.Status != status || got.Message != "why" {
			t.Errorf("%d: round trip gives %d %q", status, got.Status, got.Message)
		}
	}
	if apierror.FromStatus(http.StatusTeapot, "tea") != nil {
		t.Error("a status no sentinel has gave an error")
	}
}
