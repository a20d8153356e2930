//go:build amd64 && !noasm

// AVX2+FMA GEMM micro-kernels. Each keeps a 6-row register block of C in Y0–Y11 (two YMM per
// row), loads one row of B (two YMM) per step of k into Y12/Y13 and broadcasts the six elements
// of the matching A column in turn into Y14/Y15: 12 FMAs per step against 8 loads, enough
// independent accumulators to hide the FMA latency on two FMA pipes.
//
// A(i,p) lives at a + i·rsA + p·csA, so the same loop reads a packed panel (rsA=1, csA=6) or an
// unpacked row-major block (rsA=lda, csA=1). Rows 0–2 are addressed from SI and rows 3–5 from
// DI = SI + 3·rsA, with the index register R8 = rsA scaled by 1 and 2. B rows are rsB apart.

#include "textflag.h"

// Frame layout shared by both kernels (alpha, beta occupy 8 bytes each either way).
#define ARGS \
	MOVQ k+0(FP), CX; \
	MOVQ a_base+16(FP), SI; \
	MOVQ rsA+40(FP), R8; \
	MOVQ csA+48(FP), R9; \
	MOVQ b_base+56(FP), DX; \
	MOVQ rsB+80(FP), R10; \
	MOVQ c_base+96(FP), BX; \
	MOVQ ldc+120(FP), R11

#define ZERO_ACC \
	VXORPS Y0, Y0, Y0; VXORPS Y1, Y1, Y1; VXORPS Y2, Y2, Y2; VXORPS Y3, Y3, Y3; \
	VXORPS Y4, Y4, Y4; VXORPS Y5, Y5, Y5; VXORPS Y6, Y6, Y6; VXORPS Y7, Y7, Y7; \
	VXORPS Y8, Y8, Y8; VXORPS Y9, Y9, Y9; VXORPS Y10, Y10, Y10; VXORPS Y11, Y11, Y11

// PREFETCH_C pulls the six 64-byte rows of C (possibly straddling two lines each) towards L1
// while the k loop runs.
#define PREFETCH_C \
	PREFETCHT0 (BX); PREFETCHT0 63(BX); \
	PREFETCHT0 (BX)(R11*1); PREFETCHT0 63(BX)(R11*1); \
	PREFETCHT0 (BX)(R11*2); PREFETCHT0 63(BX)(R11*2); \
	PREFETCHT0 (R12); PREFETCHT0 63(R12); \
	PREFETCHT0 (R12)(R11*1); PREFETCHT0 63(R12)(R11*1); \
	PREFETCHT0 (R12)(R11*2); PREFETCHT0 63(R12)(R11*2)

#define STEP_PS \
	VMOVUPS (DX), Y12; \
	VMOVUPS 32(DX), Y13; \
	VBROADCASTSS (SI), Y14; \
	VFMADD231PS Y12, Y14, Y0; \
	VFMADD231PS Y13, Y14, Y1; \
	VBROADCASTSS (SI)(R8*1), Y15; \
	VFMADD231PS Y12, Y15, Y2; \
	VFMADD231PS Y13, Y15, Y3; \
	VBROADCASTSS (SI)(R8*2), Y14; \
	VFMADD231PS Y12, Y14, Y4; \
	VFMADD231PS Y13, Y14, Y5; \
	VBROADCASTSS (DI), Y15; \
	VFMADD231PS Y12, Y15, Y6; \
	VFMADD231PS Y13, Y15, Y7; \
	VBROADCASTSS (DI)(R8*1), Y14; \
	VFMADD231PS Y12, Y14, Y8; \
	VFMADD231PS Y13, Y14, Y9; \
	VBROADCASTSS (DI)(R8*2), Y15; \
	VFMADD231PS Y12, Y15, Y10; \
	VFMADD231PS Y13, Y15, Y11; \
	ADDQ R9, SI; \
	ADDQ R9, DI; \
	ADDQ R10, DX

#define STEP_PD \
	VMOVUPD (DX), Y12; \
	VMOVUPD 32(DX), Y13; \
	VBROADCASTSD (SI), Y14; \
	VFMADD231PD Y12, Y14, Y0; \
	VFMADD231PD Y13, Y14, Y1; \
	VBROADCASTSD (SI)(R8*1), Y15; \
	VFMADD231PD Y12, Y15, Y2; \
	VFMADD231PD Y13, Y15, Y3; \
	VBROADCASTSD (SI)(R8*2), Y14; \
	VFMADD231PD Y12, Y14, Y4; \
	VFMADD231PD Y13, Y14, Y5; \
	VBROADCASTSD (DI), Y15; \
	VFMADD231PD Y12, Y15, Y6; \
	VFMADD231PD Y13, Y15, Y7; \
	VBROADCASTSD (DI)(R8*1), Y14; \
	VFMADD231PD Y12, Y14, Y8; \
	VFMADD231PD Y13, Y14, Y9; \
	VBROADCASTSD (DI)(R8*2), Y15; \
	VFMADD231PD Y12, Y15, Y10; \
	VFMADD231PD Y13, Y15, Y11; \
	ADDQ R9, SI; \
	ADDQ R9, DI; \
	ADDQ R10, DX

