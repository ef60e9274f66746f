package openentry

import (
	"context"
	"time"
)

// Store persists the shop. Its methods are reads and state changes, each
// change one transaction that is atomic on its own: the conditions that
// decide races (one open session per order, single-use refresh tokens and
// codes, refundable quantities) are taken by the database, so that several
// server processes over one database stay correct. A store applies no
// business rule, calls no provider and sends no mail; the use cases do.
// Unknown rows are ErrNotFound, taken unique keys ErrConflict.
type Store interface {
	AuthStore
	UserStore
	CodeStore
	CatalogStore
	ProductListStore
	PageStore
	LocaleStore
	MenuStore
	OrderStore
	PaymentStore
	RefundStore
	ProjectStore
	FileStore
	UploadStore
	FormEntryStore
	BlockStore
	TemplateStore
	EventStore
	OutboxStore
	TemplatePreviewStore
	SitemapStore
	CollectionStore
	StaffStore
	AdminOrderStore
	UserAdminStore
	// ExportStore: export and backup (issue 13 part 4).
	ExportStore
	SettingsStore
	ContentAdminStore
	// Locales, templates and integration collections (admin writes).
	SetupAdminStore
	CatalogAdminStore
	// SetFormAdminStore: attribute sets and forms (issue 13 part 2).
	SetFormAdminStore
	// Ping checks that the database answers.
	Ping(ctx context.Context) error
}

// AuthStore keeps auth providers, user sessions and refresh tokens. Refresh
// tokens are stored and looked up by their digest only.
type AuthStore interface {
	// Providers lists active auth providers.
	Providers(ctx context.Context, page Page) ([]AuthProvider, error)
	// Provider returns an active provider, or ErrNotFound.
	Provider(ctx context.Context, marker string) (*AuthProvider, error)
	// InsertUser stores a new user and sets its ID and times. ErrConflict
	// when the provider has a user with that login.
	InsertUser(ctx context.Context, u *User, passwordHash string) error
	// UserLogin returns what logging in as login checks. ErrNotFound.
	UserLogin(ctx context.Context, provider, login string) (*UserLogin, error)
	// OpenSession opens a user session with its first refresh token,
	// closing the session the same device had, and returns its id.
	OpenSession(ctx context.Context, s NewSession) (int64, error)
	// RefreshOwner returns whose refresh token this is, used or not. ErrNotFound.
	RefreshOwner(ctx context.Context, digest []byte) (*RefreshOwner, error)
	// RotateRefresh uses up a refresh token and stores its successor, with
	// the successor pair sealed under the old token. The same token
	// presented again within r.ReuseWindow gets RefreshReplayed and that
	// sealed pair (concurrent presentations too: one of them rotates, the
	// others replay); later, or for a token that is unknown, expired or of
	// a closed session, RefreshRefused — and a used token that comes back
	// after the window also closes its session.
	RotateRefresh(ctx context.Context, r RefreshRotation) (owner *RefreshOwner, result RefreshResult, sealed []byte, err error)
	// CloseSession closes userID's session sessionID or, with a digest, the
	// session of that refresh token, which must be userID's (ErrNotFound).
	CloseSession(ctx context.Context, userID, sessionID int64, refreshDigest []byte) error
	// CloseSessions closes every open session of the user but keep (0: none).
	CloseSessions(ctx context.Context, userID, keep int64) error
	// SessionOpen reports whether the user's session is open and the user active.
	SessionOpen(ctx context.Context, userID, sessionID int64) (bool, error)
	// DeviceSessions lists the user's open sessions, one per device fingerprint.
	DeviceSessions(ctx context.Context, userID int64) ([]DeviceSession, error)
}

// UserLogin is what a login is checked against.
type UserLogin struct {
	UserID       int64
	Identifier   string
	PasswordHash string
	Active       bool
	Archived     bool
}

// NewSession is a user session to open.
type NewSession struct {
	UserID        int64
	Device        Device
	RefreshDigest []byte
	RefreshTTL    time.Duration
}

// RefreshOwner is the session and user a refresh token belongs to.
type RefreshOwner struct {
	SessionID  int64
	UserID     int64
	Identifier string
	Provider   string
}

// RefreshRotation replaces a refresh token by its successor.
type RefreshRotation struct {
	Old, New    []byte // digests
	TTL         time.Duration
	ReuseWindow time.Duration
	Sealed      []byte // the successor pair, sealed under the old token
}

// RefreshResult is what RotateRefresh did.
type RefreshResult int

