// Package oneentry is a Go client for the OneEntry Content API (/api/content/...).
//
// It mirrors the official JS SDK: New plays the part of defineOneEntry, and the
// Client fields AuthProvider, Orders, Payments, Forms, Products and Users are its
// modules, with method names taken from the JS names. Like the JS SDK it shares
// one user session across all modules and, on a 401, refreshes the user token
// once and retries the request once.
//
// The package imports only the standard library and declares its own wire types,
// so it can move to a module of its own unchanged.
package oneentry

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"time"
)

const (
	apiPrefix = "/api/content"

	defaultLangCode = "en_US"
	defaultTimeout  = 30 * time.Second

	// defaultProviderMarker is the JS SDK's config.auth.providerMarker default; it
	// is used for refresh when the stored tokens carry no marker.
	defaultProviderMarker = "email"

	// defaultLimit is the page size the JS SDK sends when none is given.
	defaultLimit = 30

	// maxResponseBytes bounds how much of a response body is read into memory.
	maxResponseBytes = 32 << 20
)

// langCodeRE is the server's own check, so a bad WithLangCode fails at New, not on every call.
var langCodeRE = regexp.MustCompile(`^[a-zA-Z_]{2,5}$`)

// Client talks to one OneEntry project. It is safe for concurrent use.
type Client struct {
	// AuthProvider mirrors the JS module AuthProvider (sign-up, auth, tokens).
	AuthProvider *AuthProviderService
	// Orders mirrors the JS module Orders (order storages, orders, statuses, refunds).
	Orders *OrdersService
	// Payments mirrors the JS module Payments (sessions and accounts).
	Payments *PaymentsService
	// Forms mirrors the JS module Forms.
	Forms *FormsService
	// Products mirrors the JS module Products.
	Products *ProductsService
	// Users mirrors the JS module Users.
	Users *UsersService
	// Events mirrors the JS module Events (product event subscriptions).
	Events *EventsService

	baseURL    string // without the trailing slash
	appToken   string
	httpClient *http.Client
	langCode   string
	tokens     TokenStore
	device     *deviceMetadata
	deviceJSON string // x-device-metadata value, built once

	// refreshMu makes concurrent 401s share one refresh.
	refreshMu sync.Mutex

	common service // reused by every service, as in go-github
}

// service is the shared base of the XxxService types (go-github's trick), so all
// modules reach the same Client and therefore the same user session.
type service struct {
	client *Client
}

// Option configures a Client in New.
type Option func(*Client) error

// WithToken sets the project's app token, sent as x-app-token on every request.
func WithToken(appToken string) Option {
	return func(c *Client) error {
		c.appToken = appToken
		return nil
	}
}

// WithHTTPClient replaces the default client (30 s timeout). Use it for custom
// transports, proxies or timeouts.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *Client) error {
		if hc == nil {
			return errors.New("oneentry: WithHTTPClient: nil *http.Client")
		}
		c.httpClient = hc
		return nil
	}
}

// WithLangCode sets the default language (en_US if unset). It is used whenever a
// method gets an empty langCode, to wrap outgoing formData, and to flatten
// localized response data.
func WithLangCode(langCode string) Option {
	return func(c *Client) error {
		if !langCodeRE.MatchString(langCode) {
			return fmt.Errorf("oneentry: WithLangCode: invalid language code %q", langCode)
		}
		c.langCode = langCode
		return nil
	}
}

// WithTokenStore sets where the user's tokens live, e.g. to persist the refresh
// token across restarts. The default is an in-memory store.
func WithTokenStore(s TokenStore) Option {
	return func(c *Client) error {
		if s == nil {
			return errors.New("oneentry: WithTokenStore: nil TokenStore")
		}
		c.tokens = s
		return nil
	}
}

// WithDeviceMetadata sets the x-device-metadata header sent on POSTs. The real
// platform binds sessions to the fingerprint, so keep it stable per device.
// Without this option the client makes up a random fingerprint "UQ_go_<hex>".
func WithDeviceMetadata(fingerprint string, os, browser, location string) Option {
	return func(c *Client) error {
		if fingerprint == "" {
			return errors.New("oneentry: WithDeviceMetadata: empty fingerprint")
		}
		c.device = &deviceMetadata{
			Fingerprint: fingerprint,
			DeviceInfo:  DeviceInfo{OS: os, Browser: browser, Location: location},
		}
		return nil
	}
}

type deviceMetadata struct {
	Fingerprint string     `json:"fingerprint"`
	DeviceInfo  DeviceInfo `json:"deviceInfo"`
}

// DeviceInfo describes a device, as sent in x-device-metadata and listed in
// GetActiveSessionsByMarker.
type DeviceInfo struct {
	OS       string `json:"os"`
	Browser  string `json:"browser"`
	Location string `json:"location"`
}

