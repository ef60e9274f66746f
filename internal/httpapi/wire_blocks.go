package httpapi

import (
	"encoding/json"

	"github.com/openentry/openentry"
)

// wireBlock is the SDK's IBlockEntity (BlockEntitySchema). The products of
// a product block come from /blocks/{marker}/products, which the SDK calls
// itself.
type wireBlock struct {
	ID                  int64                    `json:"id"`
	LocalizeInfos       json.RawMessage          `json:"localizeInfos"`
	Version             int64                    `json:"version"`
	Position            int64                    `json:"position"`
	Identifier          string                   `json:"identifier"`
	Type                string                   `json:"type"`
	TemplateIdentifier  *string                  `json:"templateIdentifier"`
	IsVisible           bool                     `json:"isVisible"`
	AttributeValues     map[string]wirePageValue `json:"attributeValues"`
	CountElementsPerRow *int64                   `json:"countElementsPerRow,omitempty"`
	Quantity            *int64                   `json:"quantity,omitempty"`
}

// toWireBlock shapes blocks whose file values link under base (linkBase).
func toWireBlock(base string) func(b *openentry.Block, lang string) wireBlock {
	return func(b *openentry.Block, lang string) wireBlock {
		w := wireBlock{ID: b.ID, LocalizeInfos: b.LocalizeInfos.Resolve(lang), Version: b.Version, Position: b.Position,
			Identifier: b.Identifier, Type: b.Type, IsVisible: b.IsVisible,
			AttributeValues: contentValues(b.Attributes, b.AttributeValues, lang, base)}
		if b.TemplateIdentifier != "" {
			w.TemplateIdentifier = &b.TemplateIdentifier
		}
		if b.PerRow > 0 {
			w.CountElementsPerRow = &b.PerRow
		}
		if b.Quantity > 0 {
			w.Quantity = &b.Quantity
		}
		return w
	}
}

// wireProductBlock is a block as getProductBlockById answers it
// (IProductBlock): the block with its set, its product settings and isSync.
type wireProductBlock struct {
	wireBlock
	AttributeSetIdentifier *string                `json:"attributeSetIdentifier"`
	CustomSettings         wireProductBlockConfig `json:"customSettings"`
	IsSync                 bool                   `json:"isSync"`
}

type wireProductBlockConfig struct {
	SliderDelay         *int64            `json:"sliderDelay"`
	SliderDelayType     *string           `json:"sliderDelayType"`
	ProductConfig       map[string]int64  `json:"productConfig"`
	SimilarProductRules []json.RawMessage `json:"similarProductRules"`
	Condition           map[string]any    `json:"condition"`
}

func toWireProductBlock(base string) func(b *openentry.Block, lang string) wireProductBlock {
	block := toWireBlock(base)
	return func(b *openentry.Block, lang string) wireProductBlock {
		w := wireProductBlock{wireBlock: block(b, lang), CustomSettings: wireProductBlockConfig{
			ProductConfig:       map[string]int64{"quantity": b.Quantity, "countElementsPerRow": b.PerRow},
			SimilarProductRules: []json.RawMessage{}, Condition: map[string]any{}}}
		w.CountElementsPerRow, w.Quantity = nil, nil // in customSettings here
		if b.AttributeSetIdentifier != "" {
			w.AttributeSetIdentifier = &b.AttributeSetIdentifier
		}
		return w
	}
}

// wireBlockHit is one answer of searchBlock.
type wireBlockHit struct {
	ID         int64  `json:"id"`
	Identifier string `json:"identifier"`
	Name       string `json:"name"`
}

func toWireBlockHit(b *openentry.Block, lang string) wireBlockHit {
	var info struct {
		Title string `json:"title"`
	}
	_ = json.Unmarshal(b.LocalizeInfos.Resolve(lang), &info)
	return wireBlockHit{ID: b.ID, Identifier: b.Identifier, Name: info.Title}
}
