package report

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// DPI is the resolution, in dots per inch, of the PNG figures.
const DPI = 150

// Default figure size in inches: a PNG figure is DPI·FigWidth × DPI·FigHeight
// pixels. Heatmaps grow with the number of cells and trace grids with the
// number of panels; each function documents its size.
const (
	FigWidth  = 5.0
	FigHeight = 4.0
)

// render draws a w × h figure with fn and writes it to path in the format
// named by the extension of path (".png" or ".svg", case-insensitive).
//
// Gonum's plotters panic on some degenerate inputs; every exported function
// validates its input first, and render turns any panic that still escapes
// into an error, because a figure that cannot be drawn should not abort the
// long run that produced its data.
func render(path string, w, h vg.Length, fn func(draw.Canvas) error) (err error) {
	ext := strings.ToLower(filepath.Ext(path))
	if ext != ".png" && ext != ".svg" {
		return fmt.Errorf("report: %s: unsupported figure format %q (want .png or .svg)", path, ext)
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("report: drawing %s: %v", path, r)
		}
	}()
	var (
		c  vg.CanvasWriterTo
		dc draw.Canvas
	)
	switch ext {
	case ".png":
		img := vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(DPI))
		c, dc = vgimg.PngCanvas{Canvas: img}, draw.New(img)
	case ".svg":
		svg := vgsvg.New(w, h)
		c, dc = svg, draw.New(svg)
	}
	if err := fn(dc); err != nil {
		return fmt.Errorf("report: %s: %w", path, err)
	}
	return writeFileAtomic(path, func(wr io.Writer) error {
		_, err := c.WriteTo(wr)
		return err
	})
}

// inches converts a length in inches to a vg.Length.
func inches(x float64) vg.Length { return vg.Length(x) * vg.Inch }
