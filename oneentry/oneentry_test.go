package oneentry

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	testAppToken = "app-token-123"
	testAccess   = "access-1"
	testRefresh  = "refresh-1"
	testDevice   = `{"fingerprint":"UQ_test","deviceInfo":{"os":"Go","browser":"openentry-go-test","location":"en-US"}}`
)

// setup starts a test server whose mux (mounted under /api/content) each test
// fills with exact paths, and returns a client pointed at it. Unregistered
// paths fail the test.
func setup(t *testing.T, opts ...Option) (*Client, *http.ServeMux) {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("unexpected request %s %s", r.Method, r.URL)
		http.Error(w, `{"statusCode":404,"message":"no handler"}`, http.StatusNotFound)
	})
	root := http.NewServeMux()
	root.Handle(apiPrefix+"/", http.StripPrefix(apiPrefix, mux))
	srv := httptest.NewServer(root)
	t.Cleanup(srv.Close)

	base := []Option{
		WithToken(testAppToken),
		WithDeviceMetadata("UQ_test", "Go", "openentry-go-test", "en-US"),
		WithHTTPClient(srv.Client()),
	}
	c, err := New(srv.URL+"/", append(base, opts...)...)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c, mux
}

// login puts a session into the client's store, as a prior Auth would.
func login(t *testing.T, c *Client) {
	t.Helper()
	err := c.tokens.SetTokens(context.Background(), Tokens{AccessToken: testAccess, RefreshToken: testRefresh, ProviderMarker: "email"})
	if err != nil {
		t.Fatalf("SetTokens: %v", err)
	}
}

func fixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatalf("read fixture: %v", err)
	}
	return b
}

func reply(t *testing.T, w http.ResponseWriter, status int, fixtureName string) {
	t.Helper()
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(fixture(t, fixtureName))
}

func testMethod(t *testing.T, r *http.Request, want string) {
	t.Helper()
	if got := r.Method; got != want {
		t.Errorf("method: got %s, want %s", got, want)
	}
}

func testHeader(t *testing.T, r *http.Request, key, want string) {
	t.Helper()
	if got := r.Header.Get(key); got != want {
		t.Errorf("header %s: got %q, want %q", key, got, want)
	}
}

// testBody compares the request body with want as JSON values, so key order
// does not matter but null vs [] and missing keys do. want "" means no body.
func testBody(t *testing.T, r *http.Request, want string) {
	t.Helper()
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(r.Body); err != nil {
		t.Fatalf("read request body: %v", err)
	}
	if want == "" {
		if buf.Len() != 0 {
			t.Errorf("body: got %s, want none", buf.String())
		}
		return
	}
	var got, wantV any
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatalf("request body %q is not JSON: %v", buf.String(), err)
	}
	if err := json.Unmarshal([]byte(want), &wantV); err != nil {
		t.Fatalf("bad want JSON %q: %v", want, err)
	}
	if !reflect.DeepEqual(got, wantV) {
		t.Errorf("body:\ngot  %s\nwant %s", buf.String(), want)
	}
}

// show renders a value for failure messages (JSON, so pointers show contents).
func show(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return err.Error()
	}
	return string(b)
}

