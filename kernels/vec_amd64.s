//go:build amd64 && !noasm

// AVX2+FMA dot products and axpy: four independent YMM accumulators (or streams) per iteration
// to cover the FMA latency, then one vector at a time, then scalars.

#include "textflag.h"

// func dot32(x, y []float32) float32
TEXT ·dot32(SB), NOSPLIT, $0-52
	MOVQ   x_base+0(FP), SI
	MOVQ   x_len+8(FP), CX
	MOVQ   y_base+24(FP), DI
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	MOVQ   CX, AX
	SHRQ   $5, AX
	JZ     s_vec

s_loop32:
	VMOVUPS     (SI), Y4
	VMOVUPS     32(SI), Y5
	VMOVUPS     64(SI), Y6
	VMOVUPS     96(SI), Y7
	VFMADD231PS (DI), Y4, Y0
	VFMADD231PS 32(DI), Y5, Y1
	VFMADD231PS 64(DI), Y6, Y2
	VFMADD231PS 96(DI), Y7, Y3
	ADDQ        $128, SI
	ADDQ        $128, DI
	DECQ        AX
	JNZ         s_loop32

s_vec:
	ANDQ $31, CX
	MOVQ CX, AX
	SHRQ $3, AX
	JZ   s_reduce

s_loop8:
	VMOVUPS     (SI), Y4
	VFMADD231PS (DI), Y4, Y0
	ADDQ        $32, SI
	ADDQ        $32, DI
	DECQ        AX
	JNZ         s_loop8

s_reduce:
	VADDPS       Y1, Y0, Y0
	VADDPS       Y3, Y2, Y2
	VADDPS       Y2, Y0, Y0
	VEXTRACTF128 $1, Y0, X1
	VADDPS       X1, X0, X0
	VHADDPS      X0, X0, X0
	VHADDPS      X0, X0, X0
	ANDQ         $7, CX
	JZ           s_done

s_loop1:
	VMOVSS      (SI), X4
	VFMADD231SS (DI), X4, X0
	ADDQ        $4, SI
	ADDQ        $4, DI
	DECQ        CX
	JNZ         s_loop1

s_done:
	VMOVSS X0, ret+48(FP)
	VZEROUPPER
	RET

// func dot64(x, y []float64) float64
TEXT ·dot64(SB), NOSPLIT, $0-56
	MOVQ   x_base+0(FP), SI
	MOVQ   x_len+8(FP), CX
	MOVQ   y_base+24(FP), DI
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	VXORPD Y2, Y2, Y2
	VXORPD Y3, Y3, Y3
	MOVQ   CX, AX
	SHRQ   $4, AX
	JZ     d_vec

d_loop16:
	VMOVUPD     (SI), Y4
	VMOVUPD     32(SI), Y5
	VMOVUPD     64(SI), Y6
	VMOVUPD     96(SI), Y7
	VFMADD231PD (DI), Y4, Y0
	VFMADD231PD 32(DI), Y5, Y1
	VFMADD231PD 64(DI), Y6, Y2
	VFMADD231PD 96(DI), Y7, Y3
	ADDQ        $128, SI
	ADDQ        $128, DI
	DECQ        AX
	JNZ         d_loop16

d_vec:
	ANDQ $15, CX
	MOVQ CX, AX
	SHRQ $2, AX
	JZ   d_reduce

d_loop4:
	VMOVUPD     (SI), Y4
	VFMADD231PD (DI), Y4, Y0
	ADDQ        $32, SI
	ADDQ        $32, DI
	DECQ        AX
	JNZ         d_loop4

d_reduce:
	VADDPD       Y1, Y0, Y0
	VADDPD       Y3, Y2, Y2
	VADDPD       Y2, Y0, Y0
	VEXTRACTF128 $1, Y0, X1
	VADDPD       X1, X0, X0
	VHADDPD      X0, X0, X0
	ANDQ         $3, CX
	JZ           d_done

d_loop1:
	VMOVSD      (SI), X4
	VFMADD231SD (DI), X4, X0
	ADDQ        $8, SI
	ADDQ        $8, DI
	DECQ        CX
	JNZ         d_loop1