// Refresh results.
const (
	RefreshRefused  RefreshResult = iota
	RefreshRotated                // the successor is stored
	RefreshReplayed               // rotated before, within the window: here is that pair, sealed
)

// UserStore keeps users.
type UserStore interface {
	// User returns a user by id, or ErrNotFound.
	User(ctx context.Context, id int64) (*User, error)
	// UpdateUser writes a user's changed profile and, with a password
	// hash, its password, closing its other sessions.
	UpdateUser(ctx context.Context, c UserChange) error
	// ArchiveUser marks the user archived and closes its sessions.
	ArchiveUser(ctx context.Context, id int64) error
	// DeleteUser erases the user's personal data, sessions, codes and push
	// tokens and frees the login; the row stays as a tombstone for its
	// orders, which lose their form data.
	DeleteUser(ctx context.Context, id int64) error
	// AddPushToken adds a push token (idempotent). ErrConflict when the user
	// has max other tokens.
	AddPushToken(ctx context.Context, userID int64, token string, max int) error
	// DeletePushToken removes a push token (idempotent).
	DeletePushToken(ctx context.Context, userID int64, token string) error
}

// UserChange is a user's profile as it is to be written.
type UserChange struct {
	UserID            int64
	FormData          FormData
	State             []byte
	NotificationEmail string
	PasswordHash      string // "": unchanged
	KeepSession       int64  // the session a password change keeps open
}

// CodeStore keeps one-time codes, one per user and event, by digest.
type CodeStore interface {
	// CodeUser returns a live (not deleted) user by login. ErrNotFound.
	CodeUser(ctx context.Context, provider, login string) (*CodeUser, error)
	// PutCode replaces the user's code for the event, unless the last one
	// is younger than c.ResendAfter: then it returns how long to wait.
	PutCode(ctx context.Context, c NewCode) (wait time.Duration, err error)
	// DeleteCode removes the code if it is still the one with digest.
	DeleteCode(ctx context.Context, userID int64, event string, digest []byte) error
	// UseCode checks a code: a wrong one counts an attempt (the
	// MaxAttempts-th destroys it); a right one is used up when c.Consume is
	// set, along with what c says to do in the same transaction.
	UseCode(ctx context.Context, c CodeUse) (CodeResult, error)
}

// CodeUser is the user a code is for.
type CodeUser struct {
	ID     int64
	Email  string
	Active bool
}

// NewCode is a code to store.
type NewCode struct {
	UserID      int64
	Event       string
	Digest      []byte
	TTL         time.Duration
	ResendAfter time.Duration
	Audit       *Audit // a staff resend: journaled with the code; nil for a user's own request
}

// CodeUse checks a code and, if it is right, acts on it.
type CodeUse struct {
	UserID       int64
	Event        string
	Digest       []byte
	MaxAttempts  int64
	Consume      bool
	Activate     bool   // activate the user
	PasswordHash string // set this password and close every session
}

// CodeResult is what UseCode found.
type CodeResult int

// Code results.
const (
	CodeMissing   CodeResult = iota // no code, or an expired one (now deleted)
	CodeRight                       // and what CodeUse asked for is done
	CodeWrong                       // one attempt counted
	CodeDestroyed                   // the last attempt: the code is gone
)

// CatalogStore keeps forms and products.
type CatalogStore interface {
	// Forms returns a page of forms and the total count.
	Forms(ctx context.Context, page Page) ([]Form, int64, error)
	// Form returns a form by marker, or ErrNotFound.
	Form(ctx context.Context, marker string) (*Form, error)
	// Product returns a visible product, or ErrNotFound.
	Product(ctx context.Context, id int64) (*Product, error)
	// ProductsByID returns the visible products among ids.
	ProductsByID(ctx context.Context, ids []int64) (map[int64]Product, error)
	// AttributeSets returns a page of the attribute sets q selects and their
	// total. ErrInvalid unless ValidAttributeSetSort(q.SortBy).
	AttributeSets(ctx context.Context, q AttributeSetQuery) ([]AttributeSet, int64, error)
	// AttributeSet returns a set by marker. ErrNotFound.
	AttributeSet(ctx context.Context, marker string) (*AttributeSet, error)
	// ProductStatuses lists the product statuses.
	ProductStatuses(ctx context.Context) ([]ProductStatus, error)
	// ProductStatus returns a status by marker. ErrNotFound.
	ProductStatus(ctx context.Context, marker string) (*ProductStatus, error)
}

