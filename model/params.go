package model

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Block is one named parameter tensor inside a flat parameter vector.
type Block struct {
	Name  string
	Off   int   // offset into the flat vector
	Shape []int // row-major shape
}

// Size is the number of elements of the block.
func (b Block) Size() int {
	n := 1
	for _, d := range b.Shape {
		n *= d
	}
	return n
}

// Layout places every shared parameter θ of a model in one flat vector, so that the optimiser,
// gradient clipping and checkpoints treat them uniformly. The per-context and per-segment
// tables (embeddings, initial states) live in a second flat vector described by LocalLayout.
type Layout struct {
	Blocks []Block
	Size   int
	// Hyper[l] indexes the weight (out×in) and bias (out) blocks of hypernetwork layer l.
	HyperW, HyperB []int
	// Bias, InW, ReadW, ReadB, EncW, EncB index their blocks, or are −1 when absent.
	Bias, InW, ReadW, ReadB, EncW, EncB int
}

func (l *Layout) add(name string, shape ...int) int {
	b := Block{Name: name, Off: l.Size, Shape: shape}
	l.Blocks = append(l.Blocks, b)
	l.Size += b.Size()
	return len(l.Blocks) - 1
}

// NewLayout returns the θ layout of a configuration:
//
//	hyper.<l>.weight [out_l, in_l], hyper.<l>.bias [out_l]   for each hypernetwork layer
//	bias [N]                 (shared b, when the hypernetwork does not emit it)
//	input.weight [N, I]      (when I > 0)
//	readout.weight [M, N], readout.bias [M]   (linear readout)
//	encoder.weight [N, K·M], encoder.bias [N] (encoder initial state)
func NewLayout(c *Config) Layout {
	l := Layout{Bias: -1, InW: -1, ReadW: -1, ReadB: -1, EncW: -1, EncB: -1}
	in := c.D
	widths := append(append([]int(nil), c.Hidden...), c.HyperOut())
	for i, out := range widths {
		l.HyperW = append(l.HyperW, l.add(fmt.Sprintf("hyper.%d.weight", i), out, in))
		l.HyperB = append(l.HyperB, l.add(fmt.Sprintf("hyper.%d.bias", i), out))
		in = out
	}
	if !c.HyperBias {
		l.Bias = l.add("bias", c.N)
	}
	if c.I > 0 {
		l.InW = l.add("input.weight", c.N, c.I)
	}
	if c.Readout == Linear {
		l.ReadW = l.add("readout.weight", c.M, c.N)
		l.ReadB = l.add("readout.bias", c.M)
	}
	if c.InitialState == Encoder {
		l.EncW = l.add("encoder.weight", c.N, c.EncoderBins*c.M)
		l.EncB = l.add("encoder.bias", c.N)
	}
	return l
}

// View returns block i of the flat vector p.
func View[T Float](p []T, l *Layout, i int) []T {
	b := l.Blocks[i]
	return p[b.Off : b.Off+b.Size()]
}

// LocalLayout places the context embeddings (G×D) and, for learned initial states, the
// per-segment initial states (S×N) in one flat vector.
type LocalLayout struct {
	G, S, D, N int
	X0Off      int // offset of the S×N initial states, or −1 when they are not parameters
	Size       int
}

// NewLocalLayout lays out G embeddings and S segments' initial states for configuration c.
func NewLocalLayout(c *Config, G, S int) LocalLayout {
	l := LocalLayout{G: G, S: S, D: c.D, N: c.N, X0Off: -1, Size: G * c.D}
	if c.InitialState == Learned {
		l.X0Off = l.Size
		l.Size += S * c.N
	}
	return l
}

// Embedding returns row g of the embedding table.
func (l *LocalLayout) Embedding(p []float64, g int) []float64 { return p[g*l.D : (g+1)*l.D] }

// Init fills θ with the initial values of training, drawn from rng:
//   - hypernetwork weights ~ N(0, 1/in) (LeCun), hidden biases 0;
//   - the output layer's weights are scaled by 0.1 and its bias holds a random base network,
//     so that every context starts from the same reasonable W and the embeddings modulate it:
//     U, V entries ~ N(0, 1) (low rank), or W = O/√N with O entries ~ N(0, g0²), g0 = 0.9
//     (full rank: a stable, slightly sub-critical random network);
//   - readout weights ~ N(0, 1/N), biases 0; input weights ~ N(0, 1/I); encoder ~ N(0, 1/(K·M)).
func Init[T Float](theta []T, c *Config, l *Layout, rng *rand.Rand) {
	normal := func(dst []T, std float64) {
		for i := range dst {
			dst[i] = T(std * rng.NormFloat64())
		}
	}
	last := len(l.HyperW) - 1
	for i, wi := range l.HyperW {
		w := View(theta, l, wi)
		in := l.Blocks[wi].Shape[1]
		std := 1 / math.Sqrt(float64(in))
		if i == last {
			std *= 0.1
		}
		normal(w, std)
		bias := View(theta, l, l.HyperB[i])
		clear(bias)
		if i == last {
			n := c.HyperOut()
			if c.HyperBias {
				n -= c.N
			}
			if c.LowRank() {
				normal(bias[:n], 1)
			} else {
				normal(bias[:n], 0.9)
			}
		}
	}
	if l.Bias >= 0 {
		clear(View(theta, l, l.Bias))
	}
	if l.InW >= 0 {
		normal(View(theta, l, l.InW), 1/math.Sqrt(float64(c.I)))
	}
	if l.ReadW >= 0 {
		normal(View(theta, l, l.ReadW), 1/math.Sqrt(float64(c.N)))
		clear(View(theta, l, l.ReadB))
	}
	if l.EncW >= 0 {
		normal(View(theta, l, l.EncW), 1/math.Sqrt(float64(c.EncoderBins*c.M)))
		clear(View(theta, l, l.EncB))
	}
}

// InitLocal fills embeddings with N(0, 0.1²) and learned initial states with N(0, 0.5²).
func InitLocal[T Float](p []T, l *LocalLayout, rng *rand.Rand) {
	for i := 0; i < l.G*l.D; i++ {
		p[i] = T(0.1 * rng.NormFloat64())
	}
	if l.X0Off >= 0 {
		for i := l.X0Off; i < l.Size; i++ {
			p[i] = T(0.5 * rng.NormFloat64())
		}
	}
}
