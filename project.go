package openentry

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Project is the declarative description of a shop that `openentry serve
// --project FILE` applies at start. Applying it upserts by identifier (by id
// for products) and never removes data.
type Project struct {
	AuthProviders   []ProjectAuthProvider   `json:"authProviders"`
	Forms           []ProjectForm           `json:"forms"`
	PaymentAccounts []ProjectPaymentAccount `json:"paymentAccounts"`
	OrderStorages   []ProjectOrderStorage   `json:"orderStorages"`
	AttributeSets   []ProjectAttributeSet   `json:"attributeSets,omitempty"`
	ProductStatuses []ProjectProductStatus  `json:"productStatuses,omitempty"`
	Pages           []ProjectPage           `json:"pages,omitempty"`
	Blocks          []ProjectBlock          `json:"blocks,omitempty"`
	Templates       []ProjectTemplate       `json:"templates,omitempty"`
	// TemplatePreviews are the preview templates (TemplatePreviews module).
	TemplatePreviews []ProjectTemplatePreview `json:"templatePreviews,omitempty"`
	// Locales are the project's content languages (Locales.getLocales);
	// none: en_US alone.
	Locales []ProjectLocale `json:"locales,omitempty"`
	// Menus list pages of the site under an identifier (Menus.getMenusByMarker).
	Menus []ProjectMenu `json:"menus,omitempty"`
	// Events are what users subscribe to on products (Events.subscribeByMarker).
	Events []ProjectEvent `json:"events,omitempty"`
	// IntegrationCollections are tables of user rows whose columns are a
	// form's attributes (IntegrationCollections).
	IntegrationCollections []ProjectCollection `json:"integrationCollections,omitempty"`
	Products               []ProjectProduct    `json:"products"`
	Users                  []ProjectUser       `json:"users"`
	// CORSOrigins are the browser origins (https://shop.example) allowed to
	// call the API; "*" allows any.
	CORSOrigins []string `json:"corsOrigins,omitempty"`
	// Files is where the files that attribute values name ({"file":
	// "images/cosmo.png"}) are read from: the project file's directory,
	// set by whoever read the file. nil: values cannot name files.
	Files fs.FS `json:"-"`
}

// ProjectAuthProvider configures an auth provider.
type ProjectAuthProvider struct {
	Identifier     string            `json:"identifier"`
	Type           string            `json:"type"`
	FormIdentifier string            `json:"formIdentifier"`
	UserGroup      string            `json:"userGroup,omitempty"`
	IsCheckCode    bool              `json:"isCheckCode"`
	Title          map[string]string `json:"title"`
	Config         map[string]string `json:"config,omitempty"`
	Events         []string          `json:"events,omitempty"`
	// Inactive keeps the provider but refuses sign-up and sign-in with it.
	Inactive bool `json:"inactive,omitempty"`
}

// ProjectForm configures a form and its attributes.
type ProjectForm struct {
	Identifier     string             `json:"identifier"`
	Type           string             `json:"type"`
	ProcessingType string             `json:"processingType,omitempty"`
	Title          map[string]string  `json:"title"`
	Attributes     []ProjectAttribute `json:"attributes"`
	// EntryStatuses are the statuses a sender may give an entry of the
	// form (postFormsData, updateFormsDataStatusByid); the first is a new
	// entry's when it names none. Default: "new" only.
	EntryStatuses []string `json:"entryStatuses,omitempty"`
	// EntriesPublic lets anyone list the form's entries
	// (getFormsDataByMarker), as product reviews are; otherwise a user
	// lists only their own.
	EntriesPublic bool `json:"entriesPublic,omitempty"`
	// SuccessMessage is what postFormsData answers as actionMessage, per locale.
	SuccessMessage map[string]string `json:"successMessage,omitempty"`
}

// ProjectAttribute configures one form attribute.
type ProjectAttribute struct {
	Marker              string            `json:"marker"`
	Type                string            `json:"type"`
	IsRequired          bool              `json:"isRequired,omitempty"`
	IsLogin             bool              `json:"isLogin,omitempty"`
	IsPassword          bool              `json:"isPassword,omitempty"`
	IsNotificationEmail bool              `json:"isNotificationEmail,omitempty"`
	Title               map[string]string `json:"title"`
}

// ProjectCollection configures an integration collection. Its form, one of
// this file's or of an earlier one, gives its columns.
type ProjectCollection struct {
	Identifier     string            `json:"identifier"`
	FormIdentifier string            `json:"formIdentifier"`
	Title          map[string]string `json:"title"`
	// SelectedAttributeMarkers are the form's attributes a table of rows shows.
	SelectedAttributeMarkers []string `json:"selectedAttributeMarkers,omitempty"`
	// RowsPublic lets anyone read every row (an FAQ); otherwise a user
	// reads only their own rows (a wishlist).
	RowsPublic bool `json:"rowsPublic,omitempty"`
}

// ProjectPaymentAccount configures a payment account. A stripe account is
// enabled once it has a secret key (here or from the environment).
type ProjectPaymentAccount struct {
	Identifier     string            `json:"identifier"`
	Type           string            `json:"type"` // custom or stripe
	TestMode       bool              `json:"testMode,omitempty"`
	Title          map[string]string `json:"title"`
	SessionTimeout int               `json:"sessionTimeout,omitempty"` // minutes; stripe: 30 to 1440, default 30
	SuccessURL     string            `json:"successUrl,omitempty"`
	CancelURL      string            `json:"cancelUrl,omitempty"`
	SecretKey      string            `json:"secretKey,omitempty"`
	WebhookSecret  string            `json:"webhookSecret,omitempty"`
	// Inactive keeps the account but does not offer it.
	Inactive bool `json:"inactive,omitempty"`
}

// ProjectOrderStorage configures an order storage with its statuses.
type ProjectOrderStorage struct {
	Identifier      string               `json:"identifier"`
	FormIdentifier  string               `json:"formIdentifier"`
	PaymentAccounts []string             `json:"paymentAccounts"`
	Title           map[string]string    `json:"title"`
	Statuses        []ProjectOrderStatus `json:"statuses"`
	PaidStatus      string               `json:"paidStatus,omitempty"` // the status a paid order moves to
	// CanceledStatus is the status a customer's cancel moves an unpaid order
	// to (Orders.updateOrderByMarkerAndId); "": customers cannot cancel.
	CanceledStatus string `json:"canceledStatus,omitempty"`
	// CancelUnpaidAfter is how many minutes an unpaid order may wait with
	// no payment open before it is canceled (to CanceledStatus) and its
	// units go back to stock; 0: never.
	CancelUnpaidAfter int `json:"cancelUnpaidAfter,omitempty"`
	// RequiredFields are attributes of the storage's form that its orders
	// must fill, besides those the form requires: storages sharing one form
	// may ask for different fields.
	RequiredFields []string `json:"requiredFields,omitempty"`
}

// MaxRelated bounds a product's relatedIds: lists of them are one query.
const MaxRelated = 1000

// maxCancelUnpaidAfter is a year, in minutes.
const maxCancelUnpaidAfter = 365 * 24 * 60

// ProjectOrderStatus configures one order status.
type ProjectOrderStatus struct {
	Identifier string            `json:"identifier"`
	IsDefault  bool              `json:"isDefault,omitempty"`
	Title      map[string]string `json:"title"`
}

// ProjectProduct configures a product. Price is a decimal string ("340.00")
// or a JSON number, read exactly, never through a float.
type ProjectProduct struct {
	ID       int64             `json:"id"`
	Title    map[string]string `json:"title"`
	Price    json.Number       `json:"price"`
	Currency string            `json:"currency"`
	Sku      string            `json:"sku,omitempty"`
	Status   string            `json:"status,omitempty"` // a productStatuses identifier; default in_stock
	Hidden   bool              `json:"hidden,omitempty"`
	// AttributeSetIdentifier names the set attributeValues follow.
	AttributeSetIdentifier string `json:"attributeSetIdentifier,omitempty"`
	// AttributeValues are the product's values per locale: {"en_US": {"color": "red"}}.
	AttributeValues AttributeValues `json:"attributeValues,omitempty"`
	// RelatedIDs are the products shown next to this one.
	RelatedIDs []int64 `json:"relatedIds,omitempty"`
	// Pages are the urls of the pages (categories) the product is listed on.
	Pages []string `json:"pages,omitempty"`
	// Blocks are the markers of the blocks the product shows, in order.
	Blocks []string `json:"blocks,omitempty"`
}

// ProjectPage configures a page: a catalogue category or a common page.
// Pages nest by parentUrl: the url of a page of this file (anywhere in it)
// or of an earlier one.
type ProjectPage struct {
	PageURL   string `json:"pageUrl"`
	ParentURL string `json:"parentUrl,omitempty"`
	Type      string `json:"type,omitempty"` // catalog_page, common_page (the default), error_page …
	// LocalizeInfos per locale: {"en_US": {"title": "Shop", "menuTitle": "Shop", "htmlContent": "…"}}.
	LocalizeInfos          map[string]json.RawMessage `json:"localizeInfos"`
	Hidden                 bool                       `json:"hidden,omitempty"`
	TemplateIdentifier     string                     `json:"templateIdentifier,omitempty"`
	AttributeSetIdentifier string                     `json:"attributeSetIdentifier,omitempty"`
	AttributeValues        AttributeValues            `json:"attributeValues,omitempty"`
	// Config holds the page's numbers: rowsPerPage, productsPerRow.
	Config map[string]int64 `json:"config,omitempty"`
	// Blocks are the markers of the blocks the page shows, in order.
	Blocks []string `json:"blocks,omitempty"`
}

// ProjectBlock configures a block.
type ProjectBlock struct {
	Identifier string `json:"identifier"`
	Type       string `json:"type,omitempty"` // common_block (the default), product_block, similar_products_block, frequently_ordered_block
	// LocalizeInfos per locale: {"en_US": {"title": "Best sellers"}}.
	LocalizeInfos          map[string]json.RawMessage `json:"localizeInfos,omitempty"`
	Hidden                 bool                       `json:"hidden,omitempty"`
	TemplateIdentifier     string                     `json:"templateIdentifier,omitempty"`
	AttributeSetIdentifier string                     `json:"attributeSetIdentifier,omitempty"`
	AttributeValues        AttributeValues            `json:"attributeValues,omitempty"`
	// Products are the ids a product or similar-products block shows.
	Products []int64 `json:"products,omitempty"`
	PerRow   int64   `json:"countElementsPerRow,omitempty"`
	Quantity int64   `json:"quantity,omitempty"`
}

// ProjectAttributeSet configures an attribute set.
type ProjectAttributeSet struct {
	Identifier string                `json:"identifier"`
	Type       string                `json:"type,omitempty"` // forProducts (the default), forPages, forBlocks, forForms…
	Title      map[string]string     `json:"title"`
	Attributes []ProjectSetAttribute `json:"attributes"`
	// StockAttribute names the set's integer attribute that counts a
	// product's units: then orders take units and cancels give them back.
	StockAttribute string `json:"stockAttribute,omitempty"`
}

// ProjectSetAttribute is one attribute of a set.
type ProjectSetAttribute struct {
	Marker     string            `json:"marker"`
	Type       string            `json:"type"`
	Title      map[string]string `json:"title"`
	Hidden     bool              `json:"hidden,omitempty"`
	ListTitles []ListTitle       `json:"listTitles,omitempty"`
	Validators Validators        `json:"validators,omitempty"`
}

// ProjectProductStatus configures a product status.
type ProjectProductStatus struct {
	Identifier string            `json:"identifier"`
	Title      map[string]string `json:"title"`
	IsDefault  bool              `json:"isDefault,omitempty"`
	// NotForSale makes products in this status impossible to order.
	NotForSale bool `json:"notForSale,omitempty"`
}

// ProjectUser is a seed user, created only if its login is not taken yet;
// the password is hashed on load and never stored in clear.
type ProjectUser struct {
	AuthProvider string `json:"authProvider"`
	Login        string `json:"login"`
	Password     string `json:"password,omitempty"`
	// PasswordHash is the stored argon2id hash in its PHC form, in place of
	// Password: what `openentry export --users` writes, since the shop
	// keeps no clear passwords.
	PasswordHash string      `json:"passwordHash,omitempty"`
	FormData     []FormField `json:"formData,omitempty"`
}

var (
	markerPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)
	localePattern = regexp.MustCompile(`^[a-z]{2}_[A-Z]{2}$`)
)