// OrderStore keeps order storages and orders.
type OrderStore interface {
	// Storages lists order storages with their accounts.
	Storages(ctx context.Context, page Page) ([]OrderStorage, error)
	// Storage returns a storage by marker without its accounts. ErrNotFound.
	Storage(ctx context.Context, marker string) (*OrderStorage, error)
	// StorageAccounts lists the visible accounts a storage accepts.
	StorageAccounts(ctx context.Context, storageID int64) ([]string, error)
	// StorageAccount returns a visible account the storage accepts. ErrNotFound.
	StorageAccount(ctx context.Context, storageID int64, identifier string) (*PaymentAccount, error)
	// Statuses lists a storage's statuses.
	Statuses(ctx context.Context, storageID int64, page Page) ([]OrderStatus, error)
	// DefaultStatus returns the status new orders of the storage get.
	DefaultStatus(ctx context.Context, storageID int64) (*OrderStatus, error)
	// InsertOrder stores an order and its lines, and sets its ID and times.
	InsertOrder(ctx context.Context, o *Order) error
	// Order returns one of userID's orders in the storage. ErrNotFound.
	Order(ctx context.Context, userID int64, marker string, id int64) (*Order, error)
	// Orders returns a page of userID's orders in the storage, newest
	// first, and how many there are.
	Orders(ctx context.Context, userID, storageID int64, page Page) ([]Order, int64, error)
	// OrderLines returns an order's lines.
	OrderLines(ctx context.Context, orderID int64) ([]OrderLine, error)
	// OpenSessionOf returns an order's open (creating or waiting) payment
	// session with its account. ErrNotFound if there is none.
	OpenSessionOf(ctx context.Context, orderID int64) (*OpenSession, error)
	// UpdateOrder writes c in one transaction, with the order row locked: it
	// cancels the waiting sessions c names and fails with ErrConflict if the
	// order was paid or canceled meanwhile or, when c.TermsChange, still has
	// an open session.
	UpdateOrder(ctx context.Context, c OrderChange) error
	// CancelUnpaidOrders cancels up to limit orders of storages with a
	// CancelUnpaidAfter that are unpaid, past it and have no payment open,
	// each in its own transaction, giving its units back once; it returns
	// how many it canceled.
	CancelUnpaidOrders(ctx context.Context, limit int) (int64, error)
}

// OpenSession is an order's open payment session, as changing the order sees it.
type OpenSession struct {
	Session     PaymentSession
	Account     ProviderAccount
	ProviderRef string // the provider's id of the checkout, once known
}

// OrderChange is an order's new terms, as UpdateOrder writes them.
type OrderChange struct {
	OrderID          int64
	UserID           int64
	FormData         FormData
	PaymentAccountID int64
	Lines            []OrderLine // nil: unchanged
	Total            Money
	StatusIdentifier string
	Cancel           bool
	TermsChange      bool    // what is paid changes: no session of the old terms may stay open
	CancelSessions   []int64 // waiting sessions of the old terms, canceled with the change
}

// SessionCreating marks a payment session whose provider call is under way.
// Such rows are never shown: a client sees a session once it can be paid.
const SessionCreating = "creating"