func ts(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// apiCase is one call checked end to end: route, query, headers and body on
// the server side, and the decoded result on the client side.
type apiCase struct {
	name     string
	method   string
	path     string // as the server sees it below /api/content, escaped
	query    string // exact raw query, so key order is checked too
	body     string // wanted request JSON; "" means no body
	noBearer bool   // the call must not send Authorization
	status   int    // reply status; 0 means 200
	fixture  string
	call     func(context.Context, *Client) (any, error)
	want     any
	after    func(*testing.T, *Client) // optional side-effect checks
}

func runAPICases(t *testing.T, cases []apiCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, mux := setup(t)
			login(t, c)
			var mu sync.Mutex
			calls := 0
			mux.HandleFunc(tc.path, func(w http.ResponseWriter, r *http.Request) {
				mu.Lock()
				calls++
				mu.Unlock()
				testMethod(t, r, tc.method)
				if got := r.URL.EscapedPath(); got != tc.path {
					t.Errorf("path: got %s, want %s", got, tc.path)
				}
				if got := r.URL.RawQuery; got != tc.query {
					t.Errorf("query: got %q, want %q", got, tc.query)
				}
				testHeader(t, r, "x-app-token", testAppToken)
				testHeader(t, r, "Content-Type", "application/json")
				wantAuth := "Bearer " + testAccess
				if tc.noBearer {
					wantAuth = ""
				}
				testHeader(t, r, "Authorization", wantAuth)
				wantDevice := ""
				if tc.method == http.MethodPost {
					wantDevice = testDevice
				}
				testHeader(t, r, "x-device-metadata", wantDevice)
				testBody(t, r, tc.body)
				status := tc.status
				if status == 0 {
					status = http.StatusOK
				}
				reply(t, w, status, tc.fixture)
			})

			got, err := tc.call(context.Background(), c)
			if err != nil {
				t.Fatalf("call: %v", err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("result:\ngot  %s\nwant %s", show(got), show(tc.want))
			}
			if calls != 1 {
				t.Errorf("server calls: got %d, want 1", calls)
			}
			if tc.after != nil {
				tc.after(t, c)
			}
		})
	}
}

func TestNew(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		baseURL  string
		opts     []Option
		wantBase string
		wantLang string
		wantErr  bool
	}{
		{name: "trailing slash stripped once", baseURL: "https://x.oneentry.cloud/", wantBase: "https://x.oneentry.cloud", wantLang: "en_US"},
		{name: "only one slash stripped", baseURL: "https://x.oneentry.cloud//", wantBase: "https://x.oneentry.cloud/", wantLang: "en_US"},
		{name: "path kept", baseURL: "http://localhost:8080/proxy", wantBase: "http://localhost:8080/proxy", wantLang: "en_US"},
		{name: "lang option", baseURL: "https://x", opts: []Option{WithLangCode("ru_RU")}, wantBase: "https://x", wantLang: "ru_RU"},
		{name: "nil option ignored", baseURL: "https://x", opts: []Option{nil}, wantBase: "https://x", wantLang: "en_US"},
		{name: "no scheme", baseURL: "x.oneentry.cloud", wantErr: true},
		{name: "bad scheme", baseURL: "ftp://x", wantErr: true},
		{name: "query", baseURL: "https://x/?a=1", wantErr: true},
		{name: "bad lang", baseURL: "https://x", opts: []Option{WithLangCode("en-US-x")}, wantErr: true},
		{name: "nil http client", baseURL: "https://x", opts: []Option{WithHTTPClient(nil)}, wantErr: true},
		{name: "nil token store", baseURL: "https://x", opts: []Option{WithTokenStore(nil)}, wantErr: true},
		{name: "empty fingerprint", baseURL: "https://x", opts: []Option{WithDeviceMetadata("", "a", "b", "c")}, wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, err := New(tc.baseURL, tc.opts...)
			if tc.wantErr {
				if err == nil {
					t.Fatalf("got nil error, want one")
				}
				return
			}
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			if c.baseURL != tc.wantBase {
				t.Errorf("base: got %q, want %q", c.baseURL, tc.wantBase)
			}
			if c.LangCode() != tc.wantLang {
				t.Errorf("lang: got %q, want %q", c.LangCode(), tc.wantLang)
			}
		})
	}
}