// ValidMarker reports whether s can be a marker (identifier) of a project object.
func ValidMarker(s string) bool { return markerPattern.MatchString(s) }

// ValidLocale reports whether s is a locale code such as en_US.
func ValidLocale(s string) bool { return localePattern.MatchString(s) }

// checkProviderConfig checks the config values the server reads: the
// lifetimes (seconds) and the code's length and alphabet. OneEntry sends
// every value as a string, so the file holds strings too.
func checkProviderConfig(key, value string) string {
	var lo, hi int64
	switch key {
	case "accessTokenTtlSec":
		lo, hi = 1, 365*24*3600
	case "refreshTokenTtlMc":
		lo, hi = 1, 10*365*24*3600
	case "systemCodeTlsSec":
		lo, hi = 1, 7*24*3600
	case "systemCodeLength":
		lo, hi = 4, 12
	case "systemCodeOnlyNumbers":
		if value != "true" && value != "false" {
			return key + " must be \"true\" or \"false\""
		}
		return ""
	default:
		return ""
	}
	if n, err := strconv.ParseInt(value, 10, 64); err != nil || n < lo || n > hi {
		return fmt.Sprintf("%s must be a whole number from %d to %d, as a string", key, lo, hi)
	}
	return ""
}

// ParseProject reads a project file in JSON, rejecting unknown keys so that a
// typo in a file does not go unnoticed, and validates it.
func ParseProject(data []byte) (*Project, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var p *Project
	if err := dec.Decode(&p); err != nil {
		return nil, fmt.Errorf("parse project: %w", err)
	}
	if p == nil {
		return nil, errors.New("parse project: the file is null, not an object")
	}
	// A brace closed too early would otherwise drop the rest of the file.
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("parse project: unexpected data after the top-level object")
	}
	// Account types are checked when the project is applied, by the
	// providers the server runs with.
	if err := p.Validate(nil); err != nil {
		return nil, err
	}
	return p, nil
}

