//go:build amd64 && !noasm

#include "textflag.h"

// func adjoint32x8(cur, next, r, g, d []float32, decay, alpha float32, n int)
// cur[i] = decay·next[i] + (1 − r[i]²)·(alpha·g[i] + d[i]) for i < n, n a multiple of 8.
TEXT ·adjoint32x8(SB), NOSPLIT, $0-136
	MOVQ         cur_base+0(FP), DI
	MOVQ         next_base+24(FP), SI
	MOVQ         r_base+48(FP), R8
	MOVQ         g_base+72(FP), R9
	MOVQ         d_base+96(FP), R10
	VBROADCASTSS decay+120(FP), Y15
	VBROADCASTSS alpha+124(FP), Y14
	MOVQ         n+128(FP), CX
	MOVL         $0x3f800000, AX // 1.0
	MOVL         AX, X13
	VBROADCASTSS X13, Y13
	SHRQ         $3, CX
	JZ           adj_done

adj_loop:
	VMOVUPS      (R9), Y0             // g
	VFMADD213PS  (R10), Y14, Y0       // alpha·g + d
	VMOVUPS      (R8), Y1             // r
	VMOVAPS      Y13, Y2
	VFNMADD231PS Y1, Y1, Y2           // 1 − r²
	VMULPS       Y2, Y0, Y0
	VFMADD231PS  (SI), Y15, Y0        // + decay·next
	VMOVUPS      Y0, (DI)
	ADDQ         $32, DI
	ADDQ         $32, SI
	ADDQ         $32, R8
	ADDQ         $32, R9
	ADDQ         $32, R10
	DECQ         CX
	JNZ          adj_loop

adj_done:
	VZEROUPPER
	RET
