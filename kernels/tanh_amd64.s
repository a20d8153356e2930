//go:build amd64 && !noasm

// AVX2+FMA float32 tanh, eight lanes at a time, on a = |x| with the sign restored at the end:
//   a < 4e-4: tanh(a) = a (exact in float32, and keeps subnormals);
//   a < 0.5:  tanh(a) = a·P(a²)/Q(a²), Eigen's 13/6 rational approximation;
//   a ≥ 0.5:  tanh(a) = 1 − 2/(e^{2a} + 1), with e^{2a} from a Cephes-style expf (Cody–Waite
//             reduction, degree-5 polynomial, 2^n added to the exponent bits), a clamped to 9.5
//             where tanh rounds to 1 in float32.
// Both branches run on every lane and share one division: num/den is p/q or 2/(e^{2a}+1).
// The rational alone loses up to 5 ulp near 1 in float32 (abs error 3e-7); the split keeps the
// abs error below 1e-7. NaN propagates because VMINPS returns its second source (a) when a is NaN.

#include "textflag.h"

DATA tanhc<>+0(SB)/4, $0x7fffffff   // abs mask
DATA tanhc<>+4(SB)/4, $0x80000000   // sign mask
DATA tanhc<>+8(SB)/4, $0x41180000   // clamp = 9.5
DATA tanhc<>+12(SB)/4, $0x3f000000  // split = 0.5
DATA tanhc<>+16(SB)/4, $0xa59f25c0  // α13 = -2.76076847742355e-16
DATA tanhc<>+20(SB)/4, $0x2a61337e  // α11 = 2.00018790482477e-13
DATA tanhc<>+24(SB)/4, $0xaebd37ff  // α9 = -8.60467152213735e-11
DATA tanhc<>+28(SB)/4, $0x335c0041  // α7 = 5.12229709037114e-08
DATA tanhc<>+32(SB)/4, $0x3779434a  // α5 = 1.48572235717979e-05
DATA tanhc<>+36(SB)/4, $0x3a270ded  // α3 = 6.37261928875436e-04
DATA tanhc<>+40(SB)/4, $0x3ba059dc  // α1 = 4.89352455891786e-03
DATA tanhc<>+44(SB)/4, $0x35a0d3d8  // β6 = 1.19825839466702e-06
DATA tanhc<>+48(SB)/4, $0x38f895d6  // β4 = 1.18534705686654e-04
DATA tanhc<>+52(SB)/4, $0x3b14aa05  // β2 = 2.26843463243900e-03
DATA tanhc<>+56(SB)/4, $0x3ba059dd  // β0 = 4.89352518554385e-03
DATA tanhc<>+60(SB)/4, $0x3fb8aa3b  // log2(e)
DATA tanhc<>+64(SB)/4, $0xbf318000  // -ln2 high part = -0.693359375
DATA tanhc<>+68(SB)/4, $0x395e8083  // ln2 low part correction = 2.12194440e-4
DATA tanhc<>+72(SB)/4, $0x39506967  // expf poly 1.9875691500e-4
DATA tanhc<>+76(SB)/4, $0x3ab743ce  // 1.3981999507e-3
DATA tanhc<>+80(SB)/4, $0x3c088908  // 8.3334519073e-3
DATA tanhc<>+84(SB)/4, $0x3d2aa9c1  // 4.1665795894e-2
DATA tanhc<>+88(SB)/4, $0x3e2aaaaa  // 1.6666665459e-1
DATA tanhc<>+92(SB)/4, $0x3f000000  // 5.0000001201e-1
DATA tanhc<>+96(SB)/4, $0x3f800000  // 1
DATA tanhc<>+100(SB)/4, $0x40000000 // 2
DATA tanhc<>+104(SB)/4, $0x39d1b717 // tiny = 4e-4: below it tanh(a) = a in float32
GLOBL tanhc<>(SB), RODATA|NOPTR, $108

// HORNER sets acc = acc·x + c for the constant at offset off.
#define HORNER(off, x, acc) \
	VBROADCASTSS tanhc<>+off(SB), Y15; \
	VFMADD213PS  Y15, x, acc

// func tanh32x8(dst, src []float32, n int)
TEXT ·tanh32x8(SB), NOSPLIT, $0-56
	MOVQ dst_base+0(FP), DI
	MOVQ src_base+24(FP), SI
	MOVQ n+48(FP), CX
	SHRQ $3, CX
	JZ   done

loop:
	VMOVUPS      (SI), Y0
	VBROADCASTSS tanhc<>+0(SB), Y15
	VANDPS       Y15, Y0, Y1
	VBROADCASTSS tanhc<>+8(SB), Y15
	VMINPS       Y1, Y15, Y1
	VBROADCASTSS tanhc<>+12(SB), Y15
	VCMPPS       $1, Y15, Y1, Y5

	// Rational branch: Y3 = p = a·P(a²), Y4 = q = Q(a²).
	VMULPS       Y1, Y1, Y2
	VBROADCASTSS tanhc<>+16(SB), Y3
	HORNER(20, Y2, Y3)
	HORNER(24, Y2, Y3)
	HORNER(28, Y2, Y3)
	HORNER(32, Y2, Y3)
	HORNER(36, Y2, Y3)
	HORNER(40, Y2, Y3)
	VMULPS       Y1, Y3, Y3
	VBROADCASTSS tanhc<>+44(SB), Y4
	HORNER(48, Y2, Y4)
	HORNER(52, Y2, Y4)
	HORNER(56, Y2, Y4)

	// Exponential branch: Y8 = e^{2a} + 1.
	VADDPS       Y1, Y1, Y6
	VBROADCASTSS tanhc<>+60(SB), Y15
	VMULPS       Y15, Y6, Y7
	VROUNDPS     $0, Y7, Y7
	VBROADCASTSS tanhc<>+64(SB), Y15
	VFMADD231PS  Y15, Y7, Y6
	VBROADCASTSS tanhc<>+68(SB), Y15
	VFMADD231PS  Y15, Y7, Y6
	VBROADCASTSS tanhc<>+72(SB), Y8
	HORNER(76, Y6, Y8)
	HORNER(80, Y6, Y8)
	HORNER(84, Y6, Y8)
	HORNER(88, Y6, Y8)
	HORNER(92, Y6, Y8)
	VMULPS       Y6, Y6, Y9
	VFMADD213PS  Y6, Y9, Y8
	VBROADCASTSS tanhc<>+96(SB), Y14
	VADDPS       Y14, Y8, Y8
	VCVTPS2DQ    Y7, Y7
	VPSLLD       $23, Y7, Y7
	VPADDD       Y7, Y8, Y8
	VADDPS       Y14, Y8, Y8

	// One division for both branches, then select and restore the sign.
	VBROADCASTSS tanhc<>+100(SB), Y15
	VBLENDVPS    Y5, Y3, Y15, Y10
	VBLENDVPS    Y5, Y4, Y8, Y11
	VDIVPS       Y11, Y10, Y10
	VSUBPS       Y10, Y14, Y12
	VBLENDVPS    Y5, Y10, Y12, Y13
	VBROADCASTSS tanhc<>+104(SB), Y15
	VCMPPS       $1, Y15, Y1, Y5
	VBLENDVPS    Y5, Y1, Y13, Y13
	VBROADCASTSS tanhc<>+4(SB), Y15
	VANDPS       Y15, Y0, Y0
	VORPS        Y0, Y13, Y13
	VMOVUPS      Y13, (DI)

	ADDQ $32, SI
	ADDQ $32, DI
	DECQ CX
	JNZ  loop

done:
	VZEROUPPER
	RET
