package oneentry

import (
	"context"
	"sync"
)

// Tokens is the user session that all modules of one Client share.
type Tokens struct {
	// AccessToken is sent as "Authorization: Bearer ..." while set.
	AccessToken string
	// RefreshToken is used to get a new pair after a 401; servers rotate it on
	// every refresh, so persist the latest one.
	RefreshToken string
	// ProviderMarker is the auth provider that issued the tokens; refresh goes
	// to that provider ("email" when empty, the JS SDK default).
	ProviderMarker string
}

// TokenStore holds the user's tokens. Implement it to persist them (file,
// keychain, database); methods may be called concurrently.
type TokenStore interface {
	// Tokens returns the current tokens, the zero Tokens when signed out.
	Tokens(ctx context.Context) (Tokens, error)
	// SetTokens replaces the tokens; the zero Tokens signs out.
	SetTokens(ctx context.Context, t Tokens) error
}

// MemoryTokenStore is the default TokenStore: process memory, guarded by a
// mutex. The zero value is ready to use.
type MemoryTokenStore struct {
	mu sync.Mutex
	t  Tokens
}

// Tokens returns the stored tokens.
func (s *MemoryTokenStore) Tokens(context.Context) (Tokens, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.t, nil
}

// SetTokens replaces the stored tokens.
func (s *MemoryTokenStore) SetTokens(_ context.Context, t Tokens) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.t = t
	return nil
}
