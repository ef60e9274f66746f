// Package app is the one place that wires OpenEntry together: the store, the
// payment providers, the mailer, the credentials and the use cases, and the
// HTTP handler over them. Nothing else imports the adapters.
package app

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"runtime"
	"time"

	"github.com/openentry/openentry"
	"github.com/openentry/openentry/internal/adminapi"
	"github.com/openentry/openentry/internal/credential"
	"github.com/openentry/openentry/internal/httpapi"
	"github.com/openentry/openentry/internal/metrics"
	"github.com/openentry/openentry/internal/payment/cash"
	"github.com/openentry/openentry/internal/payment/stripepay"
	"github.com/openentry/openentry/internal/ratelimit"
	"github.com/openentry/openentry/internal/shop"
	"github.com/openentry/openentry/internal/sqlstore"
	"github.com/openentry/openentry/internal/storefront"
)

// Config is everything a running server needs.
type Config struct {
	DB           string               // "sqlite:PATH" (or a bare path), or "postgres://…"
	DBOptions    DBOptions            // pool size, statement timeout, migrations
	AppToken     string               // x-app-token of the project
	Projects     []*openentry.Project // applied at start, in order
	Hashing      credential.Params    // argon2id cost; credential.DefaultParams() if zero
	Now          func() time.Time     // clock; time.Now if nil
	Random       io.Reader            // randomness; crypto/rand if nil
	Mailer       openentry.Mailer     // delivers codes; without one, sending a code is a 502
	LoginLimits  LoginLimits          // zero: DefaultLoginLimits()
	SignUpLimits SignUpLimits         // zero: DefaultSignUpLimits()
	// FormEntryLimits bounds form entries (postFormsData) per address;
	// zero: DefaultFormEntryLimits().
	FormEntryLimits FormEntryLimits
	// UploadLimits bounds uploads (FileUploading.upload) per address;
	// zero: DefaultUploadLimits().
	UploadLimits UploadLimits
	// MaxUploadSize bounds the files of one upload together, in bytes;
	// a larger upload is a 413. Zero: openentry.MaxFileSize (10 MiB).
	MaxUploadSize int64
	// RefreshReuseWindow: how long a rotated refresh token still yields the
	// pair its rotation made; zero: 10 s.
	RefreshReuseWindow time.Duration
	Stripe             StripeConfig
	// TokenSecrets are the HMAC keys of access tokens: the first signs and
	// any of them verifies, so listing new then old rotates. Empty: the
	// secret generated at the first start and kept in the database.
	TokenSecrets [][]byte
	// SweepEvery is how often sessions past their timeout are expired; zero: 30 s.
	SweepEvery time.Duration
	// OutboxEvery is how often the outbox is looked at for due work
	// (product event mails); zero: 2 s.
	OutboxEvery time.Duration
	// Outbox sets the outbox's leases, retries and backoff; zero values: defaults.
	Outbox OutboxConfig
	// CORSOrigins are browser origins allowed to call the API, besides those
	// the projects list.
	CORSOrigins []string
	// Storefront serves the storefront demo page at /demo/; it hands the
	// page AppToken, so only the demo sets it.
	Storefront bool
	// PublicURL is the scheme, host and any path prefix clients reach the
	// server at ("https://api.shop.example"), the base of links to stored
	// files; "": each request's scheme and Host.
	PublicURL string
	// ExportBatch is how many rows the admin CSV exports read per query;
	// zero: shop.DefaultExportBatch.
	ExportBatch int
}

// OutboxConfig sets the outbox's leases, retries and backoff.
type OutboxConfig = shop.OutboxConfig

// StripeConfig fills in stripe accounts whose project entry has no keys,
// and points the Stripe client elsewhere (stripe-mock) when APIURL is set.
type StripeConfig struct {
	SecretKey     string // OPENENTRY_STRIPE_SECRET_KEY
	WebhookSecret string // OPENENTRY_STRIPE_WEBHOOK_SECRET
	APIURL        string // OPENENTRY_STRIPE_API_URL
}

// LoginLimits bounds failed logins within Window.
type LoginLimits struct {
	PerAccount int
	PerAddress int
	Window     time.Duration
}

// SignUpLimits bounds sign-ups within Window, per client address and per login.
type SignUpLimits struct {
	PerAddress int
	PerLogin   int
	Window     time.Duration
}

