package report

import (
	"context"
	"image"
	"image/color"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// TestRenderChromium renders a report with headless Chromium and checks
// that the screenshot shows a page with the figures on it, not a blank or
// broken one. It is skipped with -short or when no Chromium is installed
// (on Debian: apt-get install chromium). testdata/render_check.sh runs it
// on any HTML file through REPORT_RENDER_HTML, and REPORT_RENDER_PNG keeps
// the screenshot for a person to look at.
func TestRenderChromium(t *testing.T) {
	if testing.Short() {
		t.Skip("rendering with Chromium takes seconds")
	}
	var bin string
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			bin = p
			break
		}
	}
	if bin == "" {
		t.Skip("no chromium in PATH")
	}
	dir := t.TempDir()
	page := os.Getenv("REPORT_RENDER_HTML")
	sample := page == ""
	if sample {
		page = filepath.Join(dir, "report.html")
		if err := sampleReport(t, dir).WriteHTML(page); err != nil {
			t.Fatal(err)
		}
	}
	abs, err := filepath.Abs(page)
	if err != nil {
		t.Fatal(err)
	}
	shot := os.Getenv("REPORT_RENDER_PNG")
	if shot == "" {
		shot = filepath.Join(dir, "screenshot.png")
	}
	os.Remove(shot)

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	const width, height = 1200, 2000
	cmd := exec.CommandContext(ctx, bin,
		"--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
		"--no-first-run", "--user-data-dir="+filepath.Join(dir, "profile"),
		"--screenshot="+shot, "--window-size=1200,2000", "file://"+abs)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", bin, err, out)
	}
	img := decodePNG(t, shot)
	if img == nil {
		return
	}
	if b := img.Bounds(); b.Dx() != width || b.Dy() != height {
		t.Errorf("screenshot is %d×%d, want %d×%d", b.Dx(), b.Dy(), width, height)
	}
	if n := distinctColours(img, 200); n < 200 {
		t.Errorf("screenshot has only %d distinct colours: blank page?", n)
	}
	if f := fractionNear(img, color.White, 12); f > 0.97 {
		t.Errorf("%.1f%% of the screenshot is white: blank page?", 100*f)
	}
	if sample {
		// The first figure of the sample is a bar chart whose bars (no
		// palette) are the opaque neutral grey; finding that colour in
		// quantity shows that the embedded PNG was decoded and displayed.
		if f := fractionNear(img, neutralFill, 3); f < 0.005 {
			t.Errorf("only %.2f%% of the screenshot has the bar colour: figure not displayed?", 100*f)
		}
	}
}

// fractionNear returns the fraction of the pixels of img whose channels
// are each within tol (of 255) of c.
func fractionNear(img image.Image, c color.Color, tol int) float64 {
	want := color.NRGBAModel.Convert(c).(color.NRGBA)
	near := func(a, b uint8) bool { return int(a)-int(b) <= tol && int(b)-int(a) <= tol }
	b := img.Bounds()
	n := 0
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			p := color.NRGBAModel.Convert(img.At(x, y)).(color.NRGBA)
			if near(p.R, want.R) && near(p.G, want.G) && near(p.B, want.B) {
				n++
			}
		}
	}
	return float64(n) / float64(b.Dx()*b.Dy())
}