d_done:
	VMOVSD X0, ret+48(FP)
	VZEROUPPER
	RET

// func axpy32(alpha float32, x, y []float32)
TEXT ·axpy32(SB), NOSPLIT, $0-56
	VBROADCASTSS alpha+0(FP), Y15
	MOVQ         x_base+8(FP), SI
	MOVQ         x_len+16(FP), CX
	MOVQ         y_base+32(FP), DI
	MOVQ         CX, AX
	SHRQ         $5, AX
	JZ           sa_vec

sa_loop32:
	VMOVUPS     (SI), Y0
	VMOVUPS     32(SI), Y1
	VMOVUPS     64(SI), Y2
	VMOVUPS     96(SI), Y3
	VFMADD213PS (DI), Y15, Y0
	VFMADD213PS 32(DI), Y15, Y1
	VFMADD213PS 64(DI), Y15, Y2
	VFMADD213PS 96(DI), Y15, Y3
	VMOVUPS     Y0, (DI)
	VMOVUPS     Y1, 32(DI)
	VMOVUPS     Y2, 64(DI)
	VMOVUPS     Y3, 96(DI)
	ADDQ        $128, SI
	ADDQ        $128, DI
	DECQ        AX
	JNZ         sa_loop32

sa_vec:
	ANDQ $31, CX
	MOVQ CX, AX
	SHRQ $3, AX
	JZ   sa_tail

sa_loop8:
	VMOVUPS     (SI), Y0
	VFMADD213PS (DI), Y15, Y0
	VMOVUPS     Y0, (DI)
	ADDQ        $32, SI
	ADDQ        $32, DI
	DECQ        AX
	JNZ         sa_loop8

sa_tail:
	ANDQ $7, CX
	JZ   sa_done

sa_loop1:
	VMOVSS      (SI), X0
	VFMADD213SS (DI), X15, X0
	VMOVSS      X0, (DI)
	ADDQ        $4, SI
	ADDQ        $4, DI
	DECQ        CX
	JNZ         sa_loop1

sa_done:
	VZEROUPPER
	RET

// func axpy64(alpha float64, x, y []float64)
TEXT ·axpy64(SB), NOSPLIT, $0-56
	VBROADCASTSD alpha+0(FP), Y15
	MOVQ         x_base+8(FP), SI
	MOVQ         x_len+16(FP), CX
	MOVQ         y_base+32(FP), DI
	MOVQ         CX, AX
	SHRQ         $4, AX
	JZ           da_vec

da_loop16:
	VMOVUPD     (SI), Y0
	VMOVUPD     32(SI), Y1
	VMOVUPD     64(SI), Y2
	VMOVUPD     96(SI), Y3
	VFMADD213PD (DI), Y15, Y0
	VFMADD213PD 32(DI), Y15, Y1
	VFMADD213PD 64(DI), Y15, Y2
	VFMADD213PD 96(DI), Y15, Y3
	VMOVUPD     Y0, (DI)
	VMOVUPD     Y1, 32(DI)
	VMOVUPD     Y2, 64(DI)
	VMOVUPD     Y3, 96(DI)
	ADDQ        $128, SI
	ADDQ        $128, DI
	DECQ        AX
	JNZ         da_loop16

da_vec:
	ANDQ $15, CX
	MOVQ CX, AX
	SHRQ $2, AX
	JZ   da_tail

da_loop4:
	VMOVUPD     (SI), Y0
	VFMADD213PD (DI), Y15, Y0
	VMOVUPD     Y0, (DI)
	ADDQ        $32, SI
	ADDQ        $32, DI
	DECQ        AX
	JNZ         da_loop4

da_tail:
	ANDQ $3, CX
	JZ   da_done

da_loop1:
	VMOVSD      (SI), X0
	VFMADD213SD (DI), X15, X0
	VMOVSD      X0, (DI)
	ADDQ        $8, SI
	ADDQ        $8, DI
	DECQ        CX
	JNZ         da_loop1

da_done:
	VZEROUPPER
	RET
