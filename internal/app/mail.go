package app

import (
	"fmt"
	"log/slog"

	"github.com/openentry/openentry"
	"github.com/openentry/openentry/internal/mail"
)

// NewMailer sends codes over smtpURL (OPENENTRY_SMTP_URL) from from.
// Without a URL, devLog (the demo) writes codes to the log, and a real shop
// gets no mailer: sending a code is then a 502.
func NewMailer(smtpURL, from string, devLog bool, logger *slog.Logger) (openentry.Mailer, error) {
	if smtpURL != "" {
		m, err := mail.NewSMTP(smtpURL, from)
		if err != nil {
			return nil, fmt.Errorf("OPENENTRY_SMTP_URL: %w", err)
		}
		logger.Info("mail", "smtp", m.String())
		return m, nil
	}
	if devLog {
		logger.Warn("OPENENTRY_SMTP_URL is not set: codes are written to this log (development delivery)")
		return mail.NewLogMailer(logger), nil
	}
	logger.Warn("OPENENTRY_SMTP_URL is not set: one-time codes (activation, password reset) cannot be sent")
	return nil, nil
}