// DefaultSignUpLimits: a hundred sign-ups an address and five a login in
// ten minutes; room for a shop's busiest hour behind one NAT, not for a
// flood that would keep the password hashing busy.
func DefaultSignUpLimits() SignUpLimits {
	return SignUpLimits{PerAddress: 100, PerLogin: 5, Window: 10 * time.Minute}
}

// FormEntryLimits bounds form entries within Window per client address.
type FormEntryLimits struct {
	PerAddress int
	Window     time.Duration
}

// DefaultFormEntryLimits: thirty entries an address in ten minutes, room
// for a shop's reviews and contact forms, not for a flood.
func DefaultFormEntryLimits() FormEntryLimits {
	return FormEntryLimits{PerAddress: 30, Window: 10 * time.Minute}
}

// UploadLimits bounds upload requests within Window per client address.
type UploadLimits struct {
	PerAddress int
	Window     time.Duration
}

// DefaultUploadLimits: sixty uploads an address in ten minutes, room for
// a shop's forms with attachments and avatars, not for filling the disk.
func DefaultUploadLimits() UploadLimits {
	return UploadLimits{PerAddress: 60, Window: 10 * time.Minute}
}

// DefaultLoginLimits: ten failures lock an account for the rest of 15
// minutes; an address gets more room, since many users may share one NAT.
func DefaultLoginLimits() LoginLimits {
	return LoginLimits{PerAccount: 10, PerAddress: 100, Window: 15 * time.Minute}
}

// noMailer is used when no mail server is configured: codes cannot be sent.
type noMailer struct{}

func (noMailer) Send(context.Context, openentry.Message) error {
	return fmt.Errorf("no mail server configured (OPENENTRY_SMTP_URL): %w", openentry.ErrUpstream)
}

// DBOptions tune the database: pool size, PostgreSQL statement timeout,
// and whether migrations run at start.
type DBOptions = sqlstore.Options

// Migrate applies pending migrations to the database and closes it.
func Migrate(ctx context.Context, dsn string) error {
	db, err := sqlstore.Open(ctx, dsn, time.Now, sqlstore.Options{})
	if err != nil {
		return err
	}
	return db.Close()
}

// providers registers the payment providers by the account type they
// serve. A new provider is one package and one line here.
func providers(cfg Config, logger *slog.Logger) shop.Providers {
	return shop.Providers{
		cash.Type: cash.New(),
		stripepay.Type: stripepay.New(stripepay.Config{APIURL: cfg.Stripe.APIURL, SecretKey: cfg.Stripe.SecretKey,
			WebhookSecret: cfg.Stripe.WebhookSecret, Now: cfg.Now}, logger),
	}
}

func (cfg *Config) defaults() error {
	public, err := publicURL(cfg.PublicURL)
	if err != nil {
		return err
	}
	cfg.PublicURL = public
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Random == nil {
		cfg.Random = rand.Reader
	}
	if cfg.DB == "" {
		cfg.DB = "sqlite:openentry.db"
	}
	for _, s := range cfg.TokenSecrets {
		if len(s) == 0 {
			return fmt.Errorf("app: an empty token secret would let anyone sign tokens")
		}
	}
	if cfg.Hashing == (credential.Params{}) {
		cfg.Hashing = credential.DefaultParams()
	}
	if cfg.Mailer == nil {
		cfg.Mailer = noMailer{}
	}
	if cfg.LoginLimits == (LoginLimits{}) {
		cfg.LoginLimits = DefaultLoginLimits()
	}
	if cfg.FormEntryLimits == (FormEntryLimits{}) {
		cfg.FormEntryLimits = DefaultFormEntryLimits()
	}
	if cfg.UploadLimits == (UploadLimits{}) {
		cfg.UploadLimits = DefaultUploadLimits()
	}
	if cfg.MaxUploadSize < 0 {
		return fmt.Errorf("app: a negative upload size limit")
	}
	if cfg.MaxUploadSize == 0 {
		cfg.MaxUploadSize = openentry.MaxFileSize
	}
	if cfg.SignUpLimits == (SignUpLimits{}) {
		cfg.SignUpLimits = DefaultSignUpLimits()
	}
	if cfg.SweepEvery == 0 {
		cfg.SweepEvery = 30 * time.Second
	}
	if cfg.OutboxEvery == 0 {
		cfg.OutboxEvery = 2 * time.Second
	}
	return nil
}

