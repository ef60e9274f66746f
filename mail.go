package openentry

import "context"

// Message is one email.
type Message struct {
	To      string
	Subject string
	Text    string // plain-text body
	// ID, when set, is the Message-ID's local part: a message sent again
	// after a crash carries the same one, so mail systems can drop the copy.
	ID string
}

// Mailer sends email. Send returns an error wrapping ErrUpstream when the mail server refuses or cannot be reached.
type Mailer interface {
	Send(ctx context.Context, m Message) error
}