// PaymentStore keeps payment accounts, sessions and provider events.
type PaymentStore interface {
	// Accounts lists visible payment accounts.
	Accounts(ctx context.Context) ([]PaymentAccount, error)
	// Account returns a visible account. ErrNotFound.
	Account(ctx context.Context, id int64) (*PaymentAccount, error)
	// ProviderAccounts lists the accounts of a type, hidden ones too.
	ProviderAccounts(ctx context.Context, typ string) ([]ProviderAccount, error)
	// PaymentOrder returns what paying one of userID's orders needs. ErrNotFound.
	PaymentOrder(ctx context.Context, userID, orderID int64) (*PaymentOrder, error)
	// OpenPaymentSession returns the order's open session (waiting, or
	// creating by another request) or, if there is none, stores s and
	// returns it with created set. A creating row older than s.StaleAfter is
	// the leftover of a crashed process and is replaced. ErrConflict if the
	// order is paid.
	OpenPaymentSession(ctx context.Context, s NewPaymentSession) (ps *PaymentSession, created bool, err error)
	// ConfirmPaymentSession makes a creating session waiting, with what the
	// provider answered. ErrNotFound if it is no longer creating.
	ConfirmPaymentSession(ctx context.Context, id int64, got ProviderSession) (*PaymentSession, error)
	// DropPaymentSession removes a session that is still creating.
	DropPaymentSession(ctx context.Context, id int64) error
	// Session returns one of userID's sessions. ErrNotFound.
	Session(ctx context.Context, userID, id int64) (*PaymentSession, error)
	// SessionByOrder returns the newest session of one of userID's orders. ErrNotFound.
	SessionByOrder(ctx context.Context, userID, orderID int64) (*PaymentSession, error)
	// Sessions returns a page of userID's sessions, newest first, and the total.
	Sessions(ctx context.Context, userID int64, page Page) ([]PaymentSession, int64, error)
	// ExpireSessions expires waiting sessions past their expiry, removes
	// creating rows older than staleCreating, and returns how many expired.
	ExpireSessions(ctx context.Context, staleCreating time.Duration) (int64, error)
	// SessionCounts counts the shown sessions in each status.
	SessionCounts(ctx context.Context) (map[string]int64, error)
	// SessionAccountType returns the type of a session's account and its status. ErrNotFound.
	SessionAccountType(ctx context.Context, sessionID int64) (typ, status string, err error)
	// SettleSession moves a waiting session to to (SessionCompleted or
	// SessionCanceled), journaled with a, and returns OutcomeApplied, or
	// OutcomeStale if it had left waiting.
	SettleSession(ctx context.Context, sessionID int64, to string, a Audit) (string, error)
	// ApplyPaymentEvent applies a verified event once, in the transaction
	// that records its id, and returns its Outcome*.
	ApplyPaymentEvent(ctx context.Context, ev *PaymentEvent) (string, error)
}

// PaymentOrder is an order as paying it sees it.
type PaymentOrder struct {
	OrderID        int64
	Total          Money
	Completed      bool
	Canceled       bool
	AccountID      int64
	Account        ProviderAccount
	SessionTimeout time.Duration
}

// NewPaymentSession is a payment session to open.
type NewPaymentSession struct {
	OrderID    int64
	UserID     int64
	AccountID  int64
	Type       string
	Status     string // SessionWaiting, or SessionCreating while a provider is called
	Amount     *Money // for intents, which are paid in the page
	ExpiresAt  time.Time
	StaleAfter time.Duration
}

// RefundStore keeps refund requests.
type RefundStore interface {
	// Refunds lists one of userID's orders' requests, newest first. ErrNotFound.
	Refunds(ctx context.Context, userID, orderID int64) ([]Refund, error)
	// AddRefund stores a waiting request for one of userID's orders. The
	// order is locked while price decides what the request asks for, so two
	// requests cannot both take what is left. ErrNotFound.
	AddRefund(ctx context.Context, userID, orderID int64, note string,
		price func(RefundBasis) (map[int64]int64, Money, error)) error
	// CancelRefunds withdraws one of userID's orders' waiting requests and
	// says how many there were. ErrNotFound.
	CancelRefunds(ctx context.Context, userID, orderID int64) (int64, error)
	// Refund returns a request by id. ErrNotFound.
	Refund(ctx context.Context, id int64) (*Refund, error)
	// RefundPayment returns the account and the provider's payment of the
	// order's completed session. ErrNotFound if it has none.
	RefundPayment(ctx context.Context, orderID int64) (acct *ProviderAccount, paymentRef string, err error)
	// MoveRefund moves a waiting request to m.Status, with the provider's
	// refund id if any, journaled with a. ErrConflict if it is no longer waiting.
	MoveRefund(ctx context.Context, m RefundMove, a Audit) (time.Time, error)
}

// ProjectStore applies project files.
type ProjectStore interface {
	// UserExists reports whether the provider has a user with the login.
	UserExists(ctx context.Context, provider, login string) (bool, error)
	// ApplyProject upserts a validated project in one transaction (see
	// ProjectApply). It checks references against the database and rejects
	// the whole file if one does not resolve.
	ApplyProject(ctx context.Context, p *Project, a ProjectApply) error
}

// ProjectApply is what the use case worked out for a project file.
type ProjectApply struct {
	Setups         map[string]AccountSetup // payment accounts by identifier
	PasswordHashes []string                // seed users, same order; "": skip the user (its login is taken)
	// Stock is the units the file gives each product whose set counts
	// stock; the store sets it only when it differs from what the file
	// gave last time, so re-applying keeps the units sold since.
	Stock map[int64]int64
	// Files are the files the project's attribute values name, read and
	// checked. The store stores them first (PutFile's rule: once per
	// digest), setting their IDs, then calls FilesStored, which puts those
	// IDs into the values, before it writes anything that holds values.
	Files       []*File
	FilesStored func() error
}
