package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/openentry/openentry"
)

// insertLines stores an order's lines, taking the units of the lines whose
// product counts stock. The condition is in the UPDATE itself, so that of
// concurrent orders for the last units (in any process) exactly as many as
// there are units succeed.
func insertLines(ctx context.Context, tx *tx, orderID int64, lines []openentry.OrderLine) error {
	for i, l := range lines {
		if l.TakesStock {
			res, err := tx.ExecContext(ctx, `UPDATE products SET stock = stock - ?, version = version + 1 WHERE id = ? AND stock >= ?`, l.Quantity, l.ProductID, l.Quantity)
			if err != nil {
				return err
			}
			if n, err := res.RowsAffected(); err != nil {
				return err
			} else if n != 1 {
				var left int64
				if err := tx.QueryRowContext(ctx, `SELECT COALESCE(stock, 0) FROM products WHERE id = ?`, l.ProductID).Scan(&left); err != nil {
					return err
				}
				return &openentry.Error{Code: openentry.ErrConflict,
					Message: fmt.Sprintf("products[%d]: product %d has %d left, %d asked for", i, l.ProductID, left, l.Quantity)}
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO order_lines (order_id, line_no, product_id, quantity, unit_minor, localize_infos, sku, takes_stock)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, orderID, i+1, l.ProductID, l.Quantity, l.UnitPrice.Minor, mustJSON(l.LocalizeInfos), l.Sku, l.TakesStock); err != nil {
			return err
		}
	}
	return nil
}

// returnStock gives back what an order's lines took, for the products
// (all of them when quantities is nil) up to each line's quantity.
func returnStock(ctx context.Context, tx *tx, orderID int64, quantities map[int64]int64) error {
	rows, err := tx.QueryContext(ctx, `SELECT product_id, quantity FROM order_lines WHERE order_id = ? AND takes_stock = ?`, orderID, true)
	if err != nil {
		return err
	}
	back := map[int64]int64{}
	var order []int64
	for rows.Next() {
		var id, qty int64
		if err := rows.Scan(&id, &qty); err != nil {
			rows.Close()
			return err
		}
		if quantities != nil {
			qty = min(qty, quantities[id])
		}
		if _, seen := back[id]; !seen {
			order = append(order, id)
		}
		back[id] += qty
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, id := range order { // in line order: concurrent returns lock rows alike
		if back[id] <= 0 {
			continue
		}
		var after productState
		err := tx.QueryRowContext(ctx, `UPDATE products SET stock = stock + ?, version = version + 1 WHERE id = ? AND stock IS NOT NULL RETURNING price_minor, currency, stock`,
			back[id], id).Scan(&after.price, &after.currency, &after.stock)
		if errors.Is(err, sql.ErrNoRows) {
			continue // stock not counted
		}
		if err != nil {
			return err
		}
		before := after
		before.stock.Int64 -= back[id]
		if err := recordProductChange(ctx, tx, id, before, after); err != nil {
			return err
		}
	}
	return nil
}

// returnRefundStock gives back the units of a refund that became refunded.
func returnRefundStock(ctx context.Context, tx *tx, refundID int64) error {
	var orderID int64
	var raw string
	if err := tx.QueryRowContext(ctx, `SELECT order_id, products FROM refunds WHERE id = ?`, refundID).Scan(&orderID, &raw); err != nil {
		return err
	}
	asked, err := decodeRefundProducts(raw)
	if err != nil {
		return err
	}
	return returnStock(ctx, tx, orderID, asked)
}