// Validate checks what a file can check alone: identifiers well formed and
// unique, prices exact, one default status per storage, seed passwords long
// enough. checkAccount checks a payment account by its type (the payment
// providers know their own rules; nil skips that); its errors are reported
// per account.
// References (a provider's form, a storage's accounts) may point at objects of
// an earlier apply, so applying checks them against the database.
func (p *Project) Validate(checkAccount func(ProjectPaymentAccount) error) error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	forms := map[string]ProjectForm{}
	for _, f := range p.Forms {
		if !ValidMarker(f.Identifier) {
			bad("form %q: identifier must match %s", f.Identifier, markerPattern)
		}
		if _, dup := forms[f.Identifier]; dup {
			bad("form %q: defined twice", f.Identifier)
		}
		forms[f.Identifier] = f
		markers := map[string]bool{}
		for _, a := range f.Attributes {
			if !ValidMarker(a.Marker) || markers[a.Marker] {
				bad("form %q: attribute %q is malformed or repeated", f.Identifier, a.Marker)
			}
			markers[a.Marker] = true
		}
		seen := map[string]bool{}
		for _, st := range f.EntryStatuses {
			if !ValidMarker(st) || seen[st] {
				bad("form %q: entry status %q is malformed or repeated", f.Identifier, st)
			}
			seen[st] = true
		}
	}
	providers := map[string]bool{}
	for _, ap := range p.AuthProviders {
		if !ValidMarker(ap.Identifier) || providers[ap.Identifier] {
			bad("auth provider %q: identifier malformed or repeated", ap.Identifier)
		}
		providers[ap.Identifier] = true
		for _, e := range ap.Events {
			if !ValidMarker(e) {
				bad("auth provider %q: event %q is malformed", ap.Identifier, e)
			}
		}
		keys := make([]string, 0, len(ap.Config))
		for k := range ap.Config {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			if msg := checkProviderConfig(k, ap.Config[k]); msg != "" {
				bad("auth provider %q: config %s", ap.Identifier, msg)
			}
		}
	}
	accounts := map[string]bool{}
	for _, a := range p.PaymentAccounts {
		if !ValidMarker(a.Identifier) || accounts[a.Identifier] {
			bad("payment account %q: identifier malformed or repeated", a.Identifier)
		}
		if checkAccount != nil {
			if err := checkAccount(a); err != nil {
				for _, e := range unjoin(err) {
					bad("payment account %q: %v", a.Identifier, e)
				}
			}
		}
		if a.SessionTimeout < 0 {
			bad("payment account %q: sessionTimeout must not be negative", a.Identifier)
		}
		accounts[a.Identifier] = true
	}
	storages := map[string]bool{}
	for _, s := range p.OrderStorages {
		if !ValidMarker(s.Identifier) || storages[s.Identifier] {
			bad("order storage %q: identifier malformed or repeated", s.Identifier)
		}
		storages[s.Identifier] = true
		defaults := 0
		statuses := map[string]bool{}
		for _, st := range s.Statuses {
			if !ValidMarker(st.Identifier) || statuses[st.Identifier] {
				bad("order storage %q: status %q malformed or repeated", s.Identifier, st.Identifier)
			}
			statuses[st.Identifier] = true
			if st.IsDefault {
				defaults++
			}
		}
		if defaults != 1 {
			bad("order storage %q: needs exactly one default status, has %d", s.Identifier, defaults)
		}
		if s.PaidStatus != "" && !statuses[s.PaidStatus] {
			bad("order storage %q: paidStatus %q is not one of its statuses", s.Identifier, s.PaidStatus)
		}
		if s.CanceledStatus != "" && !statuses[s.CanceledStatus] {
			bad("order storage %q: canceledStatus %q is not one of its statuses", s.Identifier, s.CanceledStatus)
		}
		if s.CancelUnpaidAfter < 0 || s.CancelUnpaidAfter > maxCancelUnpaidAfter {
			bad("order storage %q: cancelUnpaidAfter must be 0 to %d minutes", s.Identifier, maxCancelUnpaidAfter)
		} else if s.CancelUnpaidAfter > 0 && s.CanceledStatus == "" {
			bad("order storage %q: cancelUnpaidAfter needs a canceledStatus to move the orders to", s.Identifier)
		}
	}
	for _, o := range p.CORSOrigins {
		if o != "*" && !strings.HasPrefix(o, "http://") && !strings.HasPrefix(o, "https://") {
			bad("corsOrigins: %q is not an http(s) origin or *", o)
		}
	}
	ids := map[int64]bool{}
	sets := map[string]bool{}
	for _, s := range p.AttributeSets {
		if !ValidMarker(s.Identifier) || sets[s.Identifier] {
			bad("attribute set %q: identifier malformed or repeated", s.Identifier)
		}
		if _, ok := AttributeSetTypeID(s.Type); s.Type != "" && !ok {
			bad("attribute set %q: type %q is not one of forProducts, forPages, forBlocks, forForms, forUsers… (AttributeSetTypes)", s.Identifier, s.Type)
		}
		sets[s.Identifier] = true
		markers := map[string]ProjectSetAttribute{}
		for _, a := range s.Attributes {
			if _, dup := markers[a.Marker]; !ValidMarker(a.Marker) || dup {
				bad("attribute set %q: attribute %q is malformed or repeated", s.Identifier, a.Marker)
			}
			markers[a.Marker] = a
			if !IsAttributeType(a.Type) {
				bad("attribute set %q: attribute %q has an unknown type %q", s.Identifier, a.Marker, a.Type)
			}
			if a.Validators.Pattern != "" {
				if _, err := regexp.Compile(a.Validators.Pattern); err != nil {
					bad("attribute set %q: attribute %q: pattern: %v", s.Identifier, a.Marker, err)
				}
			}
		}
		if s.StockAttribute != "" && markers[s.StockAttribute].Type != "integer" {
			bad("attribute set %q: stockAttribute %q must be one of its integer attributes", s.Identifier, s.StockAttribute)
		}
	}
	statuses := map[string]bool{}
	defaultStatuses := 0
	for _, st := range p.ProductStatuses {
		if !ValidMarker(st.Identifier) || statuses[st.Identifier] {
			bad("product status %q: identifier malformed or repeated", st.Identifier)
		}
		statuses[st.Identifier] = true
		if st.IsDefault {
			defaultStatuses++
		}
	}
	if defaultStatuses > 1 {
		bad("productStatuses: %d are marked isDefault, at most one may be", defaultStatuses)
	}
	for _, pr := range p.Products {
		if pr.ID <= 0 || ids[pr.ID] {
			bad("product %d: id must be positive and unique", pr.ID)
		}
		if len(pr.AttributeValues) > 0 && pr.AttributeSetIdentifier == "" {
			bad("product %d: attributeValues need an attributeSetIdentifier", pr.ID)
		}
		for lang := range pr.AttributeValues {
			if !localePattern.MatchString(lang) {
				bad("product %d: attributeValues: %q is not a locale code like en_US", pr.ID, lang)
			}
		}
		for _, r := range pr.RelatedIDs {
			if r <= 0 || r == pr.ID {
				bad("product %d: relatedIds: %d is not another product's id", pr.ID, r)
			}
		}
		if len(pr.RelatedIDs) > MaxRelated {
			bad("product %d: relatedIds: at most %d", pr.ID, MaxRelated)
		}
		ids[pr.ID] = true
		if _, err := ParseMoney(pr.Price.String(), pr.Currency); err != nil {
			bad("product %d: %v", pr.ID, err)
		}
	}
	for _, u := range p.Users {
		switch {
		case u.PasswordHash != "" && (u.Password != "" || !strings.HasPrefix(u.PasswordHash, "$argon2id$")):
			bad("user %q: passwordHash must be an argon2id hash ($argon2id$…), given instead of a password", u.Login)
		case u.Login == "" || (u.PasswordHash == "" && len(u.Password) < MinPasswordLength):
			bad("user %q: needs a login and a password of at least %d characters", u.Login, MinPasswordLength)
		}
	}
	errs = append(errs, p.validatePages()...)
	errs = append(errs, p.validateBlocks()...)
	errs = append(errs, p.validateTemplates()...)
	errs = append(errs, p.validateTemplatePreviews()...)
	errs = append(errs, p.validateLocales()...)
	errs = append(errs, p.validateMenus()...)
	errs = append(errs, p.validateEvents()...)
	errs = append(errs, p.validateCollections()...)
	return errors.Join(errs...)
}

