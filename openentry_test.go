package openentry_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/openentry/openentry"
)

func TestValidationError(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		err  *openentry.ValidationError
		want string
	}{
		{name: "message", err: openentry.Invalid("products: too many"), want: "products: too many"},
		{name: "fields sorted by key", err: &openentry.ValidationError{Fields: map[string]string{"quantity": "too big", "productId": "unknown", "form": "missing"}}, want: "form: missing; productId: unknown; quantity: too big"},
		{name: "one field", err: &openentry.ValidationError{Fields: map[string]string{"name": "required"}}, want: "name: required"},
		{name: "message wins over fields", err: &openentry.ValidationError{Message: "bad order", Fields: map[string]string{"name": "required"}}, want: "bad order"},
		{name: "empty", err: &openentry.ValidationError{}, want: ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := tc.err.Error(); got != tc.want {
				t.Errorf("Error(): got %q, want %q", got, tc.want)
			}
			wrapped := fmt.Errorf("create order: %w", tc.err)
			if !errors.Is(wrapped, openentry.ErrInvalid) {
				t.Errorf("errors.Is(wrapped, ErrInvalid): got false, want true")
			}
			for _, other := range []error{openentry.ErrNotFound, openentry.ErrConflict, openentry.ErrUnauthorized, openentry.ErrForbidden} {
				if errors.Is(wrapped, other) {
					t.Errorf("errors.Is(wrapped, %v): got true, want false", other)
				}
			}
			var ve *openentry.ValidationError
			if !errors.As(wrapped, &ve) || ve != tc.err {
				t.Errorf("errors.As(wrapped): got %v, want the original error", ve)
			}
		})
	}
}

func TestError(t *testing.T) {
	t.Parallel()
	sentinels := []error{openentry.ErrNotFound, openentry.ErrInvalid, openentry.ErrConflict, openentry.ErrUnauthorized, openentry.ErrForbidden}
	tests := []struct {
		name     string
		err      *openentry.Error
		wantMsg  string
		wantCode error
	}{
		{name: "not found", err: openentry.NotFound("Product not found"), wantMsg: "Product not found", wantCode: openentry.ErrNotFound},
		{name: "unauthorized", err: openentry.Unauthorized("Access token is invalid"), wantMsg: "Access token is invalid", wantCode: openentry.ErrUnauthorized},
		{name: "forbidden", err: openentry.Forbidden("Not your order"), wantMsg: "Not your order", wantCode: openentry.ErrForbidden},
		{name: "custom code", err: &openentry.Error{Code: openentry.ErrConflict, Message: "Login taken"}, wantMsg: "Login taken", wantCode: openentry.ErrConflict},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := tc.err.Error(); got != tc.wantMsg {
				t.Errorf("Error(): got %q, want %q", got, tc.wantMsg)
			}
			if tc.err.Code != tc.wantCode {
				t.Errorf("Code: got %v, want %v", tc.err.Code, tc.wantCode)
			}
			wrapped := fmt.Errorf("service: %w", tc.err)
			for _, s := range sentinels {
				if got, want := errors.Is(wrapped, s), s == tc.wantCode; got != want {
					t.Errorf("errors.Is(wrapped, %v): got %v, want %v", s, got, want)
				}
			}
		})
	}
}