// Stores for beta == 0: C = alpha·acc, C never read (so NaNs in C are ignored).
#define STORE0(MUL, MOV, lo, hi, rowLo, rowHi) \
	MUL Y12, lo, lo; MOV lo, rowLo; \
	MUL Y12, hi, hi; MOV hi, rowHi

// Stores for beta != 0: C = alpha·acc + beta·C.
#define STOREB(MUL, FMA, MOV, lo, hi, rowLo, rowHi) \
	MUL rowLo, Y13, Y14; FMA lo, Y12, Y14; MOV Y14, rowLo; \
	MUL rowHi, Y13, Y15; FMA hi, Y12, Y15; MOV Y15, rowHi

// func sgemmKernel6x16(k int, alpha float32, a []float32, rsA, csA int, b []float32, rsB int, beta float32, c []float32, ldc int)
TEXT ·sgemmKernel6x16(SB), NOSPLIT, $0-128
	ARGS
	SHLQ $2, R8
	SHLQ $2, R9
	SHLQ $2, R10
	SHLQ $2, R11
	LEAQ (R8)(R8*2), DI
	ADDQ SI, DI
	LEAQ (R11)(R11*2), R12
	ADDQ BX, R12
	PREFETCH_C
	ZERO_ACC

	MOVQ CX, AX
	SHRQ $2, AX
	JZ   s_tail

s_loop4:
	STEP_PS
	STEP_PS
	STEP_PS
	STEP_PS
	DECQ AX
	JNZ  s_loop4

s_tail:
	ANDQ $3, CX
	JZ   s_store

s_loop1:
	STEP_PS
	DECQ CX
	JNZ  s_loop1

s_store:
	VBROADCASTSS alpha+8(FP), Y12
	VBROADCASTSS beta+88(FP), Y13
	VXORPS       X14, X14, X14
	VUCOMISS     X14, X13
	JNE          s_beta
	JPS          s_beta

	STORE0(VMULPS, VMOVUPS, Y0, Y1, (BX), 32(BX))
	STORE0(VMULPS, VMOVUPS, Y2, Y3, (BX)(R11*1), 32(BX)(R11*1))
	STORE0(VMULPS, VMOVUPS, Y4, Y5, (BX)(R11*2), 32(BX)(R11*2))
	STORE0(VMULPS, VMOVUPS, Y6, Y7, (R12), 32(R12))
	STORE0(VMULPS, VMOVUPS, Y8, Y9, (R12)(R11*1), 32(R12)(R11*1))
	STORE0(VMULPS, VMOVUPS, Y10, Y11, (R12)(R11*2), 32(R12)(R11*2))
	VZEROUPPER
	RET

s_beta:
	STOREB(VMULPS, VFMADD231PS, VMOVUPS, Y0, Y1, (BX), 32(BX))
	STOREB(VMULPS, VFMADD231PS, VMOVUPS, Y2, Y3, (BX)(R11*1), 32(BX)(R11*1))
	STOREB(VMULPS, VFMADD231PS, VMOVUPS, Y4, Y5, (BX)(R11*2), 32(BX)(R11*2))
	STOREB(VMULPS, VFMADD231PS, VMOVUPS, Y6, Y7, (R12), 32(R12))
	STOREB(VMULPS, VFMADD231PS, VMOVUPS, Y8, Y9, (R12)(R11*1), 32(R12)(R11*1))
	STOREB(VMULPS, VFMADD231PS, VMOVUPS, Y10, Y11, (R12)(R11*2), 32(R12)(R11*2))
	VZEROUPPER
	RET

// func dgemmKernel6x8(k int, alpha float64, a []float64, rsA, csA int, b []float64, rsB int, beta float64, c []float64, ldc int)
TEXT ·dgemmKernel6x8(SB), NOSPLIT, $0-128
	ARGS
	SHLQ $3, R8
	SHLQ $3, R9
	SHLQ $3, R10
	SHLQ $3, R11
	LEAQ (R8)(R8*2), DI
	ADDQ SI, DI
	LEAQ (R11)(R11*2), R12
	ADDQ BX, R12
	PREFETCH_C
	ZERO_ACC

	MOVQ CX, AX
	SHRQ $2, AX
	JZ   d_tail

