package conformance

import (
	"testing"

	"github.com/openentry/openentry/internal/app/apptest"
)

// TestOfficialSDKPreviews calls the SDK's TemplatePreviews and Sitemap
// methods against the demo shop; see js/previews.mjs.
func TestOfficialSDKPreviews(t *testing.T) {
	t.Parallel()
	node := requireNodeSDK(t)
	srv := apptest.Start(t, secretFreeLogs(t), apptest.WithDemoShop())
	runNode(t, node, checked(t, srv), "--test", "--test-reporter=spec", "previews.mjs")
}