// App is an opened server: database, use cases and handler.
type App struct {
	Handler  http.Handler
	db       *sqlstore.DB
	payments *shop.Payments
	orders   *shop.Orders
	refunds  *shop.Refunds
	outbox   *shop.Outbox
	staff    *shop.Staff
	now      func() time.Time
	stop     context.CancelFunc
	swept    chan struct{}
	drained  chan struct{}
}

// Open opens the database, runs migrations, applies the projects and builds
// the handler.
func Open(ctx context.Context, cfg Config, logger *slog.Logger) (*App, error) {
	if err := cfg.defaults(); err != nil {
		return nil, err
	}
	db, err := sqlstore.Open(ctx, cfg.DB, cfg.Now, cfg.DBOptions)
	if err != nil {
		return nil, err
	}
	hasher := credential.NewHasher(cfg.Hashing, max(1, runtime.GOMAXPROCS(0)/2))
	payers := providers(cfg, logger)
	projects := shop.NewProjects(db, hasher, payers)
	for _, p := range cfg.Projects {
		if err := projects.Apply(ctx, p); err != nil {
			db.Close()
			return nil, fmt.Errorf("apply project: %w", err)
		}
	}
	secrets := cfg.TokenSecrets
	if len(secrets) == 0 {
		// Kept in the database, so restarts and every instance on it agree.
		secret, err := db.ServerSecret(ctx, "token", func() ([]byte, error) {
			b := make([]byte, 32)
			_, err := io.ReadFull(cfg.Random, b)
			return b, err
		})
		if err != nil {
			db.Close()
			return nil, fmt.Errorf("token secret: %w", err)
		}
		secrets = [][]byte{secret}
	}
	// Codes are stored under a key derived from the signing secret, not the
	// secret itself, so one key never serves two purposes. Codes pending
	// when the signing secret changes stop working; they live minutes.
	codeKey := hmac.New(sha256.New, secrets[0])
	codeKey.Write([]byte("openentry one-time codes"))
	auth := shop.NewAuth(db, shop.AuthDeps{
		Hasher:             hasher,
		Tokens:             credential.NewTokens(secrets, cfg.Now, cfg.Random),
		Mailer:             cfg.Mailer,
		Limiter:            ratelimit.NewLogins(cfg.LoginLimits.PerAccount, cfg.LoginLimits.PerAddress, cfg.LoginLimits.Window, cfg.Now),
		SignUpsPerAddress:  ratelimit.NewRequests(cfg.SignUpLimits.PerAddress, cfg.SignUpLimits.Window, cfg.Now),
		SignUpsPerLogin:    ratelimit.NewRequests(cfg.SignUpLimits.PerLogin, cfg.SignUpLimits.Window, cfg.Now),
		RefreshReuseWindow: cfg.RefreshReuseWindow,
		CodeKey:            codeKey.Sum(nil),
		Random:             cfg.Random,
	})
	// The CSRF key is derived like the code key: one key, one purpose.
	csrfKey := hmac.New(sha256.New, secrets[0])
	csrfKey.Write([]byte("openentry admin csrf"))
	staff := shop.NewStaff(db, shop.StaffDeps{
		Hasher:  hasher,
		Limiter: ratelimit.NewLogins(cfg.LoginLimits.PerAccount, cfg.LoginLimits.PerAddress, cfg.LoginLimits.Window, cfg.Now),
		Random:  cfg.Random, Now: cfg.Now, CSRFKey: csrfKey.Sum(nil),
	})
	catalogue := shop.NewCatalogue(db)
	a := &App{db: db, now: cfg.Now, staff: staff, payments: shop.NewPayments(db, payers, cfg.Now), orders: shop.NewOrders(db, payers), refunds: shop.NewRefunds(db, payers)}
	origins := cfg.CORSOrigins
	for _, p := range cfg.Projects {
		origins = append(origins, p.CORSOrigins...)
	}
	var demo http.Handler
	if cfg.Storefront {
		demo = storefront.Handler(cfg.AppToken)
	}
	events := shop.NewEvents(db)
	formEntries := shop.NewFormEntries(db, ratelimit.NewRequests(cfg.FormEntryLimits.PerAddress, cfg.FormEntryLimits.Window, cfg.Now))
	admin := adminapi.Config{Staff: staff}
	// Admin: shop users and form entries.
	admin.Users, admin.FormEntries = shop.NewUsers(auth), formEntries
	// Admin: products and product statuses.
	admin.Catalogue = shop.NewCatalogueAdmin(db)
	// Admin: pages, blocks and menus.
	admin.Content = shop.NewContent(db, projects)
	// Admin: attribute sets and forms.
	admin.SetsForms = shop.NewSetsForms(db, projects)
	// Admin: locales, templates and integration collections.
	admin.Setup = shop.NewSetup(db, projects)
	// Admin: shop settings.
	admin.Settings = shop.NewSettings(db, payers)
	// Admin: orders, payments and refunds.
	admin.Orders, admin.Payments, admin.Refunds = shop.NewAdminOrders(db, a.orders, cfg.Now, cfg.ExportBatch), a.payments, a.refunds
	a.Handler = httpapi.NewHandler(logger, httpapi.Config{
		AppToken: cfg.AppToken, Ready: db.Ping, Metrics: metrics.New(db.SessionCounts), CORSOrigins: origins,
		Demo: demo, Now: cfg.Now, Files: shop.NewFiles(db), PublicURL: cfg.PublicURL,
		Events:           events,
		Blocks:           shop.NewBlocks(db),
		Templates:        shop.NewTemplates(db),
		TemplatePreviews: shop.NewTemplatePreviews(db),
		Sitemaps:         shop.NewSitemaps(db, origins),
		FormEntries:      formEntries,
		Uploads: shop.NewUploads(db, ratelimit.NewRequests(cfg.UploadLimits.PerAddress, cfg.UploadLimits.Window, cfg.Now),
			cfg.MaxUploadSize),
		MaxUploadSize: cfg.MaxUploadSize,
		Collections:   shop.NewCollections(db),
		Admin:         adminapi.NewHandler(logger, admin),
		Staff:         staff,
	},
		auth, auth, catalogue, catalogue, a.orders, a.payments, a.refunds, shop.NewPages(db),
		catalogue, catalogue, shop.NewProductLists(db), shop.NewLocales(db), shop.NewMenus(db))
	a.outbox = shop.NewOutbox(db, map[string]shop.OutboxHandler{
		openentry.TopicProductChanged: events.ProductChanged,
		openentry.TopicMail:           shop.SendMail(cfg.Mailer),
	}, cfg.Outbox, logger)
	logger.Info("outbox", "owner", a.outbox.Owner())
	sweepCtx, stop := context.WithCancel(context.WithoutCancel(ctx))
	a.stop, a.swept, a.drained = stop, make(chan struct{}), make(chan struct{})
	go repeat(sweepCtx, cfg.SweepEvery, a.swept, func(ctx context.Context) { a.sweep(ctx, logger) })
	go repeat(sweepCtx, cfg.OutboxEvery, a.drained, func(ctx context.Context) { a.drain(ctx, logger) })
	return a, nil
}