func TestNewDefaults(t *testing.T) {
	t.Parallel()
	c, err := New("https://x")
	if err != nil {
		t.Fatal(err)
	}
	if c.httpClient == http.DefaultClient {
		t.Errorf("http client: got http.DefaultClient, want an own client")
	}
	if got := c.httpClient.Timeout; got != 30*time.Second {
		t.Errorf("timeout: got %v, want 30s", got)
	}
	if _, ok := c.tokens.(*MemoryTokenStore); !ok {
		t.Errorf("token store: got %T, want *MemoryTokenStore", c.tokens)
	}
	var dm deviceMetadata
	if err := json.Unmarshal([]byte(c.deviceJSON), &dm); err != nil {
		t.Fatalf("device metadata %q: %v", c.deviceJSON, err)
	}
	if !strings.HasPrefix(dm.Fingerprint, "UQ_go_") || len(dm.Fingerprint) != len("UQ_go_")+16 {
		t.Errorf("fingerprint: got %q, want UQ_go_<16 hex>", dm.Fingerprint)
	}
	want := DeviceInfo{OS: "Go", Browser: "openentry-go", Location: "en-US"}
	if dm.DeviceInfo != want {
		t.Errorf("device info: got %+v, want %+v", dm.DeviceInfo, want)
	}
	c2, _ := New("https://x")
	if c2.deviceJSON == c.deviceJSON {
		t.Errorf("two clients share fingerprint %s, want random ones", c.deviceJSON)
	}
}

// TestRequestHeaders checks what every request carries, signed in or not.
func TestRequestHeaders(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		loggedIn bool
		noToken  bool
		wantAuth string
		wantApp  string
	}{
		{name: "anonymous", wantApp: testAppToken},
		{name: "signed in", loggedIn: true, wantAuth: "Bearer " + testAccess, wantApp: testAppToken},
		{name: "no app token", noToken: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var opts []Option
			if tc.noToken {
				opts = append(opts, WithToken(""))
			}
			c, mux := setup(t, opts...)
			if tc.loggedIn {
				login(t, c)
			}
			mux.HandleFunc("/payments/accounts", func(w http.ResponseWriter, r *http.Request) {
				testMethod(t, r, http.MethodGet)
				testHeader(t, r, "Authorization", tc.wantAuth)
				testHeader(t, r, "x-app-token", tc.wantApp)
				if _, ok := r.Header["X-App-Token"]; ok != (tc.wantApp != "") {
					t.Errorf("x-app-token present: got %v, want %v", ok, tc.wantApp != "")
				}
				testHeader(t, r, "Content-Type", "application/json")
				testHeader(t, r, "x-device-metadata", "")
				reply(t, w, http.StatusOK, "payment_accounts.json")
			})
			if _, err := c.Payments.GetAccounts(context.Background()); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestCustomTokenStore(t *testing.T) {
	t.Parallel()
	store := &MemoryTokenStore{}
	_ = store.SetTokens(context.Background(), Tokens{AccessToken: "from-store"})
	c, mux := setup(t, WithTokenStore(store))
	mux.HandleFunc("/users/me", func(w http.ResponseWriter, r *http.Request) {
		testHeader(t, r, "Authorization", "Bearer from-store")
		reply(t, w, http.StatusOK, "user.json")
	})
	if _, err := c.Users.GetUser(context.Background(), ""); err != nil {
		t.Fatal(err)
	}
	got, _ := c.Tokens(context.Background())
	if got.AccessToken != "from-store" {
		t.Errorf("Client.Tokens: got %+v, want the store's tokens", got)
	}
}

func TestQuery(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"langCode", "en_US", "limit", "30", "offset", "0"}, "langCode=en_US&limit=30&offset=0"},
		{[]string{"ids", "1,2,3", "langCode", "en_US"}, "ids=1,2,3&langCode=en_US"},
		{[]string{"q", "a b&c=d"}, "q=a+b%26c%3Dd"},
		{nil, ""},
	}
	for _, tc := range tests {
		if got := query(tc.args...); got != tc.want {
			t.Errorf("query(%q): got %q, want %q", tc.args, got, tc.want)
		}
	}
}

func TestPtr(t *testing.T) {
	t.Parallel()
	p := Ptr(false)
	if p == nil || *p != false {
		t.Errorf("Ptr(false): got %v, want pointer to false", p)
	}
	if a, b := Ptr(1), Ptr(1); a == b {
		t.Errorf("Ptr: got shared pointers, want fresh ones")
	}
}
