// Command gen draws the demo shop's product pictures: one PNG per product
// of shop.json, a shape for its category in its colour, so that the demo
// needs no downloaded images. Run it with `go generate ./internal/demo`.
package main

import (
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"log"
	"math"
	"os"
	"path/filepath"
	"strconv"
)

const size = 480

func main() {
	if err := run("shop.json", "images"); err != nil {
		log.Fatal(err)
	}
}

type product struct {
	ID              int64                                 `json:"id"`
	AttributeValues map[string]map[string]json.RawMessage `json:"attributeValues"`
}

func run(shopFile, dir string) error {
	data, err := os.ReadFile(shopFile)
	if err != nil {
		return err
	}
	var shop struct {
		Products []product `json:"products"`
	}
	if err := json.Unmarshal(data, &shop); err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, p := range shop.Products {
		var c, cat struct {
			Value string `json:"value"`
		}
		values := p.AttributeValues["en_US"]
		_ = json.Unmarshal(values["color"], &c)
		_ = json.Unmarshal(values["category"], &cat)
		if c.Value == "" {
			continue // not a catalogue product (delivery)
		}
		img := draw(palette(c.Value), cat.Value, p.ID)
		f, err := os.Create(filepath.Join(dir, strconv.FormatInt(p.ID, 10)+".png"))
		if err != nil {
			return err
		}
		if err := png.Encode(f, img); err != nil {
			f.Close()
			return err
		}
		if err := f.Close(); err != nil {
			return err
		}
	}
	return nil
}

func palette(name string) color.RGBA {
	switch name {
	case "red":
		return color.RGBA{0xd6, 0x45, 0x45, 0xff}
	case "blue":
		return color.RGBA{0x3b, 0x6f, 0xd6, 0xff}
	case "green":
		return color.RGBA{0x3f, 0xa5, 0x5b, 0xff}
	case "black":
		return color.RGBA{0x22, 0x22, 0x22, 0xff}
	case "white":
		return color.RGBA{0xe8, 0xe8, 0xe8, 0xff}
	case "yellow":
		return color.RGBA{0xe6, 0xc2, 0x29, 0xff}
	}
	panic(fmt.Sprintf("gen: no colour %q", name))
}

// draw paints a soft background and the category's shape, turned a little
// per product so that no two pictures are the same.
func draw(fg color.RGBA, category string, id int64) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, size, size))
	bg := color.RGBA{0xf7, 0xf3, 0xee, 0xff}
	turn := float64(id%7) * math.Pi / 21
	for y := range size {
		for x := range size {
			px, py := float64(x-size/2), float64(y-size/2)
			rx, ry := px*math.Cos(turn)+py*math.Sin(turn), -px*math.Sin(turn)+py*math.Cos(turn)
			if inside(category, rx, ry) {
				img.SetRGBA(x, y, fg)
			} else {
				img.SetRGBA(x, y, bg)
			}
		}
	}
	return img
}

func inside(category string, x, y float64) bool {
	switch category {
	case "lighting": // a bulb
		return x*x+y*y < 130*130 || (math.Abs(x) < 50 && y > 100 && y < 190)
	case "decor": // a vase
		return y > -170 && y < 170 && math.Abs(x) < 60+80*math.Cos(y/110)
	}
	return math.Abs(x) < 150 && math.Abs(y) < 110 || (math.Abs(x) > 110 && math.Abs(x) < 150 && y > 0 && y < 190) // a table
}
