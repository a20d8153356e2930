//go:build amd64 && !noasm

#include "textflag.h"

// func copyRows(dst, src unsafe.Pointer, stride, rows, width uintptr)
//
// Copies rows runs of width bytes (24, 48 or 64: a packing panel's step for w = 6 or 16
// float32, or 6 or 8 float64) from src, stride bytes apart, to consecutive places in dst.
TEXT ·copyRows(SB), NOSPLIT, $0-40
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ stride+16(FP), DX
	MOVQ rows+24(FP), CX
	MOVQ width+32(FP), AX
	TESTQ CX, CX
	JZ   done
	CMPQ AX, $64
	JEQ  w64
	CMPQ AX, $48
	JEQ  w48

w24:
	PREFETCHT0 (SI)(DX*8) // eight steps ahead; a prefetch past the end is harmless
	VMOVUPS (SI), X0
	MOVQ    16(SI), R8
	VMOVUPS X0, (DI)
	MOVQ    R8, 16(DI)
	ADDQ    DX, SI
	ADDQ    $24, DI
	DECQ    CX
	JNZ     w24
	JMP     done

w48:
	PREFETCHT0 (SI)(DX*8) // eight steps ahead; a prefetch past the end is harmless
	VMOVUPS (SI), Y0
	VMOVUPS 32(SI), X1
	VMOVUPS Y0, (DI)
	VMOVUPS X1, 32(DI)
	ADDQ    DX, SI
	ADDQ    $48, DI
	DECQ    CX
	JNZ     w48
	JMP     done

w64:
	PREFETCHT0 (SI)(DX*8) // eight steps ahead; a prefetch past the end is harmless
	VMOVUPS (SI), Y0
	VMOVUPS 32(SI), Y1
	VMOVUPS Y0, (DI)
	VMOVUPS Y1, 32(DI)
	ADDQ    DX, SI
	ADDQ    $64, DI
	DECQ    CX
	JNZ     w64

done:
	VZEROUPPER
	RET