// unjoin lists the errors an errors.Join holds, or err alone.
func unjoin(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

// MinPasswordLength is the shortest password accepted; the seed's is "123456".
const MinPasswordLength = 6

// MaxPasswordLength bounds what is hashed.
const MaxPasswordLength = 1024

// CheckPassword applies the length rules to a new password.
func CheckPassword(pw string) error {
	if len(pw) < MinPasswordLength || len(pw) > MaxPasswordLength {
		return Invalid(fmt.Sprintf("password must have %d to %d characters", MinPasswordLength, MaxPasswordLength))
	}
	return nil
}

// validateCollections checks what collections can check alone; their forms
// are checked on apply, as they may be an earlier file's.
func (p *Project) validateCollections() []error {
	var errs []error
	seen := map[string]bool{}
	for _, c := range p.IntegrationCollections {
		if !ValidMarker(c.Identifier) || seen[c.Identifier] {
			errs = append(errs, fmt.Errorf("integration collection %q: identifier malformed or repeated", c.Identifier))
		}
		seen[c.Identifier] = true
		if !ValidMarker(c.FormIdentifier) {
			errs = append(errs, fmt.Errorf("integration collection %q: formIdentifier must name a form", c.Identifier))
		}
		for _, m := range c.SelectedAttributeMarkers {
			if !ValidMarker(m) {
				errs = append(errs, fmt.Errorf("integration collection %q: selectedAttributeMarkers: %q is malformed", c.Identifier, m))
			}
		}
	}
	return errs
}