// New returns a client for the project at baseURL (e.g. "https://x.oneentry.cloud"),
// like the JS defineOneEntry(url, {token}). One trailing "/" is stripped.
func New(baseURL string, opts ...Option) (*Client, error) {
	base := strings.TrimSuffix(baseURL, "/")
	u, err := url.Parse(base)
	if err != nil {
		return nil, fmt.Errorf("oneentry: parse base URL: %w", err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("oneentry: base URL %q: want http(s)://host[/path]", baseURL)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("oneentry: base URL %q: must not have a query or fragment", baseURL)
	}
	c := &Client{
		baseURL:    base,
		httpClient: &http.Client{Timeout: defaultTimeout},
		langCode:   defaultLangCode,
		tokens:     &MemoryTokenStore{},
	}
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt(c); err != nil {
			return nil, err
		}
	}
	if c.device == nil {
		var b [8]byte
		_, _ = rand.Read(b[:]) // never fails since Go 1.24
		c.device = &deviceMetadata{
			Fingerprint: "UQ_go_" + hex.EncodeToString(b[:]),
			DeviceInfo: DeviceInfo{
				OS:       "Go",
				Browser:  "openentry-go",
				Location: strings.ReplaceAll(c.langCode, "_", "-"),
			},
		}
	}
	dm, err := json.Marshal(c.device)
	if err != nil {
		return nil, fmt.Errorf("oneentry: encode device metadata: %w", err)
	}
	c.deviceJSON = string(dm)

	c.common.client = c
	c.AuthProvider = (*AuthProviderService)(&c.common)
	c.Orders = (*OrdersService)(&c.common)
	c.Payments = (*PaymentsService)(&c.common)
	c.Forms = (*FormsService)(&c.common)
	c.Products = (*ProductsService)(&c.common)
	c.Users = (*UsersService)(&c.common)
	c.Events = (*EventsService)(&c.common)
	return c, nil
}

// LangCode returns the client's default language.
func (c *Client) LangCode() string { return c.langCode }

// Tokens returns the user tokens currently held by the client's TokenStore.
func (c *Client) Tokens(ctx context.Context) (Tokens, error) { return c.tokens.Tokens(ctx) }

// Ptr returns a pointer to v, for request fields where "absent" and "zero" differ.
func Ptr[T any](v T) *T { return &v }

// lang resolves an empty per-call langCode to the client default.
func (c *Client) lang(langCode string) string {
	if langCode == "" {
		return c.langCode
	}
	return langCode
}

// callFlags changes how do treats one request; they travel in its context.
type callFlags uint8

const (
	// noRefresh: a 401 is final. Used by auth and refresh themselves.
	noRefresh callFlags = 1 << iota
	// noBearer: no Authorization header. The refresh call carries its
	// credential in the body, as in the JS SDK.
	noBearer
)

type callFlagsKey struct{}

func withFlags(req *http.Request, f callFlags) *http.Request {
	return req.WithContext(context.WithValue(req.Context(), callFlagsKey{}, f))
}

func flagsOf(req *http.Request) callFlags {
	f, _ := req.Context().Value(callFlagsKey{}).(callFlags)
	return f
}

// newRequest builds a request for path (relative to /api/content, already escaped,
// with its query). A non-nil body is sent as JSON; its bytes are kept so the
// request can be replayed after a token refresh.
func (c *Client) newRequest(ctx context.Context, method, path string, body any) (*http.Request, error) {
	var rd io.Reader
	if body != nil {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(body); err != nil {
			return nil, fmt.Errorf("oneentry: encode %s %s body: %w", method, path, err)
		}
		// *bytes.Reader makes net/http set GetBody, which the retry uses.
		rd = bytes.NewReader(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
	}
	req, err := http.NewRequestWithContext(ctx, method, c.baseURL+apiPrefix+path, rd)
	if err != nil {
		return nil, fmt.Errorf("oneentry: %s %s: %w", method, path, err)
	}
	// The JS SDK sends Content-Type on every request, even without a body.
	req.Header.Set("Content-Type", "application/json")
	if c.appToken != "" {
		req.Header.Set("x-app-token", c.appToken)
	}
	if method == http.MethodPost {
		req.Header.Set("x-device-metadata", c.deviceJSON)
	}
	return req, nil
}

// do sends req and decodes a 2xx JSON body into v (if v is non-nil). A non-2xx
// answer becomes *Error. On a 401 it refreshes the user token once and retries
// once; a second 401 is returned as is.
func (c *Client) do(req *http.Request, v any) error {
	ctx := req.Context()
	flags := flagsOf(req)

	sentAccess, err := c.authorize(req, flags)
	if err != nil {
		return err
	}
	resp, body, err := c.send(req)
	if err != nil {
		return err
	}

	if resp.StatusCode == http.StatusUnauthorized && flags&noRefresh == 0 {
		if c.refreshAfter401(ctx, sentAccess) {
			retry := req.Clone(ctx)
			if req.GetBody != nil {
				if retry.Body, err = req.GetBody(); err != nil {
					return fmt.Errorf("oneentry: replay %s %s: %w", req.Method, req.URL.Path, err)
				}
			}
			if _, err := c.authorize(retry, flags); err != nil {
				return err
			}
			if resp, body, err = c.send(retry); err != nil {
				return err
			}
		}
	}

	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return newError(resp.StatusCode, resp.Header, body, time.Now())
	}
	if v == nil || len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	if err := decodeJSON(normalize(body, req.URL.Query().Get("langCode"), c.langCode), v); err != nil {
		return fmt.Errorf("oneentry: decode %s %s response: %w", req.Method, req.URL.Path, err)
	}
	return nil
}

