package openentry

import "context"

// Message is one email.
type Message struct {
	To      string
	Subject string
	Text    string // plain-text body
}

// Mailer sends email. Send returns an error wrapping ErrUpstream when the mail server refuses or cannot be reached.
type Mailer interface {
	Send(ctx context.Context, m Message) error
}
