package conformance

import (
	"regexp"
	"testing"

	"github.com/openentry/openentry/internal/app/apptest"
)

// secretShapes are what a leaked secret of a conformance run would look like
// in the server's JSON log. The scripts make random passwords and emails, so
// the shapes, not the values, are searched for.
var secretShapes = map[string]*regexp.Regexp{
	"an access token (JWT)":       regexp.MustCompile(`eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}`),
	"a refresh token":             regexp.MustCompile(`[0-9]{13}-[A-Za-z0-9_-]{43}`),
	"the app token":               regexp.MustCompile(regexp.QuoteMeta(apptest.AppToken)),
	"the demo password":           regexp.MustCompile(`"123456"`),
	"a one-time code":             regexp.MustCompile(`"[0-9]{6}"`),
	"a script's password":         regexp.MustCompile(`pw-[0-9a-f]{8}-`),
	"a Stripe key or secret":      regexp.MustCompile(`sk_test_|whsec_`),
	"a Stripe signature":          regexp.MustCompile(`v1=[0-9a-f]{16}`),
	"an FCM token from a script":  regexp.MustCompile(`fcm-token-`),
	"a password field in a body":  regexp.MustCompile(`"password[12]?"\s*:`),
	"an authorization header":     regexp.MustCompile(`(?i)bearer `),
	"a device fingerprint header": regexp.MustCompile(`x-device-metadata`),
	"a staff session or API key":  regexp.MustCompile(`oe[sk]_[A-Za-z0-9_-]{20,}`),
	"a staff password":            regexp.MustCompile(regexp.QuoteMeta(apptest.StaffPassword)),
}

// secretFreeLogs captures the server's whole log, every level, and fails the
// test at its end if any line holds something shaped like a secret. Call it
// before apptest.Start, so that the check runs after the server stopped.
func secretFreeLogs(t *testing.T) apptest.Option {
	t.Helper()
	logs := &apptest.Buffer{}
	t.Cleanup(func() {
		out := logs.String()
		if out == "" {
			t.Error("no server log was captured")
		}
		for what, re := range secretShapes {
			if loc := re.FindStringIndex(out); loc != nil {
				start, end := max(0, loc[0]-120), min(len(out), loc[1]+40)
				t.Errorf("the server log holds %s: …%s…", what, out[start:end])
			}
		}
	})
	return apptest.WithLogs(logs)
}