d_loop4:
	STEP_PD
	STEP_PD
	STEP_PD
	STEP_PD
	DECQ AX
	JNZ  d_loop4

d_tail:
	ANDQ $3, CX
	JZ   d_store

d_loop1:
	STEP_PD
	DECQ CX
	JNZ  d_loop1

d_store:
	VBROADCASTSD alpha+8(FP), Y12
	VBROADCASTSD beta+88(FP), Y13
	VXORPD       X14, X14, X14
	VUCOMISD     X14, X13
	JNE          d_beta
	JPS          d_beta

	STORE0(VMULPD, VMOVUPD, Y0, Y1, (BX), 32(BX))
	STORE0(VMULPD, VMOVUPD, Y2, Y3, (BX)(R11*1), 32(BX)(R11*1))
	STORE0(VMULPD, VMOVUPD, Y4, Y5, (BX)(R11*2), 32(BX)(R11*2))
	STORE0(VMULPD, VMOVUPD, Y6, Y7, (R12), 32(R12))
	STORE0(VMULPD, VMOVUPD, Y8, Y9, (R12)(R11*1), 32(R12)(R11*1))
	STORE0(VMULPD, VMOVUPD, Y10, Y11, (R12)(R11*2), 32(R12)(R11*2))
	VZEROUPPER
	RET

d_beta:
	STOREB(VMULPD, VFMADD231PD, VMOVUPD, Y0, Y1, (BX), 32(BX))
	STOREB(VMULPD, VFMADD231PD, VMOVUPD, Y2, Y3, (BX)(R11*1), 32(BX)(R11*1))
	STOREB(VMULPD, VFMADD231PD, VMOVUPD, Y4, Y5, (BX)(R11*2), 32(BX)(R11*2))
	STOREB(VMULPD, VFMADD231PD, VMOVUPD, Y6, Y7, (R12), 32(R12))
	STOREB(VMULPD, VFMADD231PD, VMOVUPD, Y8, Y9, (R12)(R11*1), 32(R12)(R11*1))
	STOREB(VMULPD, VFMADD231PD, VMOVUPD, Y10, Y11, (R12)(R11*2), 32(R12)(R11*2))
	VZEROUPPER
	RET

// The narrow kernels, for n ≤ one vector: a 12×1-YMM block of C in Y0–Y11, one B load into Y12
// and twelve broadcasts of A per step. Rows 0–2, 3–5, 6–8 and 9–11 of A are addressed from SI,
// DI, R13 and R14, each with R8 = rsA scaled by 0, 1 and 2.

#define NARROW_ARGS(SHIFT) \
	ARGS; \
	SHLQ SHIFT, R8; \
	SHLQ SHIFT, R9; \
	SHLQ SHIFT, R10; \
	SHLQ SHIFT, R11; \
	LEAQ (R8)(R8*2), AX; \
	LEAQ (SI)(AX*1), DI; \
	LEAQ (DI)(AX*1), R13; \
	LEAQ (R13)(AX*1), R14; \
	LEAQ (R11)(R11*2), R12; \
	ADDQ BX, R12

#define NARROW_STEP(LOAD, BCAST, FMA) \
	LOAD  (DX), Y12; \
	BCAST (SI), Y13; \
	FMA   Y12, Y13, Y0; \
	BCAST (SI)(R8*1), Y14; \
	FMA   Y12, Y14, Y1; \
	BCAST (SI)(R8*2), Y15; \
	FMA   Y12, Y15, Y2; \
	BCAST (DI), Y13; \
	FMA   Y12, Y13, Y3; \
	BCAST (DI)(R8*1), Y14; \
	FMA   Y12, Y14, Y4; \
	BCAST (DI)(R8*2), Y15; \
	FMA   Y12, Y15, Y5; \
	BCAST (R13), Y13; \
	FMA   Y12, Y13, Y6; \
	BCAST (R13)(R8*1), Y14; \
	FMA   Y12, Y14, Y7; \
	BCAST (R13)(R8*2), Y15; \
	FMA   Y12, Y15, Y8; \
	BCAST (R14), Y13; \
	FMA   Y12, Y13, Y9; \
	BCAST (R14)(R8*1), Y14; \
	FMA   Y12, Y14, Y10; \
	BCAST (R14)(R8*2), Y15; \
	FMA   Y12, Y15, Y11; \
	ADDQ  R9, SI; \
	ADDQ  R9, DI; \
	ADDQ  R9, R13; \
	ADDQ  R9, R14; \
	ADDQ  R10, DX