// doBool sends req and reports whether the 2xx answer is the bare JSON true
// with which OneEntry confirms actions (check-code, PUT /users/me, ...). Other
// 2xx bodies (false, empty) give false without an error.
func (c *Client) doBool(req *http.Request) (bool, error) {
	var raw json.RawMessage
	if err := c.do(req, &raw); err != nil {
		return false, err
	}
	return string(bytes.TrimSpace(raw)) == "true", nil
}

// authorize sets the bearer from the token store and reports which access token
// it used, so a 401 can tell whether someone else has refreshed meanwhile.
func (c *Client) authorize(req *http.Request, flags callFlags) (string, error) {
	if flags&noBearer != 0 {
		req.Header.Del("Authorization")
		return "", nil
	}
	t, err := c.tokens.Tokens(req.Context())
	if err != nil {
		return "", fmt.Errorf("oneentry: read token store: %w", err)
	}
	if t.AccessToken == "" {
		req.Header.Del("Authorization")
	} else {
		req.Header.Set("Authorization", "Bearer "+t.AccessToken)
	}
	return t.AccessToken, nil
}

// send performs one round trip and always reads and closes the body, so the
// connection can be reused.
func (c *Client) send(req *http.Request) (*http.Response, []byte, error) {
	resp, err := c.httpClient.Do(req)
	if err != nil {
		return nil, nil, err // *url.Error already names method and URL
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes+1))
	if err != nil {
		return nil, nil, fmt.Errorf("oneentry: read %s %s response: %w", req.Method, req.URL.Path, err)
	}
	if len(body) > maxResponseBytes {
		_, _ = io.Copy(io.Discard, resp.Body)
		return nil, nil, fmt.Errorf("oneentry: %s %s response exceeds %d bytes", req.Method, req.URL.Path, maxResponseBytes)
	}
	return resp, body, nil
}

// refreshAfter401 reports whether the failed request should be retried. The
// mutex makes concurrent 401s refresh once: whoever comes second sees a new
// access token in the store and just retries. A failed refresh is not reported
// separately: the caller gets the original 401, as in the JS SDK.
func (c *Client) refreshAfter401(ctx context.Context, sentAccess string) bool {
	c.refreshMu.Lock()
	defer c.refreshMu.Unlock()
	t, err := c.tokens.Tokens(ctx)
	if err != nil {
		return false
	}
	if t.AccessToken != "" && t.AccessToken != sentAccess {
		return true
	}
	if t.RefreshToken == "" {
		return false
	}
	marker := t.ProviderMarker
	if marker == "" {
		marker = defaultProviderMarker
	}
	_, err = c.AuthProvider.Refresh(ctx, marker, t.RefreshToken)
	return err == nil
}

// query builds a query string in the given key order (the JS SDK's order is
// fixed per method). args alternate key, value. Commas stay literal, as in
// ids=1,2.
func query(args ...string) string {
	var b strings.Builder
	for i := 0; i+1 < len(args); i += 2 {
		if b.Len() > 0 {
			b.WriteByte('&')
		}
		b.WriteString(url.QueryEscape(args[i]))
		b.WriteByte('=')
		b.WriteString(strings.ReplaceAll(url.QueryEscape(args[i+1]), "%2C", ","))
	}
	return b.String()
}

// page turns Go zero values into the JS SDK defaults (offset 0, limit 30).
func page(offset, limit int) (string, string) {
	if offset < 0 {
		offset = 0
	}
	if limit <= 0 {
		limit = defaultLimit
	}
	return fmt.Sprint(offset), fmt.Sprint(limit)
}
