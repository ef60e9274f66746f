package mail

import (
	"context"
	"log/slog"

	"github.com/openentry/openentry"
)

var _ openentry.Mailer = (*LogMailer)(nil)

// LogMailer stands in for SMTP in `serve --demo`: it logs each message
// instead of sending it, so a developer can copy activation codes from the
// log. It logs at WARN so that a production server that forgot its SMTP URL
// is noticed. Never use it where the log is shared: it logs the codes.
type LogMailer struct {
	logger *slog.Logger
}

// NewLogMailer logs through logger, which must not be nil.
func NewLogMailer(logger *slog.Logger) *LogMailer {
	return &LogMailer{logger: logger}
}

// Send logs m and never fails.
func (l *LogMailer) Send(ctx context.Context, m openentry.Message) error {
	l.logger.WarnContext(ctx, "development mail delivery (no SMTP configured): not sent",
		slog.String("to", m.To),
		slog.String("subject", m.Subject),
		slog.String("text", m.Text),
	)
	return nil
}