// NARROW_STORE writes rows 0–5 from BX and R12, then moves both 6 rows down for rows 6–11.
#define NARROW_STORE(ST, a0, a1, a2, a3, a4, a5) \
	ST(a0, (BX)); \
	ST(a1, (BX)(R11*1)); \
	ST(a2, (BX)(R11*2)); \
	ST(a3, (R12)); \
	ST(a4, (R12)(R11*1)); \
	ST(a5, (R12)(R11*2))

#define NEXT6 \
	LEAQ (R11)(R11*2), AX; \
	LEAQ (BX)(AX*2), BX; \
	LEAQ (R12)(AX*2), R12

#define ST0_PS(acc, addr) VMULPS Y12, acc, acc; VMOVUPS acc, addr
#define STB_PS(acc, addr) VMULPS addr, Y13, Y14; VFMADD231PS acc, Y12, Y14; VMOVUPS Y14, addr
#define ST0_PD(acc, addr) VMULPD Y12, acc, acc; VMOVUPD acc, addr
#define STB_PD(acc, addr) VMULPD addr, Y13, Y14; VFMADD231PD acc, Y12, Y14; VMOVUPD Y14, addr

// func sgemmKernel12x8(k int, alpha float32, a []float32, rsA, csA int, b []float32, rsB int, beta float32, c []float32, ldc int)
TEXT ·sgemmKernel12x8(SB), NOSPLIT, $0-128
	NARROW_ARGS($2)
	ZERO_ACC
	MOVQ CX, AX
	SHRQ $2, AX
	JZ   sn_tail

sn_loop4:
	NARROW_STEP(VMOVUPS, VBROADCASTSS, VFMADD231PS)
	NARROW_STEP(VMOVUPS, VBROADCASTSS, VFMADD231PS)
	NARROW_STEP(VMOVUPS, VBROADCASTSS, VFMADD231PS)
	NARROW_STEP(VMOVUPS, VBROADCASTSS, VFMADD231PS)
	DECQ AX
	JNZ  sn_loop4

sn_tail:
	ANDQ $3, CX
	JZ   sn_store

sn_loop1:
	NARROW_STEP(VMOVUPS, VBROADCASTSS, VFMADD231PS)
	DECQ CX
	JNZ  sn_loop1

sn_store:
	VBROADCASTSS alpha+8(FP), Y12
	VBROADCASTSS beta+88(FP), Y13
	VXORPS       X14, X14, X14
	VUCOMISS     X14, X13
	JNE          sn_beta
	JPS          sn_beta
	NARROW_STORE(ST0_PS, Y0, Y1, Y2, Y3, Y4, Y5)
	NEXT6
	NARROW_STORE(ST0_PS, Y6, Y7, Y8, Y9, Y10, Y11)
	VZEROUPPER
	RET

sn_beta:
	NARROW_STORE(STB_PS, Y0, Y1, Y2, Y3, Y4, Y5)
	NEXT6
	NARROW_STORE(STB_PS, Y6, Y7, Y8, Y9, Y10, Y11)
	VZEROUPPER
	RET

// func dgemmKernel12x4(k int, alpha float64, a []float64, rsA, csA int, b []float64, rsB int, beta float64, c []float64, ldc int)
TEXT ·dgemmKernel12x4(SB), NOSPLIT, $0-128
	NARROW_ARGS($3)
	ZERO_ACC
	MOVQ CX, AX
	SHRQ $2, AX
	JZ   dn_tail

dn_loop4:
	NARROW_STEP(VMOVUPD, VBROADCASTSD, VFMADD231PD)
	NARROW_STEP(VMOVUPD, VBROADCASTSD, VFMADD231PD)
	NARROW_STEP(VMOVUPD, VBROADCASTSD, VFMADD231PD)
	NARROW_STEP(VMOVUPD, VBROADCASTSD, VFMADD231PD)
	DECQ AX
	JNZ  dn_loop4

dn_tail:
	ANDQ $3, CX
	JZ   dn_store

dn_loop1:
	NARROW_STEP(VMOVUPD, VBROADCASTSD, VFMADD231PD)
	DECQ CX
	JNZ  dn_loop1

dn_store:
	VBROADCASTSD beta+88(FP), Y13
	VBROADCASTSD alpha+8(FP), Y12
	VXORPD       X14, X14, X14
	VUCOMISD     X14, X13
	JNE          dn_beta
	JPS          dn_beta
	NARROW_STORE(ST0_PD, Y0, Y1, Y2, Y3, Y4, Y5)
	NEXT6
	NARROW_STORE(ST0_PD, Y6, Y7, Y8, Y9, Y10, Y11)
	VZEROUPPER
	RET

dn_beta:
	NARROW_STORE(STB_PD, Y0, Y1, Y2, Y3, Y4, Y5)
	NEXT6
	NARROW_STORE(STB_PD, Y6, Y7, Y8, Y9, Y10, Y11)
	VZEROUPPER
	RET
