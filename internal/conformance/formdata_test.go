package conformance

import (
	"testing"

	"github.com/openentry/openentry/internal/app/apptest"
)

// TestOfficialSDKFormData calls the SDK's FormData methods, with the
// template's review calls, against the demo shop; see js/formdata.mjs.
func TestOfficialSDKFormData(t *testing.T) {
	t.Parallel()
	node := requireNodeSDK(t)
	srv := apptest.Start(t, secretFreeLogs(t), apptest.WithDemoShop())
	runNode(t, node, checked(t, srv), "--test", "--test-reporter=spec", "formdata.mjs")
}
