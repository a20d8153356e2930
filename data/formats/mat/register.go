package mat

import "github.com/jedi-neuro/jedi/data/formats"

func init() {
	formats.RegisterContext("mat", func(head []byte) bool { return IsV5(head) || IsV73(head) }, ReadMATContext)
}
