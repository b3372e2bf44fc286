/* loongarch64 exception entry of the interrupt-storm kernel (common/storm.cpp), installed in
 * CSR.EENTRY by storm::cpu_setup (ECFG.VS = 0: every exception and interrupt enters here). PLV0
 * to PLV0: the handler runs on the interrupted code's stack (no red zone in the psABI), saves
 * every caller-saved register and calls storm_interrupt(ESTAT) for an interrupt (ESTAT.Ecode 0),
 * then restores and returns with ertn (which clears LLbit, so an interrupted ll/sc sequence
 * retries); anything else goes to boot.S's trap_entry (example_trap). $r21 (the per-CPU
 * register) is never touched: the handler uses the same CPU's value. */
#define CSR_ESTAT 0x5

        .section .text, "ax"
        .balign 4096                    /* CSR.EENTRY is page aligned */
        .global storm_trap_entry
storm_trap_entry:
        addi.d          $sp, $sp, -144
        st.d            $ra, $sp, 0
        st.d            $a0, $sp, 8
        st.d            $a1, $sp, 16
        st.d            $a2, $sp, 24
        st.d            $a3, $sp, 32
        st.d            $a4, $sp, 40
        st.d            $a5, $sp, 48
        st.d            $a6, $sp, 56
        st.d            $a7, $sp, 64
        st.d            $t0, $sp, 72
        st.d            $t1, $sp, 80
        st.d            $t2, $sp, 88
        st.d            $t3, $sp, 96
        st.d            $t4, $sp, 104
        st.d            $t5, $sp, 112
        st.d            $t6, $sp, 120
        st.d            $t7, $sp, 128
        st.d            $t8, $sp, 136
        csrrd           $a0, CSR_ESTAT
        srli.d          $t0, $a0, 16
        andi            $t0, $t0, 0x3f          /* Ecode: 0 = interrupt */
        bnez            $t0, 1f
        bl              storm_interrupt
        ld.d            $ra, $sp, 0
        ld.d            $a0, $sp, 8
        ld.d            $a1, $sp, 16
        ld.d            $a2, $sp, 24
        ld.d            $a3, $sp, 32
        ld.d            $a4, $sp, 40
        ld.d            $a5, $sp, 48
        ld.d            $a6, $sp, 56
        ld.d            $a7, $sp, 64
        ld.d            $t0, $sp, 72
        ld.d            $t1, $sp, 80
        ld.d            $t2, $sp, 88
        ld.d            $t3, $sp, 96
        ld.d            $t4, $sp, 104
        ld.d            $t5, $sp, 112
        ld.d            $t6, $sp, 120
        ld.d            $t7, $sp, 128
        ld.d            $t8, $sp, 136
        addi.d          $sp, $sp, 144
        ertn
1:      b               trap_entry              /* boot.S: ESTAT/ERA/BADV to example_trap, end */
