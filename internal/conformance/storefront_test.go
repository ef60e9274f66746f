package conformance

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/openentry/openentry/internal/app"
	"github.com/openentry/openentry/internal/app/apptest"
	"github.com/openentry/openentry/internal/payment/stripepay/stripemock"
)

// chromiumPath is where Debian's chromium package puts the browser.
const chromiumPath = "/usr/bin/chromium"

// TestStorefrontInChromium drives the storefront demo page (/demo/) in
// headless Chromium through playwright-core: login, a cash order whose
// session shows as waiting, and a Stripe order that sends the browser to its
// paymentUrl; see js/storefront.e2e.mjs. It saves a screenshot of the placed
// order in a temp dir; to refresh the README's, run from the repository root
//
//	OPENENTRY_SCREENSHOT=$PWD/docs/storefront.png go test ./internal/conformance -run StorefrontInChromium
func TestStorefrontInChromium(t *testing.T) {
	t.Parallel()
	node := requireNodeSDK(t)
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Fatalf("%v: install Debian's chromium package (apt-get install -y chromium)", err)
	}
	if _, err := os.Stat(filepath.Join(jsDir, "node_modules", "playwright-core", "package.json")); err != nil {
		t.Fatalf("playwright-core is not installed (%v): %s", err, installHint)
	}
	mock := stripemock.Start(t)
	srv := apptest.Start(t, apptest.WithStorefront(), apptest.WithDemoShop(),
		apptest.WithStripe(app.StripeConfig{SecretKey: "sk_test_123", WebhookSecret: "whsec_storefront", APIURL: mock.URL()}))

	shot := os.Getenv("OPENENTRY_SCREENSHOT")
	if shot == "" {
		shot = filepath.Join(t.TempDir(), "storefront.png")
	}
	shot, err := filepath.Abs(shot) // node runs in js/
	if err != nil {
		t.Fatal(err)
	}
	runNodeEnv(t, node, srv.BaseURL, []string{
		"OPENENTRY_SCREENSHOT=" + shot,
		"OPENENTRY_CHROMIUM=" + chromiumPath,
	}, "--test", "--test-reporter=spec", "storefront.e2e.mjs")
	if fi, err := os.Stat(shot); err != nil || fi.Size() == 0 {
		t.Errorf("no screenshot at %s: %v", shot, err)
	}
}

// TestStorefrontBundleIsFresh rebuilds the storefront page and compares it
// with the committed internal/storefront/dist, so that a change to
// web/storefront or to the SDK pin cannot ship without its bundle.
func TestStorefrontBundleIsFresh(t *testing.T) {
	t.Parallel()
	node := requireNodeSDK(t)
	out := t.TempDir()
	cmd := exec.Command(node, "../../web/storefront/build.mjs", "--outdir", out)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("node web/storefront/build.mjs: %v\n%s", err, b)
	}
	const committed = "../storefront/dist"
	entries, err := os.ReadDir(committed)
	if err != nil {
		t.Fatal(err)
	}
	built, err := os.ReadDir(out)
	if err != nil {
		t.Fatal(err)
	}
	if len(built) != len(entries) {
		t.Errorf("the build made %d files, %s has %d", len(built), committed, len(entries))
	}
	for _, e := range built {
		want, err := os.ReadFile(filepath.Join(out, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(filepath.Join(committed, e.Name()))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("internal/storefront/dist/%s is not the build of web/storefront (%v): run `go generate ./internal/storefront`", e.Name(), err)
		}
	}
}
