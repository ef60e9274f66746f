package conformance

import (
	"testing"

	"github.com/openentry/openentry/internal/app"
	"github.com/openentry/openentry/internal/app/apptest"
)

// TestOfficialSDKFiles calls the SDK's FileUploading and System methods
// against the demo shop, with a 64 KiB upload limit; see js/files.mjs.
func TestOfficialSDKFiles(t *testing.T) {
	t.Parallel()
	node := requireNodeSDK(t)
	srv := apptest.Start(t, secretFreeLogs(t), apptest.WithDemoShop(),
		apptest.WithConfig(func(c *app.Config) { c.MaxUploadSize = 64 << 10 }))
	runNode(t, node, checked(t, srv), "--test", "--test-reporter=spec", "files.mjs")
}