// sweep expires sessions past their timeout, cancels the unpaid orders
// left past their storage's limit and prunes done outbox work. Every
// instance may run it: each order and session is decided by one
// conditional update.
func (a *App) sweep(ctx context.Context, logger *slog.Logger) {
	n, err := a.payments.ExpireSessions(ctx)
	if err != nil && ctx.Err() == nil {
		logger.Error("expire payment sessions", "err", err)
	} else if n > 0 {
		logger.Info("expired payment sessions", "count", n)
	}
	n, err = a.orders.CancelUnpaid(ctx)
	if err != nil && ctx.Err() == nil {
		logger.Error("cancel unpaid orders", "err", err)
	} else if n > 0 {
		logger.Info("canceled unpaid orders", "count", n)
	}
	if _, err = a.outbox.Prune(ctx, a.now()); err != nil && ctx.Err() == nil {
		logger.Error("prune the outbox", "err", err)
	}
}

// drain does the outbox's due work. Every instance runs it; the
// database's leases share the work.
func (a *App) drain(ctx context.Context, logger *slog.Logger) {
	if _, err := a.outbox.Dispatch(ctx); err != nil && ctx.Err() == nil {
		logger.Error("outbox", "err", err)
	}
}

// repeat runs work every interval until ctx ends, then closes done.
func repeat(ctx context.Context, every time.Duration, done chan<- struct{}, work func(context.Context)) {
	defer close(done)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		work(ctx)
	}
}

// DispatchOutbox does the outbox's due work now and reports how many
// messages it completed.
func (a *App) DispatchOutbox(ctx context.Context) (int, error) { return a.outbox.Dispatch(ctx) }

// PruneOutbox deletes the outbox work done longer ago than it is kept.
func (a *App) PruneOutbox(ctx context.Context) (int64, error) { return a.outbox.Prune(ctx, a.now()) }

// CancelUnpaidOrders runs one sweep of unpaid orders now.
func (a *App) CancelUnpaidOrders(ctx context.Context) (int64, error) {
	return a.orders.CancelUnpaid(ctx)
}

// ExpireSessions runs one sweep now.
func (a *App) ExpireSessions(ctx context.Context) (int64, error) {
	return a.payments.ExpireSessions(ctx)
}

// SettleSession marks a waiting cash (custom) session completed or
// canceled, as `openentry payments` does.
func (a *App) SettleSession(ctx context.Context, id int64, status string) error {
	return a.payments.SettleSession(ctx, openentry.SystemActor(settleCommand), id, status)
}

// ApproveRefund pays a waiting refund request back, as `openentry refunds approve` does.
func (a *App) ApproveRefund(ctx context.Context, id int64) (*openentry.Refund, error) {
	return a.refunds.ApproveRefund(ctx, openentry.SystemActor(approveCommand), id)
}

// The operator commands as the journal names them.
const (
	settleCommand  = "openentry payments"
	approveCommand = "openentry refunds approve"
)

// CreateStaff creates a staff account as `openentry admin create` does.
func (a *App) CreateStaff(ctx context.Context, email, name, role, password string) (*openentry.Staff, error) {
	return a.staff.Bootstrap(ctx, shop.NewAccount{Email: email, Name: name, Role: openentry.Role(role), Password: password})
}

// Close stops the sweeper and closes the database. Call it after the HTTP
// server has shut down.
func (a *App) Close() error {
	a.stop()
	<-a.swept
	<-a.drained
	return a.db.Close()
}

// Operator is what the operator commands need: the database (migrated, no
// project applied) and the payment providers, and nothing else — no HTTP
// handler, no sweeper, no mailer, no credentials.
type Operator struct {
	db       *sqlstore.DB
	payments *shop.Payments
	refunds  *shop.Refunds
	staff    *shop.Staff
}

// OpenOperator opens the database named by cfg for one operator action.
func OpenOperator(ctx context.Context, cfg Config, logger *slog.Logger) (*Operator, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Random == nil {
		cfg.Random = rand.Reader
	}
	if cfg.DB == "" {
		cfg.DB = "sqlite:openentry.db"
	}
	db, err := sqlstore.Open(ctx, cfg.DB, cfg.Now, cfg.DBOptions)
	if err != nil {
		return nil, err
	}
	payers := providers(cfg, logger)
	if cfg.Hashing == (credential.Params{}) {
		cfg.Hashing = credential.DefaultParams()
	}
	staff := shop.NewStaff(db, shop.StaffDeps{Hasher: credential.NewHasher(cfg.Hashing, 1), Random: cfg.Random, Now: cfg.Now})
	return &Operator{db: db, payments: shop.NewPayments(db, payers, cfg.Now), refunds: shop.NewRefunds(db, payers), staff: staff}, nil
}

// SettleSession marks a waiting cash (custom) session completed or canceled.
func (o *Operator) SettleSession(ctx context.Context, id int64, status string) error {
	return o.payments.SettleSession(ctx, openentry.SystemActor(settleCommand), id, status)
}

// ApproveRefund pays a waiting refund request back, through its provider.
func (o *Operator) ApproveRefund(ctx context.Context, id int64) (*openentry.Refund, error) {
	return o.refunds.ApproveRefund(ctx, openentry.SystemActor(approveCommand), id)
}

// CreateStaff creates a staff account from the server's command line.
func (o *Operator) CreateStaff(ctx context.Context, email, name, role, password string) (*openentry.Staff, error) {
	return o.staff.Bootstrap(ctx, shop.NewAccount{Email: email, Name: name, Role: openentry.Role(role), Password: password})
}

// Close closes the database.
func (o *Operator) Close() error { return o.db.Close() }
